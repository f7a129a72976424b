"""The web service without Rasa: input checks, Rasa being down, the read API's token."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.catalogue.loader import get_catalogue
from bot.runner import free_port
from bot.settings import get_settings
from bot.store.db import engine_for
from bot.web.app import create_app
from tests.utils.factories import create_request

TOKEN = "test-api-token-0123456789"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # Nothing listens on this port: the gateway meets a Rasa that is down.
    monkeypatch.setenv("TRIAGE_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("TRIAGE_API_TOKEN", TOKEN)
    monkeypatch.setenv("TRIAGE_RASA_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    with TestClient(create_app()) as c:
        yield c


def chat(client: TestClient, **body: object) -> tuple[int, dict[str, object]]:
    r = client.post("/api/chat", json={"sender_id": "browser-1234", "message": "hi"} | body)
    return r.status_code, r.json()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"message": ""}, "at least 1 character"),
        ({"message": "   \n "}, "message is empty"),
        ({"message": "x" * 4001}, "at most 4000 characters"),
        ({"sender_id": "a"}, "should match pattern"),
        ({"sender_id": "../../etc/passwd"}, "should match pattern"),
        ({"message": 42}, "valid string"),
        ({"metadata": {"language": "de"}}, "metadata.language must be one of"),
        ({"metadata": {f"k{i}": i for i in range(21)}}, "at most 20 items"),
        ({"unexpected": True}, "Extra inputs are not permitted"),
    ],
)
def test_bad_chat_input_gets_a_4xx_with_a_reason(
    client: TestClient, body: dict[str, object], reason: str
) -> None:
    status, answer = chat(client, **body)
    assert status == 422
    assert reason in str(answer["detail"])


def test_missing_fields_are_named(client: TestClient) -> None:
    r = client.post("/api/chat", json={})
    assert r.status_code == 422
    missing = {tuple(e["loc"]) for e in r.json()["detail"]}
    assert missing == {("body", "sender_id"), ("body", "message")}


def test_malformed_json_is_a_4xx(client: TestClient) -> None:
    r = client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient) -> None:
    r = client.post(
        "/api/chat", content=b"x" * (65 * 1024), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert "over 65536 bytes" in r.json()["detail"]


def test_rasa_down_is_a_503_with_a_reason(client: TestClient) -> None:
    status, answer = chat(client, client_message_id="m1")
    assert status == 503
    assert answer == {
        "detail": "The assistant is temporarily unavailable. Please try again in a moment."
    }
    # The failed attempt released its message id, so the widget's retry is processed, not refused.
    status, _ = chat(client, client_message_id="m1")
    assert status == 503


def test_history_with_rasa_down_is_a_503(client: TestClient) -> None:
    assert client.get("/api/chat/browser-1234/history").status_code == 503


def test_the_read_api_needs_the_bearer_token(client: TestClient) -> None:
    assert client.get("/api/requests").status_code == 401
    r = client.get("/api/requests", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401


def test_the_read_api_lists_and_shows_requests(client: TestClient, clean_store: str) -> None:
    with Session(engine_for(clean_store)) as s:
        filed = create_request(s, conversation_id="browser-1234", member="Kenya").request
        s.commit()
        reference = filed.reference
    auth = {"Authorization": f"Bearer {TOKEN}"}
    listing = client.get(
        "/api/requests", params={"conversation_id": "browser-1234"}, headers=auth
    ).json()
    assert listing["count"] == 1
    assert listing["data"][0]["reference"] == reference
    one = client.get(f"/api/requests/{reference}", headers=auth).json()
    assert one["member"] == "Kenya" and one["status"] == "new"
    assert client.get("/api/requests/TA-1999-000000", headers=auth).status_code == 404
    assert client.get("/api/requests", params={"status": "lost"}, headers=auth).status_code == 422


def test_privacy_notice_is_served(client: TestClient) -> None:
    r = client.get("/privacy")
    assert r.status_code == 200 and "Privacy notice" in r.text


def test_the_catalogue_api_filters_and_speaks_the_language(client: TestClient) -> None:
    everything = client.get("/api/catalogue").json()
    assert everything["count"] >= 45
    wipo = client.get("/api/catalogue", params={"organization": "WIPO", "language": "fr"}).json()
    assert wipo["count"] > 0
    assert all("WIPO" in a["organizations"] for a in wipo["data"])
    open_only = client.get("/api/catalogue", params={"include_past": "false"}).json()
    assert all(a["availability"] == "open" for a in open_only["data"])
    found = client.get("/api/catalogue", params={"q": "licence obligatoire"}).json()
    assert found["count"] > 0 and any(
        "intellectual_property" in a["topics"] for a in found["data"][:3]
    )
    one = client.get(f"/api/catalogue/{found['data'][0]['id']}", params={"language": "es"}).json()
    assert one["id"] == found["data"][0]["id"]


def test_one_activity_is_described_in_the_language_asked_for(client: TestClient) -> None:
    activity = get_catalogue().activities[0]
    for language in ("en", "fr", "es"):
        one = client.get(f"/api/catalogue/{activity.id}", params={"language": language}).json()
        assert one["title"] == activity.title.get(language)
        assert one["description"] == activity.description.get(language)
    spanish = client.get("/api/catalogue", params={"language": "es"}).json()["data"][0]
    listed = get_catalogue().get(spanish["id"])
    assert listed is not None and spanish["description"] == listed.description.es


def test_the_catalogue_api_refuses_unknown_filters_and_ids(client: TestClient) -> None:
    assert client.get("/api/catalogue", params={"organization": "UNICEF"}).status_code == 422
    assert client.get("/api/catalogue", params={"language": "de"}).status_code == 422
    assert client.get("/api/catalogue/no-such-activity").status_code == 404
