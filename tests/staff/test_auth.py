"""Sign-in, roles, sessions, CSRF and the limit on wrong passwords."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.auth import users
from bot.auth.passwords import WeakPassword, hash_password, verify_password
from bot.store.db import engine_for
from bot.store.staff_models import AuditEntry, LoginAttempt, Role
from tests.staff.conftest import API_TOKEN, new_client
from tests.utils.staff import PASSWORD, create_user, login_csrf, sign_in


def test_passwords_are_argon2id_hashes_that_verify_only_the_right_password() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize("password", ["short", "aaaaaaaaaaaaaaaa", "x" * 300])
def test_weak_passwords_are_refused(store: str, password: str) -> None:
    with Session(engine_for(store)) as s, pytest.raises(WeakPassword):
        create_user(s, "weak", password=password)


def test_a_staff_account_needs_an_organization_and_a_unique_name(store: str) -> None:
    with Session(engine_for(store)) as s:
        with pytest.raises(users.AccountError, match="needs an organization"):
            users.create_user(s, username="x1", password=PASSWORD, role=Role.STAFF)
        create_user(s, "Maria")
        with pytest.raises(users.AccountError, match="taken"):
            create_user(s, "MARIA ")
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "user")).one()
        assert (entry.actor, entry.entity_id, entry.action) == ("cli", "maria", "created")


@pytest.mark.parametrize(
    "path",
    ["/staff/requests", "/staff/conversations", "/staff/requests/TA-2026-000001", "/analyst"],
)
def test_anonymous_visitors_of_pages_are_sent_to_the_login_page(
    app_client: TestClient, path: str
) -> None:
    r = app_client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")
    page = app_client.get(path)
    assert page.status_code == 200 and 'action="/login"' in page.text


@pytest.mark.parametrize(
    "path", ["/api/staff/requests", "/api/staff/conversations", "/api/staff/requests/export.csv"]
)
def test_anonymous_api_calls_get_401(app_client: TestClient, path: str) -> None:
    r = app_client.get(path)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("role", "staff_ok", "analyst_ok"),
    [("staff", True, False), ("analyst", False, True), ("admin", True, True)],
)
def test_each_role_reaches_only_its_own_pages_and_api(
    app_client: TestClient, accounts: dict[str, str], role: str, staff_ok: bool, analyst_ok: bool
) -> None:
    sign_in(app_client, accounts[role])
    for path in ("/staff/requests", "/staff/conversations", "/api/staff/requests"):
        r = app_client.get(path, follow_redirects=False)
        assert r.status_code == (200 if staff_ok else 403), (role, path)
    r = app_client.get("/analyst", follow_redirects=False)
    assert r.status_code == (200 if analyst_ok else 403)
    if not analyst_ok:
        assert "This page is for analyst accounts." in r.text


def test_the_bearer_token_opens_the_json_api_but_not_the_pages(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    assert app_client.get("/api/staff/requests", headers=auth).status_code == 200
    assert (
        app_client.get("/api/staff/requests", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )
    assert (
        app_client.get("/staff/requests", headers=auth, follow_redirects=False).status_code == 303
    )


def test_the_session_cookie_is_httponly_samesite_lax_and_secure(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    r = app_client.post(
        "/login",
        data={"username": "sam", "password": PASSWORD, "csrf_token": login_csrf(app_client)},
        follow_redirects=False,
    )
    cookie = next(
        v
        for k, v in r.headers.multi_items()
        if k == "set-cookie" and v.startswith("triage_session=")
    )
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite"} <= attributes
    assert "samesite=lax" in cookie.lower()
    assert r.headers["location"] == "/staff/requests"


def test_a_login_form_without_its_token_is_refused(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    r = app_client.post(
        "/login", data={"username": "sam", "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 403
    assert "triage_session" not in r.headers.get("set-cookie", "")


def test_next_only_leads_to_pages_of_this_site(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    for target, expected in (
        ("//evil.example/x", "/staff/requests"),
        ("/staff/conversations", "/staff/conversations"),
    ):
        client = new_client(app_client)
        r = client.post(
            "/login",
            data={
                "username": "sam",
                "password": PASSWORD,
                "csrf_token": login_csrf(client),
                "next": target,
            },
            follow_redirects=False,
        )
        assert r.headers["location"] == expected


def test_wrong_passwords_are_limited_per_account_with_a_clear_429(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    for _ in range(5):
        r = app_client.post(
            "/login",
            data={
                "username": "sam",
                "password": "wrong password!!",
                "csrf_token": login_csrf(app_client),
            },
        )
        assert r.status_code == 401
        assert "do not match an active account" in r.text
    # Even the right password is refused now: the limit is checked before the password.
    r = app_client.post(
        "/login",
        data={"username": "sam", "password": PASSWORD, "csrf_token": login_csrf(app_client)},
    )
    assert r.status_code == 429
    assert "Too many failed sign-ins for this account." in r.text
    assert int(r.headers["retry-after"]) > 0
    # Another account from the same address is not locked by sam's failures.
    assert sign_in(new_client(app_client), "ada")


def test_wrong_passwords_are_limited_per_client_address(
    app_client: TestClient, accounts: dict[str, str]
) -> None:
    for n in range(20):
        r = app_client.post(
            "/login",
            data={
                "username": f"nobody{n}",
                "password": "wrong password!!",
                "csrf_token": login_csrf(app_client),
            },
        )
        assert r.status_code == 401
    r = app_client.post(
        "/login",
        data={"username": "ada", "password": PASSWORD, "csrf_token": login_csrf(app_client)},
    )
    assert r.status_code == 429
    assert "from this address" in r.text


def test_login_attempts_store_neither_username_nor_address(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    app_client.post(
        "/login",
        data={
            "username": "sam",
            "password": "wrong password!!",
            "csrf_token": login_csrf(app_client),
        },
    )
    with Session(engine_for(store)) as s:
        attempt = s.scalars(select(LoginAttempt)).one()
    assert "sam" not in attempt.account_key and "testclient" not in attempt.client_key
    assert len(attempt.account_key) == 64


def test_logout_ends_the_session(app_client: TestClient, accounts: dict[str, str]) -> None:
    csrf = sign_in(app_client, "sam")
    cookie = app_client.cookies.get("triage_session")
    assert app_client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    r = app_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    # The old cookie, replayed, opens nothing.
    replay = new_client(app_client)
    replay.cookies.set("triage_session", cookie or "")
    assert replay.get("/api/staff/requests").status_code == 401


def test_disabling_an_account_ends_its_sessions(
    app_client: TestClient, accounts: dict[str, str], store: str
) -> None:
    sign_in(app_client, "sam")
    assert app_client.get("/api/staff/requests").status_code == 200
    with Session(engine_for(store)) as s:
        users.disable_user(s, "sam")
        s.commit()
    assert app_client.get("/api/staff/requests").status_code == 401
    r = app_client.post(
        "/login",
        data={"username": "sam", "password": PASSWORD, "csrf_token": login_csrf(app_client)},
    )
    assert r.status_code == 401


def test_the_users_command_creates_resets_and_disables(
    store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from bot.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(
            [
                "users",
                "create",
                "Lea",
                "--role",
                "staff",
                "--organization",
                "WTO",
                "--name",
                "Léa",
                "--password-stdin",
            ]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("too short\n"))
    assert main(["users", "reset-password", "lea", "--password-stdin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    assert main(["users", "disable", "lea"]) == 0
    assert main(["users", "disable", "nobody"]) == 2
    with Session(engine_for(store)) as s:
        lea = users.get_by_username(s, "LEA")
        assert lea is not None and not lea.active and lea.organization == "WTO"
        assert users.authenticate(s, "lea", PASSWORD) is None


def test_the_json_api_is_in_the_openapi_schema_and_the_pages_are_not(
    app_client: TestClient,
) -> None:
    paths = app_client.get("/openapi.json").json()["paths"]
    assert {"/api/staff/conversations", "/api/staff/requests/{reference}/transition"} <= set(paths)
    assert "409" in paths["/api/staff/requests/{reference}/transition"]["post"]["responses"]
    assert not any(p.startswith(("/staff", "/login", "/logout", "/analyst")) for p in paths)
