"""The gateway's HTTP client for the Rasa server(s) on loopback.

With several Rasa instances, each conversation has a home instance chosen by rendezvous
hashing of its sender id, so one conversation's turns normally run on one process and the
conversations spread evenly. When the home instance does not accept connections, the turn
goes to the next instance in that conversation's order: the tracker lives in the shared
tracker store, so the conversation resumes there.
"""

import hashlib
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer (down, starting, or too slow)."""


def _weight(sender_id: str, base_url: str) -> int:
    digest = hashlib.blake2b(f"{base_url}|{sender_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def route(base_urls: list[str], sender_id: str) -> list[str]:
    """The instances in the order a conversation tries them, its home first."""
    return sorted(base_urls, key=lambda url: _weight(sender_id, url), reverse=True)


class RasaClient:
    def __init__(
        self,
        base_urls: str | list[str],
        token: str,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("at least one Rasa URL is needed")
        self._token = token
        self._instances = {
            url: httpx.AsyncClient(base_url=url, timeout=timeout, transport=transport)
            for url in urls
        }

    async def close(self) -> None:
        for http in self._instances.values():
            await http.aclose()

    def route(self, sender_id: str) -> list[str]:
        """The instances in the order this conversation tries them, its home first."""
        return route(list(self._instances), sender_id)

    async def send(
        self, sender_id: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Deliver a delegate's message; returns the assistant's messages."""
        body = {"sender": sender_id, "message": message, "metadata": metadata}
        data = await self._request(sender_id, "POST", "/webhooks/rest/webhook", json=body)
        return list(data or [])

    async def tracker(self, sender_id: str, *, events: bool = False) -> dict[str, Any]:
        """The conversation's tracker; without events unless asked (much smaller)."""
        params = {"token": self._token, "include_events": "ALL" if events else "NONE"}
        data = await self._request(
            sender_id, "GET", f"/conversations/{sender_id}/tracker", params=params
        )
        return dict(data or {})

    async def replace_model(self, model_path: str) -> None:
        """Load another model on every instance."""
        for url, http in self._instances.items():
            await self._call(
                url,
                http,
                "PUT",
                "/model",
                params={"token": self._token},
                json={"model_file": model_path},
            )

    async def _request(self, sender_id: str, method: str, path: str, **kwargs: Any) -> Any:
        order = self.route(sender_id)
        for i, url in enumerate(order):
            try:
                return await self._call(url, self._instances[url], method, path, **kwargs)
            except _NotReached:
                # Nothing was delivered, so the next instance may take this turn without
                # the risk of running it twice.
                if i + 1 < len(order):
                    log.warning("Rasa at %s refused the connection; trying the next", url)
        raise RasaUnavailable("no Rasa instance accepted the connection")

    @staticmethod
    async def _call(
        url: str, http: httpx.AsyncClient, method: str, path: str, **kwargs: Any
    ) -> Any:
        try:
            response = await http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise _NotReached(url) from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        response.raise_for_status()
        return response.json() if response.content else None


class _NotReached(RasaUnavailable):
    """The connection was refused or never established: the request was not delivered."""
