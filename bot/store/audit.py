"""The audit log: who changed what and when. Functions take a session."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.staff_models import AuditEntry


def record(
    session: Session,
    actor: str,
    entity: str,
    entity_id: str,
    action: str,
    details: dict[str, Any],
    *,
    actor_id: int | None = None,
) -> AuditEntry:
    """Add one entry in the caller's transaction, so it commits or rolls back with the change."""
    entry = AuditEntry(
        actor=actor[:100],
        actor_id=actor_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        details=details,
    )
    session.add(entry)
    return entry


def history(session: Session, entity: str, entity_id: str) -> Sequence[AuditEntry]:
    """Entries about one thing, oldest first."""
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    ).all()
