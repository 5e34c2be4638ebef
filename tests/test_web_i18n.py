"""Reviewer UI and reports in Russian, Kazakh and Uzbek over TestClient: no English left."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, inspect

from conftest import ApiEnv
from i18n_support import InterfaceText, english_leftovers
from outcome_matcher.errors import InputError
from outcome_matcher.i18n import LOCALES
from outcome_matcher.store import Store
from outcome_matcher.store.migrate import downgrade, upgrade
from outcome_matcher.web.session import csrf_for

CTX = {"programme": "BSC-SD", "framework": "demo", "standard": "SD Software developer"}
LINK = {"module": "DB", "competency": "SD-01"}
PAGES = (
    "/",
    "/matrix?" + urlencode(CTX),
    "/queue?" + urlencode(CTX),
    "/queue?" + urlencode(CTX | LINK),
    "/history",
    "/history?" + urlencode({"programme": "BSC-SD", "module": "DB", "framework": "demo"}),
    "/search?" + urlencode({"text": "design a database"}),
    "/standards?" + urlencode({"programme": "sample/BSC-SD", "q": "soft"}),
    "/report?" + urlencode(CTX | {"format": "html"}),
)
HTML_LANG = {"en": "en", "ru": "ru", "kk": "kk", "uz": "uz", "uz_Cyrl": "uz-Cyrl"}


def _login(env: ApiEnv, role: str = "reviewer") -> None:
    env.client.post("/login", data={"token": env.tokens[role], "next": "/"})


def _decide_once(env: ApiEnv) -> None:
    form = CTX | LINK | {"verdict": "accepted", "relation": "exact", "expected_version": "0"}
    form["csrf"] = csrf_for(env.tokens["reviewer"])
    assert env.client.post("/queue/decide", data=form, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("lang", [lang for lang in LOCALES if lang != "en"])
def test_every_page_and_the_report_speak_the_browsers_language(api_env: ApiEnv, lang: str) -> None:
    _login(api_env)
    _decide_once(api_env)  # history, the flash and the report's reviewer lines have content
    header = {"Accept-Language": f"{lang.replace('_', '-')},en;q=0.5"}
    for path in (*PAGES, "/queue?" + urlencode(CTX | {"saved": 1})):
        response = api_env.client.get(path, headers=header)
        assert response.status_code == 200, path
        page = InterfaceText(response.text)
        assert page.lang == HTML_LANG[lang], path
        assert english_leftovers(page.texts) == [], (lang, path)


def test_the_login_page_follows_accept_language(api_env: ApiEnv) -> None:
    page = api_env.client.get("/login", headers={"Accept-Language": "kk-KZ"}).text
    assert '<html lang="kk">' in page and "Қолжеткізу токені" in page
    bad = api_env.client.post("/login", data={"token": "x"}, headers={"Accept-Language": "ru"})
    assert "Этот токен недействителен" in bad.text


def test_english_stays_the_default(api_env: ApiEnv) -> None:
    _login(api_env)
    page = api_env.client.get("/", headers={"Accept-Language": "de-DE, fr;q=0.8"}).text
    assert '<html lang="en">' in page and "Review progress" in page
    # the checker the other languages pass does find English: it is not vacuous
    assert {"Review progress", "Home", "Log out"} <= set(
        english_leftovers(InterfaceText(page).texts)
    )


def test_the_switch_is_remembered_for_the_user(api_env: ApiEnv) -> None:
    _login(api_env)
    form = {"lang": "uz_Cyrl", "next": "/history", "csrf": csrf_for(api_env.tokens["reviewer"])}
    response = api_env.client.post("/language", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/history"
    assert api_env.store.get_user_language("reviewer-user") == "uz_Cyrl"
    api_env.client.cookies.delete("om_lang")  # the store alone remembers it
    page = api_env.client.get("/", headers={"Accept-Language": "ru"}).text
    assert '<html lang="uz-Cyrl">' in page and "Текширув жараёни" in page


def test_a_switch_without_the_csrf_token_only_sets_the_cookie(api_env: ApiEnv) -> None:
    _login(api_env)
    response = api_env.client.post("/language", data={"lang": "kk"}, follow_redirects=False)
    assert response.cookies.get("om_lang") == "kk"
    assert api_env.store.get_user_language("reviewer-user") is None
    assert '<html lang="kk">' in api_env.client.get("/").text


def test_content_keeps_its_own_language(api_env: ApiEnv) -> None:
    _login(api_env)
    page = api_env.client.get("/queue?" + urlencode(CTX | LINK), headers={"Accept-Language": "ru"})
    statement = re.search(
        r'<blockquote class="statement" lang="(\w*)">(.*?)</blockquote>', page.text
    )
    assert statement is not None and statement.group(1) == "en"
    assert re.sub("<[^>]+>", "", statement.group(2)).startswith("design database scheme")
    assert "английский (en)" in page.text  # the content language, named in the interface's


def test_the_xlsx_report_in_russian(api_env: ApiEnv) -> None:
    _login(api_env)
    _decide_once(api_env)
    url = "/report?" + urlencode(CTX | {"format": "xlsx", "lang": "ru"})
    wb = load_workbook(io.BytesIO(api_env.client.get(url).content))
    assert wb.sheetnames == [
        "Сводка",
        "Требования",
        "Пробелы",
        "Матрица",
        "Оценки",
        "Происхождение данных",
    ]
    header = [c.value for c in wb["Требования"][1]]
    assert header[:3] == ["раздел", "идентификатор компетенции", "требование"]
    cells = [c for row in wb["Матрица"].iter_rows(min_row=2, values_only=True) for c in row[2:]]
    assert "подтверждено" in cells and "confirmed" not in cells
    texts = [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Summary" not in texts and "sign-off" not in texts


def test_an_unknown_report_language_is_refused(api_env: ApiEnv) -> None:
    _login(api_env)
    response = api_env.client.get("/report?" + urlencode(CTX | {"lang": "tlh"}))
    assert response.status_code == 422 and "unsupported report language" in response.text


def test_the_store_keeps_a_language_per_user(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/s.db", migrate=True)
    store.add_user("ann", "reviewer")
    assert store.get_user_language("ann") is None
    store.set_user_language("ann", "kk")
    assert store.get_user_language("ann") == "kk"
    store.set_user_language("ann", None)
    assert store.get_user_language("ann") is None
    with pytest.raises(InputError, match="lang"):
        store.set_user_language("ann", "not a tag!")
    store.close()


def test_migration_0007_adds_and_drops_users_lang(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    upgrade(url)

    def columns() -> set[str]:
        engine = create_engine(url)
        try:
            return {c["name"] for c in inspect(engine).get_columns("users")}
        finally:
            engine.dispose()

    assert "lang" in columns()
    downgrade(url, "0002")
    assert "lang" not in columns()
    upgrade(url)
    assert "lang" in columns()
