"""Our action server: rasa-sdk's app on loopback, refusing calls without the shared token.

rasa-sdk's own CLI binds every interface and has no authentication, so we build its app
and serve it ourselves.
"""

import argparse
import hmac
import logging
from typing import Any

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

from bot.settings import get_settings

log = logging.getLogger(__name__)


class Executor(ActionExecutor):
    """rasa-sdk's executor, for Rasa 3.6 with `enable_selective_domain` (bot/endpoints*.yml).

    Rasa then sends its domain (about 50 kB of JSON) only to the actions that need it: the
    form validation actions (`validate_*`) and any declared with `send_domain: true`. rasa-sdk
    expects the domain digest of later Rasa versions and refuses a call that has neither; from
    Rasa 3.6 such a call is for an action that does not read the domain.
    """

    def update_and_return_domain(
        self, payload: dict[str, Any], action_name: str
    ) -> dict[str, Any] | None:
        if payload.get("domain") is None and payload.get("domain_digest") is None:
            return {}
        return super().update_and_return_domain(payload, action_name)


def build_app(token: str, actions_package: str = "actions") -> Sanic:
    """The rasa-sdk Sanic app with our actions registered and a token check."""
    executor = Executor()
    executor.register_package(actions_package)
    app = create_app(executor, cors_origins=None)

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        given = request.args.get("token", "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return json({"error": "missing or wrong token"}, status=401)
        return None

    @app.before_server_start
    async def warm_up(_app: Sanic) -> None:
        # Load language models and reference data before the first delegate arrives.
        from bot.conversation.warmup import warm_up as load

        load()

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=get_settings().action_server_port)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = build_app(get_settings().action_token)
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
