"""In Debian chromium, in Russian: the machine label beside the English one in the queue, a
council member corrects it on the competency page, the queue then shows the reviewed label."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from conftest import SAMPLE_CATALOGUE_YAML, SAMPLE_FRAMEWORK_CSV
from i18n_support import english_leftovers
from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.store import Store
from test_web_browser import ARGS, CHROMIUM, SHOTS, Server, _free_port
from test_web_i18n_browser import TEXTS_JS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]
MACHINE = "проектировать схему базы данных"
REVIEWED = "разрабатывать схему базы данных"
QUEUE = {
    "programme": "BSC-SD",
    "framework": "demo",
    "standard": "SD Software developer",
    "module": "DB",
    "competency": "SD-01",
}


def _with_machine_labels(store: Store) -> None:
    fw = store.load_framework("demo")
    first = fw.competencies[0].model_copy(
        update={"labels_by_lang": {"ru": (MACHINE,), "kk": ("дерекқор схемасын жобалау",)}}
    )
    store.add_framework(
        fw.model_copy(update={"competencies": (first, *fw.competencies[1:])}), replace=True
    )


@pytest.fixture(scope="module")
def server(
    tiny_encoder: SentenceTransformerEncoder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    import uvicorn

    from outcome_matcher.app import create_app

    tmp: Path = tmp_path_factory.mktemp("labels")
    settings = Settings(data_dir=tmp / "data")
    store = Store.open(settings.db_url, migrate=True)
    (tmp / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    services.add_framework(
        store, tiny_encoder, settings, name="demo", path=tmp / "fw.csv", format="csv"
    )
    services.add_catalogue(store, tmp / "cat.yaml", name=None, max_chars=2000)
    _with_machine_labels(store)
    tokens = {}
    for role in ("reviewer", "auditor"):
        user, tokens[role] = store.add_user(f"{role}-user", role)
        store.set_user_language(user.name, "ru")
    app = create_app(
        settings, matcher=services.load_matcher(settings, store, tiny_encoder), store=store
    )
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


@pytest.fixture
def page(tiny_encoder: SentenceTransformerEncoder, server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="ru")
        context.set_default_timeout(30_000)
        yield context.new_page()
        context.close()
        chromium.close()


def _login(page: Any, server: Server, role: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Токен доступа").fill(server.tokens[role])
    page.get_by_label("Токен доступа").press("Enter")
    page.wait_for_url(server.url + "/")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"labels-{name}.png"), full_page=True)


def test_a_council_member_corrects_the_russian_label(page: Any, server: Server) -> None:
    _login(page, server, "reviewer")
    page.goto(server.url + "/queue?" + urlencode(QUEUE))
    local = page.locator(".side.competency .local-label")
    assert MACHINE in local.inner_text() and local.locator(".mark.machine").is_visible()
    page.get_by_role("link", name="Сведения о компетенции и её метки").click()
    page.wait_for_selector("table.labels")
    assert english_leftovers(page.evaluate(TEXTS_JS)) == []  # every new string translated
    _shot(page, "competency-ru")
    field = page.get_by_label("Проверенная метка: русский (ru)")
    assert field.input_value() == MACHINE
    field.fill(REVIEWED)
    reason = page.locator("#label-ru-reason")
    reason.fill("термин профессионального стандарта")
    with page.expect_navigation():
        reason.press("Enter")
    assert page.locator(".flash .alert.ok").is_visible()
    assert REVIEWED in page.locator("#label-history").inner_text()
    assert page.locator("#label-ru .mark.reviewed").is_visible()
    _shot(page, "competency-ru-reviewed")
    page.goto(server.url + "/queue?" + urlencode(QUEUE))
    local = page.locator(".side.competency .local-label")
    assert REVIEWED in local.inner_text() and local.locator(".mark.reviewed").is_visible()
    [row] = server.store.label_history("demo")
    assert (row.reviewer, row.previous_label, row.label) == ("reviewer-user", MACHINE, REVIEWED)


def test_an_auditor_sees_the_form_disabled(page: Any, server: Server) -> None:
    _login(page, server, "auditor")
    page.goto(server.url + "/competency?" + urlencode({"framework": "demo", "id": "SD-01"}))
    assert page.locator("#readonly").is_visible()
    assert page.locator("#label-kk-text").is_disabled()
