"""The gateway's HTTP client for the Rasa server on loopback."""

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer (down, starting, or too slow)."""


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self._token = token
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def close(self) -> None:
        await self._http.aclose()

    async def send(
        self, sender_id: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Deliver a delegate's message; returns the assistant's messages."""
        body = {"sender": sender_id, "message": message, "metadata": metadata}
        data = await self._request("POST", "/webhooks/rest/webhook", json=body)
        return list(data or [])

    async def tracker(self, sender_id: str, *, events: bool = False) -> dict[str, Any]:
        """The conversation's tracker; without events unless asked (much smaller)."""
        params = {"token": self._token, "include_events": "ALL" if events else "NONE"}
        data = await self._request("GET", f"/conversations/{sender_id}/tracker", params=params)
        return dict(data or {})

    async def replace_model(self, model_path: str) -> None:
        await self._request(
            "PUT", "/model", params={"token": self._token}, json={"model_file": model_path}
        )

    async def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        response.raise_for_status()
        return response.json() if response.content else None
