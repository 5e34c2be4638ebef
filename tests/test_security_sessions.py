"""Browser sessions apart from API tokens: logout ends them; tokens expire and rotate; login
attempts are rate-limited; cookie writes to the API pass the Origin and CSRF checks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api_support import decision, force_confidence
from conftest import ApiEnv
from outcome_matcher.errors import AuthError
from outcome_matcher.web.login_limit import SlidingWindow
from outcome_matcher.web.session import csrf_for

HOST = "http://testserver"


def _login(env: ApiEnv, role: str = "reviewer") -> str:
    response = env.client.post("/login", data={"token": env.tokens[role]}, follow_redirects=False)
    assert response.status_code == 303, response.text
    session_id = env.client.cookies["om_session"]
    assert session_id != env.tokens[role], "the cookie is a session, not the API token"
    return session_id


def test_cookie_writes_to_the_api_need_origin_and_csrf(api_env: ApiEnv) -> None:
    force_confidence(api_env, high=False)
    session_id = _login(api_env)
    client = api_env.client
    assert client.get("/catalogues").status_code == 200  # reads need no token
    body = decision()
    # What a page on another port of the same host could send with the reviewer's cookie:
    foreign = {"Origin": "http://testserver:8081", "X-CSRF-Token": csrf_for(session_id)}
    assert client.post("/decisions", json=body, headers=foreign).status_code == 403
    refused = client.post("/decisions", json=body)  # no token, no Origin
    assert refused.status_code == 403 and refused.json()["field"] == "X-CSRF-Token"
    wrong = {"Origin": HOST, "X-CSRF-Token": "0" * 32}
    assert client.post("/decisions", json=body, headers=wrong).status_code == 403
    files = {"file": ("cat.yaml", b"name: x\nprogrammes: []\n", "application/yaml")}
    assert client.post("/catalogues", files=files).status_code == 403
    assert api_env.store.decision_history() == []
    ok = {"Origin": HOST, "X-CSRF-Token": csrf_for(session_id)}
    assert client.post("/decisions", json=body, headers=ok).status_code == 201
    # A bearer token is never sent by another site: it needs neither.
    client.cookies.clear()
    other = decision(competency="SD-02")
    bearer = {**api_env.auth("reviewer"), "Origin": "http://evil.example"}
    assert client.post("/decisions", json=other, headers=bearer).status_code == 201


def test_logout_ends_the_session_server_side(api_env: ApiEnv) -> None:
    session_id = _login(api_env)
    assert api_env.client.post("/logout", data={"csrf": csrf_for(session_id)}).status_code == 200
    api_env.client.cookies.set("om_session", session_id)  # a copy of the cookie survives
    assert api_env.client.get("/catalogues").status_code == 401
    assert api_env.client.get("/", follow_redirects=False).status_code == 303
    # The API token the reviewer logged in with is not ended by the browser's logout.
    assert api_env.client.get("/catalogues", headers=api_env.auth("reviewer")).status_code == 200


def test_revoking_the_token_ends_the_web_sessions_it_could_open(api_env: ApiEnv) -> None:
    _login(api_env)
    assert api_env.client.get("/catalogues").status_code == 200
    revoke = {"token": api_env.tokens["reviewer"]}
    admin = api_env.auth("admin")
    assert api_env.client.post("/tokens/revoke", json=revoke, headers=admin).status_code == 204
    assert api_env.client.get("/catalogues").status_code == 401


def test_sessions_expire_absolute_and_idle(api_env: ApiEnv) -> None:
    store = api_env.store
    gone = store.create_session("reviewer-user", lifetime=timedelta(seconds=-1))
    with pytest.raises(AuthError):
        store.session_user(gone, idle=timedelta(hours=1))
    idle = store.create_session("reviewer-user", lifetime=timedelta(hours=1))
    assert store.session_user(idle, idle=timedelta(hours=1)).name == "reviewer-user"
    with pytest.raises(AuthError):
        store.session_user(idle, idle=timedelta(0))
    assert store.end_stale_sessions(idle=timedelta(hours=1)) == 1


def test_tokens_expire_and_rotate(api_env: ApiEnv) -> None:
    store, client = api_env.store, api_env.client
    expired = store.create_token("designer-user", lifetime=timedelta(seconds=-1))
    response = client.get("/catalogues", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and response.json()["field"] == "Authorization"
    issued = client.post("/users/designer-user/tokens", headers=api_env.auth("admin"))
    old = issued.json()["token"]
    rotated = client.post("/tokens/rotate", headers={"Authorization": f"Bearer {old}"})
    assert rotated.status_code == 201 and rotated.json()["user"] == "designer-user"
    new = {"Authorization": f"Bearer {rotated.json()['token']}"}
    assert client.get("/catalogues", headers=new).status_code == 200
    assert client.get("/catalogues", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    again = client.post("/tokens/rotate", headers={"Authorization": f"Bearer {old}"})
    assert again.status_code == 401
    actions = [e.action for e in store.audit_entries(entity_key="designer-user")]
    assert "token.rotate" in actions


def test_new_tokens_get_the_configured_expiry(api_env: ApiEnv) -> None:
    from sqlalchemy import select

    from outcome_matcher.store.tables import TokenRow

    api_env.client.post("/users/reviewer-user/tokens", headers=api_env.auth("admin"))
    with api_env.store.engine.connect() as connection:
        rows = connection.execute(select(TokenRow.created, TokenRow.expires_at)).all()
    lifetimes = [e - c for c, e in rows if e is not None]
    assert lifetimes == [timedelta(days=api_env.settings.token_days or 0)]


def test_login_attempts_are_rate_limited(api_env: ApiEnv) -> None:
    api_env.client.app.state.login_limiter = SlidingWindow(3, 60)  # type: ignore[attr-defined]
    for _ in range(3):
        assert api_env.client.post("/login", data={"token": "guess"}).status_code == 401
    limited = api_env.client.post("/login", data={"token": api_env.tokens["reviewer"]})
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "om_session" not in api_env.client.cookies
    russian = api_env.client.post(
        "/login", data={"token": "guess"}, headers={"Accept-Language": "ru"}
    )
    assert russian.status_code == 429 and "Слишком много попыток входа" in russian.text


def test_sliding_window_forgets_old_attempts() -> None:
    window = SlidingWindow(2, 10)
    assert window.retry_after("a", now=0) == window.retry_after("a", now=1) == 0
    assert window.retry_after("a", now=2) == 8
    assert window.retry_after("b", now=2) == 0  # another key has its own allowance
    assert window.retry_after("a", now=10.5) == 0
