"""Micro-qualifications in headless Debian chromium: design -> swap a module -> save -> sign off
-> export, over the tiny model with every link made adequate (the cost decides the cover)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from conftest import SAMPLE_FRAMEWORK_CSV
from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.retrieval.calibration import Calibration
from outcome_matcher.store import Store
from test_microquals_api import CATALOGUE, STD
from test_web_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    Server,
    _free_port,
    browser,
    login,
    page,
    shot,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def server(
    tiny_encoder: SentenceTransformerEncoder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    import uvicorn

    from outcome_matcher.app import create_app

    tmp = tmp_path_factory.mktemp("mqweb")
    settings = Settings(data_dir=tmp / "data")
    store = Store.open(settings.db_url, migrate=True)
    (tmp / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp / "mq.yaml").write_text(CATALOGUE, encoding="utf-8")
    services.add_framework(
        store, tiny_encoder, settings, name="demo", path=tmp / "fw.csv", format="csv"
    )
    services.add_catalogue(store, tmp / "mq.yaml", name=None, max_chars=2000)
    tokens = {role: store.add_user(f"{role}-user", role)[1] for role in ("designer", "reviewer")}
    matcher = services.load_matcher(settings, store, tiny_encoder)
    # Every score adequate: the random tiny model's scores mean nothing, the credits decide.
    matcher.calibration = Calibration("test", (0.0,), intercept=10.0, threshold=-10.0)
    app = create_app(settings, matcher=matcher, store=store)
    uv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning")
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    port = uv.servers[0].sockets[0].getsockname()[1]
    yield Server(f"http://127.0.0.1:{port}", tokens, store)
    uv.should_exit = True
    thread.join(timeout=10)
    store.close()


def _logout(page: Any) -> None:  # noqa: F811
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login**")


def test_design_adjust_sign_off_export(page: Any, server: Server, tmp_path: Path) -> None:  # noqa: F811
    login(page, server, "designer")
    page.locator("#home-mq-design").click()
    page.wait_for_selector("#design-form")
    query = {"framework": "demo", "standard": STD, "unit": "U2 Build", "catalogue": "mq"}
    page.goto(server.url + "/microquals/design?" + urlencode(query))
    assert page.locator("#coverage").text_content() == "100%"
    assert page.locator("#workload").text_content() == "3.0"
    assert page.locator("#modules tr.chosen").count() == 1
    shot(page, "microquals-design")
    page.locator('#modules a[data-key="mq/BSC-T/CHEAP"]').click()  # swap: remove the cheap one
    page.wait_for_selector("#modules tr.chosen")
    assert "DEAR" in str(page.locator("#modules tr.chosen").text_content())
    assert page.locator("#workload").text_content() == "5.0"
    shot(page, "microquals-swapped")
    page.locator("#save-draft").click()
    page.wait_for_selector("#missing")
    url = page.url
    assert page.locator("#sign-off").count() == 0  # the owner never signs off their own
    _logout(page)
    login(page, server, "reviewer")
    page.goto(url)
    page.locator("#sign-off").click()
    page.wait_for_selector(".alert.ok")
    shot(page, "microquals-signed-off")
    (record,) = server.store.list_micro_qualifications()
    assert record.signoffs[0].reviewer == "reviewer-user"
    assert record.micro_qualification.sources[0].module == "DEAR"
    with page.expect_download() as download:
        page.locator("#export-ob3").click()
    saved = tmp_path / "mq.json"
    download.value.save_as(saved)
    assert '"OpenBadgeCredential"' in saved.read_text(encoding="utf-8")
