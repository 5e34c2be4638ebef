"""Reviewed labels over HTTP: the API (roles, validation, sizes, 409) and the web form (CSRF,
auditors, the label shown beside the English one in the reader's language)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from conftest import ApiEnv
from outcome_matcher.web.session import csrf_for

CTX = {"programme": "BSC-SD", "framework": "demo", "standard": "SD Software developer"}
MACHINE = {"ru": "проектировать схему базы данных", "uz": "maʼlumotlar bazasi sxemasini loyihalash"}


@pytest.fixture
def env(api_env: ApiEnv) -> ApiEnv:
    """The sample framework re-imported with machine-translated labels for SD-01."""
    fw = api_env.store.load_framework("demo")
    first = fw.competencies[0].model_copy(
        update={"labels_by_lang": {lang: (text,) for lang, text in MACHINE.items()}}
    )
    fw = fw.model_copy(update={"competencies": (first, *fw.competencies[1:])})
    api_env.store.add_framework(fw, replace=True)
    return api_env


def body(
    version: int = 0, label: str = "разрабатывать схему базы данных", **extra: object
) -> dict[str, object]:
    return {
        "framework": "demo",
        "competency_id": "SD-01",
        "lang": "ru",
        "label": label,
        "reason": "the term of the national standard",
        "expected_version": version,
    } | extra


def test_the_api_shows_machine_then_reviewed_labels(env: ApiEnv) -> None:
    client = env.client
    url = "/frameworks/demo/competencies/SD-01"
    got = client.get(url, headers=env.auth("auditor")).json()
    assert got["competency"]["label"] == "design database scheme"
    assert {(x["lang"], x["status"]) for x in got["labels"]} == {
        ("ru", "machine"),
        ("uz", "machine"),
    }
    made = client.post("/label-reviews", json=body(), headers=env.auth("reviewer"))
    assert made.status_code == 201
    assert (made.json()["reviewer"], made.json()["previous_label"]) == (
        "reviewer-user",
        MACHINE["ru"],
    )
    [ru] = [
        x
        for x in client.get(url, headers=env.auth("auditor")).json()["labels"]
        if x["lang"] == "ru"
    ]
    assert (ru["label"], ru["status"], ru["machine_label"], ru["version"]) == (
        "разрабатывать схему базы данных",
        "reviewed",
        MACHINE["ru"],
        1,
    )
    queue = client.get(
        "/programmes/BSC-SD/review-queue",
        params={"framework": "demo", "standard": "SD Software developer", "limit": 50},
        headers=env.auth("auditor"),
    ).json()
    labels = {i["cell"]["competency_id"]: i["local_labels"] for i in queue}
    assert [(x["lang"], x["status"], x["label"]) for x in labels["SD-01"]] == [
        ("ru", "reviewed", "разрабатывать схему базы данных"),
        ("uz", "machine", MACHINE["uz"]),
    ]
    assert all(not v for k, v in labels.items() if k != "SD-01")
    history = client.get(
        "/label-reviews", params={"framework": "demo"}, headers=env.auth("auditor")
    )
    assert [h["label"] for h in history.json()] == ["разрабатывать схему базы данных"]
    assert (
        client.get("/frameworks/demo/competencies/nope", headers=env.auth("auditor")).status_code
        == 404
    )


def test_roles_authorship_versions_and_sizes(env: ApiEnv) -> None:
    client = env.client
    assert client.post("/label-reviews", json=body()).status_code == 401
    denied = client.post("/label-reviews", json=body(), headers=env.auth("auditor"))
    assert denied.status_code == 403 and denied.json()["error"] == "forbidden"
    forged = client.post(
        "/label-reviews", json=body(reviewer="admin-user"), headers=env.auth("designer")
    )
    assert forged.status_code == 422  # the author is the caller, never given
    assert (
        client.post("/label-reviews", json=body(), headers=env.auth("designer")).status_code == 201
    )
    stale = client.post("/label-reviews", json=body(label="другое"), headers=env.auth("reviewer"))
    assert stale.status_code == 409 and stale.json()["current"]["reviewer"] == "designer-user"
    for bad in (body(label="x" * 301), body(lang="de"), body(reason=" "), body(label="")):
        refused = client.post("/label-reviews", json=bad, headers=env.auth("reviewer"))
        assert refused.status_code == 422
    assert len(env.store.label_history("demo")) == 1


def _login(env: ApiEnv, role: str, lang: str) -> None:
    env.client.post("/login", data={"token": env.tokens[role], "next": "/"})
    csrf = csrf_for(env.client.cookies["om_session"])
    env.client.post("/language", data={"lang": lang, "csrf": csrf, "next": "/"})


def _form(env: ApiEnv, **extra: str) -> dict[str, str]:
    form = {"framework": "demo", "competency": "SD-01", "lang": "ru", "expected_version": "0"}
    form |= {"label": "разрабатывать схему базы данных", "reason": "термин стандарта"}
    return form | {"csrf": csrf_for(env.client.cookies["om_session"])} | extra


def test_the_web_form_replaces_the_machine_label_for_display(env: ApiEnv) -> None:
    _login(env, "reviewer", "ru")
    queue = env.client.get("/queue?" + urlencode(CTX | {"module": "DB", "competency": "SD-01"}))
    assert MACHINE["ru"] in queue.text and 'class="mark machine"' in queue.text
    page = env.client.get("/competency", params={"framework": "demo", "id": "SD-01"})
    assert page.status_code == 200 and MACHINE["uz"] in page.text
    missing_csrf = _form(env, csrf="")
    assert env.client.post("/competency/label", data=missing_csrf).status_code == 403
    no_reason = env.client.post("/competency/label", data=_form(env, reason=" "))
    assert no_reason.status_code == 422 and 'id="problem"' in no_reason.text
    saved = env.client.post("/competency/label", data=_form(env), follow_redirects=False)
    assert saved.status_code == 303
    page = env.client.get(saved.headers["location"]).text
    assert 'id="label-history"' in page and "термин стандарта" in page
    stale = env.client.post("/competency/label", data=_form(env, label="другое"))
    assert stale.status_code == 409 and 'id="conflict"' in stale.text
    queue = env.client.get("/queue?" + urlencode(CTX | {"module": "DB", "competency": "SD-01"}))
    assert "разрабатывать схему базы данных" in queue.text and 'class="mark reviewed"' in queue.text
    search = env.client.get("/search", params={"text": "design database scheme", "top_k": 4})
    assert "разрабатывать схему базы данных" in search.text
    matrix = env.client.get("/matrix?" + urlencode(CTX))
    assert "разрабатывать схему базы данных" in matrix.text and "mark reviewed" in matrix.text


def test_auditors_see_labels_but_cannot_post_and_english_shows_none(env: ApiEnv) -> None:
    _login(env, "auditor", "uz_Cyrl")
    page = env.client.get("/competency", params={"framework": "demo", "id": "SD-01"}).text
    assert 'id="readonly"' in page
    queue = env.client.get("/queue?" + urlencode(CTX | {"module": "DB", "competency": "SD-01"}))
    assert MACHINE["uz"] in queue.text  # Uzbek Cyrillic readers see the Latin label
    assert env.client.post("/competency/label", data=_form(env)).status_code == 403
    assert env.store.label_history("demo") == []
    _login(env, "reviewer", "en")
    queue = env.client.get("/queue?" + urlencode(CTX | {"module": "DB", "competency": "SD-01"}))
    assert MACHINE["ru"] not in queue.text and "local-label" not in queue.text
