"""The command line, the API's error messages and the report in the user's language; levels
shown with their scale and compared on the EQF."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE_CATALOGUE_YAML, SAMPLE_FRAMEWORK_CSV, ApiEnv
from outcome_matcher.cli import app
from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.i18n import from_environment, labels, translator
from outcome_matcher.i18n.errors import error_message
from outcome_matcher.reports.levels import expected_bloom


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LC_ALL": "kk_KZ.UTF-8", "LANG": "ru_RU.UTF-8"}, "kk"),
        ({"LC_MESSAGES": "uz_UZ.UTF-8"}, "uz"),
        ({"LANG": "uz_UZ.UTF-8@cyrillic"}, "uz_Cyrl"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_cli_language_follows_the_posix_locale(environ: dict[str, str], lang: str) -> None:
    assert from_environment(environ) == lang


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def cli(tmp_path: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OUTCOME_MATCHER_MODEL_PATH", str(tiny_model_dir))
    (tmp_path / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp_path / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    assert _run("db", "upgrade")[0] == 0
    return tmp_path


def test_cli_messages_follow_lang_then_outcome_matcher_lang(
    cli: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OUTCOME_MATCHER_LANG", raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    code, out, err = _run("frameworks", "add", "sd", str(cli / "fw.csv"), "--format", "csv")
    assert code == 0, err
    assert "4 компетенции" in out
    code, _, err = _run("frameworks", "remove", "nope")
    assert code == 2 and err.startswith("ошибка:") and "Не найдено" in err
    monkeypatch.setenv("OUTCOME_MATCHER_LANG", "kk")
    code, out, _ = _run("catalogues", "add", str(cli / "cat.yaml"))
    assert code == 0 and "бағдарламалар +1" in out and "оқыту нәтижелері +4" in out
    monkeypatch.setenv("OUTCOME_MATCHER_LANG", "en")
    code, out, _ = _run("frameworks", "remove", "sd")
    assert code == 0 and out.strip() == "sd removed"


def test_cli_report_takes_lang(cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTCOME_MATCHER_LANG", "uz")
    assert _run("frameworks", "add", "sd", str(cli / "fw.csv"), "--format", "csv")[0] == 0
    assert _run("catalogues", "add", str(cli / "cat.yaml"))[0] == 0
    base = ["report", "--programme", "BSC-SD", "--framework", "sd"]
    base += ["--standard", "SD Software developer"]
    code, out, err = _run(*base, "-o", str(cli / "r.html"), "--lang", "ru")
    assert code == 0, err
    assert "yozildi" in out  # the CLI's own message in Uzbek, the file in Russian
    assert '<html lang="ru">' in (cli / "r.html").read_text(encoding="utf-8")
    code, _, _ = _run(*base, "-o", str(cli / "default.html"))
    assert code == 0 and '<html lang="uz">' in (cli / "default.html").read_text("utf-8")


def test_api_errors_speak_accept_language_then_the_users_language(api_env: ApiEnv) -> None:
    anonymous = api_env.client.get("/frameworks", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    body = anonymous.json()
    assert anonymous.status_code == 401 and body["error"] == "unauthenticated"
    assert body["message"].startswith("нет токена")
    english = api_env.client.get("/frameworks").json()
    assert english["message"].startswith("missing bearer token")
    api_env.store.set_user_language("reviewer-user", "kk")
    headers = {**api_env.auth("reviewer"), "Accept-Language": "ru"}
    missing = api_env.client.get("/frameworks/nope", headers=headers).json()
    assert missing["error"] == "not_found"
    assert missing["message"].startswith("Табылмады: ") and "nope" in missing["message"]
    forbidden = api_env.client.get("/users", headers=headers).json()
    assert forbidden["error"] == "forbidden" and "рөліне бұл рұқсат" in forbidden["message"]


def test_the_user_info_carries_the_language(api_env: ApiEnv) -> None:
    assert api_env.store.authenticate(api_env.tokens["auditor"]).lang is None
    api_env.store.set_user_language("auditor-user", "uz_Cyrl")
    assert api_env.store.authenticate(api_env.tokens["auditor"]).lang == "uz_Cyrl"


def test_the_api_report_defaults_to_the_users_language(api_env: ApiEnv) -> None:
    url = "/programmes/BSC-SD/report"
    params = {"framework": "demo", "standard": "SD Software developer"}
    api_env.store.set_user_language("auditor-user", "kk")
    mine = api_env.client.get(url, params=params, headers=api_env.auth("auditor"))
    assert '<html lang="kk">' in mine.text
    asked = api_env.client.get(
        url, params={**params, "lang": "ru"}, headers=api_env.auth("auditor")
    )
    assert '<html lang="ru">' in asked.text
    bad = api_env.client.get(url, params={**params, "lang": "xx"}, headers=api_env.auth("auditor"))
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"


def test_the_summary_of_many_problems_is_translated_with_plurals() -> None:
    errors = InputErrors([InputError("bad", row=r) for r in (2, 3)], file="ps.xlsx")
    ru = error_message(errors, translator("ru"))
    assert ru.startswith("2 проблемы в ps.xlsx:") and "row 3: bad" in ru
    assert error_message(errors, translator("en")) == errors.message


def test_levels_are_shown_with_their_scale_and_compared_on_the_eqf() -> None:
    ru, kk, en = translator("ru"), translator("kk"), translator("en")
    assert labels.level(ru, "6", "ru_nqf", 6) == "НКР 6 / EQF 6"
    assert labels.level(kk, "4", "kz_nqf", 4) == "ҰБШ 4 / EQF 4"
    assert labels.level(en, "6.1", "uz_nqf", 6) == "UZ NQF 6.1 / EQF 6"
    assert labels.level(en, "5", "eqf", 5) == "EQF 5"
    assert labels.level(en, "level 5", None) == "level 5"
    # Russian NQF 9 is EQF 8 (the working referencing table): "create"; 9 read as EQF is none.
    assert expected_bloom("knowledge", "9", "ru_nqf") == 6
    assert expected_bloom("knowledge", "9", None) == 2
    assert expected_bloom("skill", "НКР 6", None) == 4
