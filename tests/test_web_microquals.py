"""Micro-qualification pages over TestClient: design, swap, save, sign off, recognise."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest

from api_support import force_confidence
from conftest import ApiEnv
from microquals_support import SAMPLE
from outcome_matcher import services
from outcome_matcher.web.session import csrf_for
from test_microquals_api import CATALOGUE, STD

DESIGN = "/microquals/design?" + urlencode(
    {"framework": "demo", "standard": STD, "unit": "U2 Build", "catalogue": "mq"}
)


@pytest.fixture()
def env(api_env: ApiEnv, tmp_path: Path) -> ApiEnv:
    (tmp_path / "mq.yaml").write_text(CATALOGUE, encoding="utf-8")
    services.add_catalogue(api_env.store, tmp_path / "mq.yaml", name=None, max_chars=2000)
    force_confidence(api_env, high=True)
    return api_env


def _login(env: ApiEnv, role: str) -> None:
    env.client.cookies.clear()
    env.client.post("/login", data={"token": env.tokens[role], "next": "/"})


def test_design_swap_save_sign_off(env: ApiEnv) -> None:
    _login(env, "designer")
    page = env.client.get(DESIGN)
    assert page.status_code == 200 and 'id="coverage">100%' in page.text.replace(" ", "")
    assert "Testing in practice" in page.text and 'data-key="mq/BSC-T/DEAR"' in page.text
    swapped = env.client.get(DESIGN + "&exclude=mq%2FBSC-T%2FCHEAP")
    assert "Software engineering" in swapped.text and 'id="workload">5' in swapped.text
    query = DESIGN.split("?", 1)[1] + "&exclude=mq%2FBSC-T%2FCHEAP"
    saved = env.client.post(
        "/microquals/design",
        data={"csrf": csrf_for(env.client.cookies["om_session"]), "query": query},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    url = saved.headers["location"]
    (record,) = env.store.list_micro_qualifications()
    assert record.micro_qualification.sources[0].module == "DEAR"
    mine = env.client.get(url).text
    assert 'id="missing"' in mine and 'id="sign-off"' not in mine  # the owner cannot sign off
    forged = env.client.post(url + "/sign-off", data={"csrf": "x"}, follow_redirects=False)
    assert forged.status_code == 403
    _login(env, "reviewer")
    done = env.client.post(
        url + "/sign-off",
        data={"csrf": csrf_for(env.client.cookies["om_session"])},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert env.store.get_micro_qualification(record.id).signoffs[0].reviewer == "reviewer-user"
    assert "Sign-off recorded." in env.client.get(done.headers["location"]).text


def test_empty_target_is_shown_on_the_form(env: ApiEnv) -> None:
    _login(env, "designer")
    page = env.client.get("/microquals/design?framework=demo&catalogue=mq")
    assert page.status_code == 200 and "no requirements" in page.text


def test_recognise_page(env: ApiEnv) -> None:
    _login(env, "reviewer")
    assert env.client.get("/microquals/recognise").status_code == 200
    with SAMPLE.open("rb") as f:
        page = env.client.post(
            "/microquals/recognise",
            data={"csrf": csrf_for(env.client.cookies["om_session"]), "catalogue": "mq"},
            files={"file": ("sample.jsonld", f, "application/ld+json")},
        )
    assert page.status_code == 200 and 'id="recognition"' in page.text
    assert "mq/BSC-T/CHEAP" in page.text
