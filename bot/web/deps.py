"""Dependencies shared by the routes: settings, database session, machine-client token."""

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from bot.settings import Settings, get_settings
from bot.store.db import session_factory

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_db() -> Iterator[Session]:
    with session_factory()() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]

_bearer = HTTPBearer(auto_error=False)


def require_api_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Machine clients present the API token from settings as a bearer token."""
    given = credentials.credentials if credentials else ""
    if not given or not hmac.compare_digest(given.encode(), settings.api_token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "A valid bearer token is required.",
            headers={"WWW-Authenticate": "Bearer"},
        )


ApiClient = Depends(require_api_token)
