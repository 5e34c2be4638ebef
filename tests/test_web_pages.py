"""Reviewer UI HTML routes over TestClient: login, pages, CSRF, auditor refusal, undo."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx
import pytest

from conftest import ApiEnv
from outcome_matcher.errors import InputError
from outcome_matcher.review import decisions
from outcome_matcher.web.session import csrf_for

CTX = {"programme": "BSC-SD", "framework": "demo", "standard": "SD Software developer"}
LINK = {"module": "DB", "competency": "SD-01"}


def _login(env: ApiEnv, role: str) -> None:
    response = env.client.post("/login", data={"token": env.tokens[role], "next": "/"})
    assert response.status_code == 200  # followed the 303 to the home page
    assert "om_session" in env.client.cookies


def _decide(env: ApiEnv, role: str, verdict: str, version: int = 0, **extra: str) -> httpx.Response:
    form = CTX | LINK | {"verdict": verdict, "relation": "exact", "expected_version": str(version)}
    form["csrf"] = csrf_for(env.client.cookies["om_session"])
    return env.client.post("/queue/decide", data=form | extra, follow_redirects=False)


def test_pages_redirect_to_login_without_a_session(api_env: ApiEnv) -> None:
    for path in ("/", "/search", "/history", "/queue?" + urlencode(CTX)):
        response = api_env.client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_login_sets_a_strict_http_only_cookie(api_env: ApiEnv) -> None:
    bad = api_env.client.post("/login", data={"token": "nope"})
    assert bad.status_code == 401 and "not valid" in bad.text
    response = api_env.client.post(
        "/login",
        data={"token": api_env.tokens["reviewer"], "next": "//evil.example"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_home_links_the_programme_to_its_queue(api_env: ApiEnv) -> None:
    _login(api_env, "reviewer")
    page = api_env.client.get("/").text
    assert "BSc Software Development" in page and "SD Software developer" in page
    assert "/queue?programme=BSC-SD" in page and "0 of 4 requirements reviewed" in page


def test_matrix_queue_search_and_history_render(api_env: ApiEnv) -> None:
    _login(api_env, "reviewer")
    matrix = api_env.client.get("/matrix?" + urlencode(CTX))
    assert matrix.status_code == 200 and "design database scheme" in matrix.text
    queue = api_env.client.get("/queue?" + urlencode(CTX | LINK))
    assert queue.status_code == 200 and 'data-key="a"' in queue.text
    search = api_env.client.get("/search?" + urlencode({"text": "design a database"}))
    assert search.status_code == 200 and "English (en)" in search.text
    assert re.search(r"design database scheme|execute software tests", search.text)
    assert api_env.client.get("/history?programme=BSC-SD").status_code == 200
    picker = api_env.client.get("/standards", params={"programme": "sample/BSC-SD", "q": "soft"})
    assert "/matrix?programme=BSC-SD" in picker.text and "SD Software developer" in picker.text


def test_decide_needs_the_csrf_token_and_a_same_site_origin(api_env: ApiEnv) -> None:
    _login(api_env, "reviewer")
    assert _decide(api_env, "reviewer", "accepted", csrf="forged").status_code == 403
    foreign = api_env.client.post(
        "/queue/decide",
        data=CTX
        | LINK
        | {
            "verdict": "rejected",
            "expected_version": "0",
            "csrf": csrf_for(api_env.client.cookies["om_session"]),
        },
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert foreign.status_code == 403
    assert api_env.store.decision_history(programme="BSC-SD") == []


def test_auditor_sees_disabled_buttons_and_is_refused(api_env: ApiEnv) -> None:
    _login(api_env, "auditor")
    page = api_env.client.get("/queue?" + urlencode(CTX | LINK)).text
    assert "cannot record decisions" in page and "<fieldset disabled>" in page
    response = _decide(api_env, "auditor", "accepted")
    assert response.status_code == 403
    assert api_env.store.decision_history(programme="BSC-SD") == []


def test_decide_conflict_and_undo(api_env: ApiEnv) -> None:
    _login(api_env, "reviewer")
    first = _decide(api_env, "reviewer", "accepted")
    assert first.status_code == 303
    stale = _decide(api_env, "reviewer", "rejected", version=0, reason="not taught")
    assert stale.status_code == 409 and "someone decided this link" in stale.text
    assert _decide(api_env, "reviewer", "rejected", 1, reason="not taught").status_code == 303
    undo = {"csrf": csrf_for(api_env.client.cookies["om_session"])} | CTX
    api_env.client.post("/queue/undo", data=undo)
    history = api_env.store.decision_history(programme="BSC-SD")
    assert [d.verdict for d in history] == ["accepted", "rejected", "accepted"]
    assert history[-1].supersedes == history[1].id and "undo" in history[-1].reason


def test_a_missing_reason_is_asked_for_not_lost(
    api_env: ApiEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise InputError("rejecting a high-confidence suggestion needs a reason", field="reason")

    monkeypatch.setattr(decisions, "enforce_reason_rule", refuse)
    _login(api_env, "reviewer")
    response = _decide(api_env, "reviewer", "rejected")
    assert response.status_code == 422
    assert "needs a reason" in response.text and 'data-pending="rejected"' in response.text
    assert api_env.store.decision_history(programme="BSC-SD") == []


def test_matrix_links_to_the_audit_report(api_env: ApiEnv) -> None:
    _login(api_env, "auditor")
    matrix = api_env.client.get("/matrix?" + urlencode(CTX)).text
    link = re.search(r'href="(/report\?[^"]*format=html)"', matrix)
    assert link is not None
    report = api_env.client.get(link.group(1).replace("&amp;", "&"))
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert "design database scheme" in report.text
