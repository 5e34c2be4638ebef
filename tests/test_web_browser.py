"""Reviewer UI in headless Debian chromium: log in, matrix, keyboard review, auditor, search."""

from __future__ import annotations

import csv
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
ESCO = ROOT / "corpora" / "esco_v1.1.1_en"
OCCUPATIONS = {
    "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",  # software dev.
    "http://data.europa.eu/esco/occupation/bd272aee-adc9-4a06-a15c-a73b4b4a46a7",  # ICT app dev.
}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.real_model,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's chromium is not installed at /usr/bin/chromium "
        "(apt-get install chromium, or `make browser`); never `playwright install`",
    ),
]


def _copy_filtered(name: str, keep: Any, target: Path) -> None:
    with gzip.open(ESCO / name, "rt", encoding="utf-8", newline="") as src:
        reader = csv.DictReader(src)
        rows = [row for row in reader if keep(row)]
        fields = reader.fieldnames or []
    with open(target / name.removesuffix(".gz"), "w", encoding="utf-8", newline="") as dst:
        writer = csv.DictWriter(dst, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def esco_subset(target: Path) -> Path:
    """The two occupations the sample programme is written against, with their skills only."""
    target.mkdir(parents=True)
    _copy_filtered("occupations_en.csv.gz", lambda r: r["conceptUri"] in OCCUPATIONS, target)
    relations = target / "occupationSkillRelations.csv"
    _copy_filtered(
        "occupationSkillRelations.csv.gz", lambda r: r["occupationUri"] in OCCUPATIONS, target
    )
    with open(relations, encoding="utf-8") as handle:
        skills = {row["skillUri"] for row in csv.DictReader(handle)}
    _copy_filtered("skills_en.csv.gz", lambda r: r["conceptUri"] in skills, target)
    return target


@dataclass
class Server:
    url: str
    tokens: dict[str, str]
    store: Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(
    e5_esco_encoder: SentenceTransformerEncoder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    import uvicorn

    from outcome_matcher.app import create_app

    tmp = tmp_path_factory.mktemp("web")
    settings = Settings(data_dir=tmp / "data")
    store = Store.open(settings.db_url, migrate=True)
    services.add_framework(
        store, e5_esco_encoder, settings, name="esco", path=esco_subset(tmp / "esco"), format="esco"
    )
    for sample in ("software_developer_en.yaml", "software_developer_ru_kk_uz.yaml"):
        services.add_catalogue(
            store, ROOT / "corpora" / "samples" / sample, name=None, max_chars=2000
        )
    tokens = {role: store.add_user(f"{role}-user", role)[1] for role in ("reviewer", "auditor")}
    matcher = services.load_matcher(settings, store, e5_esco_encoder)
    app = create_app(settings, matcher=matcher, store=store)
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "uvicorn did not start"
    yield Server(f"http://127.0.0.1:{port}", tokens, store)
    uv.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def login(page: Any, server: Server, role: str) -> None:
    page.goto(server.url + "/")
    assert "/login" in page.url
    page.get_by_label("Access token").fill(server.tokens[role])
    page.get_by_label("Access token").press("Enter")
    page.wait_for_url(server.url + "/")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def open_queue(page: Any) -> None:
    """Two clicks from a fresh session: log in (done), then Review on the sample programme."""
    page.get_by_role("link", name="Review: BSc Software Development × software developer").click()
    page.wait_for_selector("#decide-form")


def test_login_and_matrix(page: Any, server: Server) -> None:
    login(page, server, "reviewer")
    assert page.get_by_role("heading", name="BSc Software Development").is_visible()
    shot(page, "home")
    page.get_by_role("link", name="Matrix: BSc Software Development × software developer").click()
    page.wait_for_selector("table.matrix")
    assert page.locator("table.matrix tbody tr:not(.unit)").count() > 50
    assert page.locator("td.c-suggested").count() > 0
    shot(page, "matrix")
    page.locator("td.c-suggested a").first.click()
    page.wait_for_selector("#decide-form")
    assert page.locator(".statement").count() == 2


def _current_link(page: Any) -> str:
    return str(page.locator("#link-title").text_content())


def test_review_three_with_the_keyboard_then_reload(page: Any, server: Server) -> None:
    login(page, server, "reviewer")
    open_queue(page)
    shot(page, "queue")
    seen = []
    for key in ("a", "r", "p"):
        seen.append(_current_link(page))
        # a reason keeps the server's rule (reasons for surprising verdicts) satisfied
        page.get_by_label("Reason (optional)").fill(f"keyboard review: {key}")
        page.keyboard.press("Tab")  # leave the text field: letters are shortcuts again
        with page.expect_navigation():
            page.keyboard.press(key)
        assert page.locator(".flash .alert.ok").is_visible()
    assert len(set(seen)) == 3
    for key in ("j", "k"):  # j / k move without deciding
        with page.expect_navigation():
            page.keyboard.press(key)
    page.reload()
    decided = server.store.decision_history(programme="BSC-SD", framework="esco")
    assert [d.verdict for d in decided][-3:] == ["accepted", "rejected", "partial"]
    page.get_by_role("link", name="Back to the matrix").click()
    page.wait_for_selector("table.matrix")
    assert page.locator("td.c-confirmed").count() >= 1
    assert page.locator("td.c-rejected").count() >= 1
    assert page.locator("td.c-partial").count() >= 1
    page.goto(server.url + "/history?programme=BSC-SD&framework=esco")
    assert page.locator("table.history tbody tr").count() >= 3
    shot(page, "history")


def test_auditor_cannot_decide(page: Any, server: Server) -> None:
    before = len(server.store.decision_history(programme="BSC-SD"))
    login(page, server, "auditor")
    open_queue(page)
    assert page.get_by_role("button", name="Accept a").is_disabled()
    assert "cannot record decisions" in page.locator("#readonly").text_content()
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    assert len(server.store.decision_history(programme="BSC-SD")) == before


def test_adhoc_search_in_russian(page: Any, server: Server) -> None:
    login(page, server, "reviewer")
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Learning outcome").fill("Проектирует схему реляционной базы данных")
    page.wait_for_selector("#search-results table.found tbody tr")
    assert "Russian (ru)" in page.locator("#search-results").text_content()
    assert page.locator("#search-results table.found tbody tr").count() == 10
    shot(page, "search")


def test_narrow_screen_queue(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, server, "reviewer")
    open_queue(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the queue must not scroll sideways on a phone"
    shot(page, "queue-narrow")
    context.close()
