"""The home page in headless Debian chromium while a full index builds: its progress, updated
live by the page's script, and the notice gone once the index is complete."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outcome_matcher import services
from outcome_matcher.api import index_runner
from outcome_matcher.api.job_progress import JobProgress, heartbeat
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.store import Store
from test_index_jobs import FRAMEWORK_CSV, STANDARD
from test_web_browser import ARGS, CHROMIUM, _free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium (`make browser`)",
    ),
]


@pytest.fixture()
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


def test_the_home_page_follows_the_full_index_build(
    tiny_encoder: Encoder, tmp_path: Path, browser: Any
) -> None:
    import uvicorn

    from outcome_matcher.app import create_app

    settings = Settings(data_dir=tmp_path / "data")
    (tmp_path / "fw.csv").write_text(FRAMEWORK_CSV, encoding="utf-8")
    store = Store.open(settings.db_url, migrate=True)
    services.add_framework(
        store,
        tiny_encoder,
        settings,
        name="fw",
        path=tmp_path / "fw.csv",
        format="csv",
        first_standards=[STANDARD],
    )
    _, token = store.add_user("rita", "reviewer")
    job = services.queue_full_index(store, "fw")
    # The build runs elsewhere (this test drives it) and is at 40%; its heartbeat keeps the
    # server from taking it over.
    assert store.claim_queued_job(job.id)
    beating = heartbeat(store, job.id)
    progress = JobProgress(store, job.id)
    progress(40, 100)
    matcher = services.load_matcher(settings, store, tiny_encoder)
    app = create_app(settings, matcher=matcher, store=store)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_label("Access token").fill(token)
        page.get_by_label("Access token").press("Enter")
        page.wait_for_url(f"http://127.0.0.1:{port}/")
        notice = page.locator('#index-status [data-framework="fw"]')
        assert notice.get_attribute("data-state") == "building"
        assert "40% done" in notice.text_content()
        assert notice.locator("progress").get_attribute("value") == "40"
        progress.last = float("-inf")  # write at once, whatever the throttle
        progress(70, 100)
        # The page's script reloads the notice (the CSP forbids evaluating test scripts).
        page.locator('#index-status progress[value="70"]').wait_for()
        beating.set()
        index_runner.run_index(store.get_job(job.id), settings, store, matcher, threading.Event())
        page.locator("#index-status [data-state]").wait_for(state="detached")
        page.close()
    finally:
        beating.set()
        server.should_exit = True
        thread.join(timeout=15)
        store.close()
