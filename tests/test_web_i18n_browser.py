"""In Debian chromium, a Russian (Kazakh, Uzbek) browser meets no English interface string.

Logs in with Accept-Language: ru and walks home -> matrix -> queue -> decide -> history -> the
HTML report; Kazakh and Uzbek on the home and queue pages. Every visible text node, the title,
placeholders, aria-labels and button values are checked against the English msgids (content in
another language, or marked translate="no", is left out). Screenshots at 1280x800 and 390x844.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from i18n_support import english_leftovers
from test_web_browser import ARGS, CHROMIUM, SHOTS, Server, server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.real_model,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium"
    ),
]
__all__ = ["server"]  # the module-scoped app server of test_web_browser, reused
WIDE, NARROW = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
TOKEN_LABEL = {"ru": "Токен доступа", "kk": "Қолжеткізу токені", "uz": "Kirish tokeni"}
TOKEN_LABEL["uz_Cyrl"] = "Кириш токени"
# Every interface text of the page, content (another lang, or translate="no") left out.
TEXTS_JS = """() => {
  const page = document.documentElement.lang;
  const foreign = (l) => l && l !== document.documentElement && l.getAttribute('lang') !== page;
  const content = (el) => el.closest('[translate="no"]') || foreign(el.closest('[lang]'));
  const out = [document.title];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const el = walk.currentNode.parentElement;
    if (!el || el.closest('script, style') || content(el)) continue;
    out.push(walk.currentNode.textContent);
  }
  const labelled = '[title], [placeholder], [aria-label], [alt], input';
  for (const el of document.querySelectorAll(labelled)) {
    if (content(el)) continue;
    for (const a of ['title', 'placeholder', 'aria-label', 'alt'])
      if (el.hasAttribute(a)) out.push(el.getAttribute(a));
    const button = ['submit', 'button', 'reset'].includes(el.type);
    if (el.tagName === 'INPUT' && button) out.push(el.value);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


def _context(browser: Any, lang: str, viewport: dict[str, int]) -> Any:
    tag = lang.replace("_", "-")
    context = browser.new_context(
        viewport=viewport, locale=tag, extra_http_headers={"Accept-Language": f"{tag},en;q=0.3"}
    )
    context.set_default_timeout(60_000)
    return context


def check(page: Any, lang: str, name: str) -> None:
    """No English msgid on the page, the page in `lang`, and a screenshot at this width."""
    assert page.evaluate("document.documentElement.lang") == lang.replace("_", "-"), name
    assert english_leftovers(page.evaluate(TEXTS_JS)) == [], (lang, name, page.url)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"i18n-{lang}-{name}-{width}.png"), full_page=False)


def login(page: Any, server: Server, lang: str) -> None:
    page.goto(server.url + "/")
    assert "/login" in page.url
    check(page, lang, "login")
    page.get_by_label(TOKEN_LABEL[lang]).fill(server.tokens["reviewer"])
    page.get_by_label(TOKEN_LABEL[lang]).press("Enter")
    page.wait_for_url(server.url + "/")


def test_russian_from_login_to_the_report(browser: Any, server: Server) -> None:
    context = _context(browser, "ru", WIDE)
    page = context.new_page()
    login(page, server, "ru")
    check(page, "ru", "home")
    page.locator('a.button[href^="/matrix"]').first.click()
    page.wait_for_selector("table.matrix")
    check(page, "ru", "matrix")
    page.locator('a.button.primary[href^="/queue"]').first.click()
    page.wait_for_selector("#decide-form")
    check(page, "ru", "queue")
    page.locator("#reason").fill("проверено вручную")
    with page.expect_navigation():
        page.locator("button.accept").click()
    assert page.locator(".flash .alert.ok").is_visible()
    check(page, "ru", "decided")
    page.locator("nav a[href='/history']").click()
    page.wait_for_selector("table.history")
    check(page, "ru", "history")
    page.go_back()
    page.locator('a[href^="/matrix"]').first.click()
    page.wait_for_selector("#report-html")
    page.locator("#report-html").click()
    page.wait_for_selector("#requirements-table")
    check(page, "ru", "report")
    context.close()


@pytest.mark.parametrize("lang", ["ru", "kk", "uz", "uz_Cyrl"])
def test_home_and_queue_on_a_phone_and_a_laptop(browser: Any, server: Server, lang: str) -> None:
    for viewport in (NARROW, WIDE):
        context = _context(browser, lang, viewport)
        page = context.new_page()
        login(page, server, lang)
        check(page, lang, "home")
        page.locator('a.button.primary[href^="/queue"]').first.click()
        page.wait_for_selector("#decide-form")
        check(page, lang, "queue")
        context.close()
