"""The gettext catalogues: fresh against the sources, fully translated, plurals right, compiled."""

from __future__ import annotations

import gettext
import os
import re
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from i18n_support import english_leftovers, fresh_catalogue
from outcome_matcher.i18n import LOCALES, accepted, from_accept_language, normalize, translator
from outcome_matcher.i18n import catalog as cat

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def _po(lang: str) -> Catalog:
    with cat.po_path(lang).open("rb") as handle:
        return read_po(handle)


def _ids(catalogue: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalogue if m.id}


def _forms(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string or "",)


def test_the_extraction_finds_the_web_and_report_strings() -> None:
    ids = _ids(fresh_catalogue())
    assert {"Review queue", "Coverage matrix", "Provenance", "Summary"} <= ids
    assert ("%(num)d module", "%(num)d modules") in ids
    assert len(ids) > 250


def test_the_template_and_every_po_match_the_sources() -> None:
    fresh = _ids(fresh_catalogue())
    with (cat.LOCALES_DIR / "messages.pot").open("rb") as handle:
        assert _ids(read_po(handle)) == fresh, "messages.pot is stale: make i18n-update"
    for lang in LOCALES:
        ids = _ids(_po(lang))
        missing, obsolete = fresh - ids, ids - fresh
        assert not missing and not obsolete, f"{lang}.po stale: {missing=} {obsolete=}"


@pytest.mark.parametrize("lang", LOCALES)
def test_every_msgid_has_a_real_translation(lang: str) -> None:
    catalogue = _po(lang)
    assert not catalogue.fuzzy, f"{lang}.po header is fuzzy: the .mo would lose Plural-Forms"
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, f"{lang}: fuzzy {message.id!r}"
        forms = _forms(message)
        assert all(f.strip() for f in forms), f"{lang}: untranslated {message.id!r}"
        source = message.id if isinstance(message.id, str) else message.id[1]
        for form in forms:
            want, got = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(form))
            # a plural form may leave %(num)d out ("one module" style), never add one
            assert got <= want and (isinstance(message.id, tuple) or got == want), (lang, form)


@pytest.mark.parametrize("lang", LOCALES)
def test_plural_forms_follow_cldr(lang: str) -> None:
    catalogue = _po(lang)
    expected = get_plural(Locale.parse(lang))
    assert catalogue.num_plurals == expected.num_plurals
    assert catalogue.plural_expr == expected.plural_expr
    for message in catalogue:
        if isinstance(message.id, tuple):
            assert len(_forms(message)) == expected.num_plurals, (lang, message.id)
    assert (_po("ru").num_plurals, _po("kk").num_plurals, _po("uz").num_plurals) == (3, 2, 2)


def test_translations_leave_no_english_interface_string() -> None:
    for lang in LOCALES:
        if lang == "en":
            continue
        # filled in as the interface shows them: a placeholder's name is no English word
        shown = [PLACEHOLDER.sub("7", f) for m in _po(lang) if m.id for f in _forms(m)]
        assert english_leftovers(shown) == [], lang


def test_russian_plurals_come_out_right_from_the_compiled_catalogue(tmp_path: Path) -> None:
    mo = cat.compile_po(cat.po_path("ru"), tmp_path / "ru.mo")
    with mo.open("rb") as handle:
        ru = gettext.GNUTranslations(handle)
    words = [
        ru.ngettext("%(num)d module", "%(num)d modules", n) % {"num": n} for n in (1, 3, 5, 21)
    ]
    assert words == ["1 модуль", "3 модуля", "5 модулей", "21 модуль"]


def _copy_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    locales = tmp_path / "locales"
    shutil.copytree(cat.LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(cat, "LOCALES_DIR", locales)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return locales


def test_a_missing_or_stale_mo_is_compiled_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locales = _copy_locales(tmp_path, monkeypatch)
    mo = cat.mo_path("kk")
    assert mo == locales / "kk" / "LC_MESSAGES" / "messages.mo" and mo.exists()
    po = cat.po_path("kk")
    po.write_text(po.read_text("utf-8").replace("Тексеру кезегі", "Тексеру тізімі"), "utf-8")
    os.utime(mo, (mo.stat().st_mtime - 60, mo.stat().st_mtime - 60))  # the .po was edited since
    with cat.mo_path("kk").open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Review queue") == "Тексеру тізімі"


def test_a_read_only_install_compiles_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locales = _copy_locales(tmp_path, monkeypatch)
    # a directory where the .mo should go: writing there fails even for root
    (locales / "uz" / "LC_MESSAGES" / "messages.mo").mkdir()
    mo = cat.mo_path("uz")
    assert mo == tmp_path / "cache" / "outcome-matcher" / "locales" / "uz" / "messages.mo"
    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Review queue") == "Tekshiruv navbati"
    assert cat.mo_path("uz") == mo, "the fresh cached .mo is used the next time"


def test_accept_language_negotiation() -> None:
    assert accepted("ru-RU,ru;q=0.9,en;q=0.5, *;q=0.1") == ["ru-RU", "ru", "en"]
    assert from_accept_language("ru-RU,ru;q=0.9,en;q=0.5") == "ru"
    assert from_accept_language("fr-FR, kk;q=0.4") == "kk"
    assert from_accept_language("uz-Cyrl-UZ") == "uz_Cyrl"
    assert from_accept_language("uz-Latn-UZ") == "uz" == from_accept_language("uz")
    assert from_accept_language("de, fr;q=0.5") == "en" == from_accept_language(None)
    assert normalize("uz_Cyrl") == "uz_Cyrl" and normalize("xx-YY") is None


def test_numbers_percentages_and_dates_follow_the_locale() -> None:
    from datetime import UTC, datetime

    ru, en = translator("ru"), translator("en")
    assert (en.decimal(1234.5678), ru.decimal(1234.5678)) == ("1,234.568", "1\xa0234,568")
    assert ru.percent(0.6667) == "67\xa0%" and en.percent(0.6667) == "67%"
    when = datetime(2026, 3, 1, 12, 5, tzinfo=UTC)
    assert ru.datetime(when).startswith("1 мар. 2026") and en.datetime(when).startswith("Mar 1")
    assert translator("kk-KZ").lang == "kk" and translator("uz-Cyrl").html_lang == "uz-Cyrl"
