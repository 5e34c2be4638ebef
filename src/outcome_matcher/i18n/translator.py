"""A language's gettext functions and Babel formatting of numbers, percentages and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent

from outcome_matcher.i18n.catalog import translations
from outcome_matcher.i18n.negotiate import DEFAULT, normalize

DASH = "–"


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it where it is shown."""
    return message


@dataclass(frozen=True)
class Translator:
    """Everything that turns interface text and numbers into one language."""

    lang: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.lang)

    @property
    def html_lang(self) -> str:
        """BCP 47 tag for `<html lang>`: uz_Cyrl -> uz-Cyrl."""
        return self.lang.replace("_", "-")

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.lang).ngettext(singular, plural, n)

    def decimal(self, value: float | None, digits: int = 3) -> str:
        if value is None:
            return DASH
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None) -> str:
        return DASH if value is None else format_percent(value, locale=self.locale)

    def datetime(self, value: datetime | str, format: str = "medium") -> str:
        """A date and time (or its ISO text) in UTC, written the locale's way, zone named."""
        if isinstance(value, str):  # error contexts carry times as ISO strings
            value = datetime.fromisoformat(value)
        when = value if value.tzinfo else value.replace(tzinfo=UTC)
        text = format_datetime(when, format, tzinfo=UTC, locale=self.locale)
        return f"{text} UTC"

    def language_name(self, code: str | None) -> str | None:
        """A content language's name in this language ('русский (ru)'); None for no code."""
        if not code:
            return None
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name(self.locale)
        except (ValueError, TypeError, LookupError):
            name = None
        return f"{name} ({code})" if name else code


@lru_cache(maxsize=16)
def translator(lang: str | None = None) -> Translator:
    """The translator for `lang` (any spelling: 'ru', 'ru-RU', 'uz-Cyrl'); English otherwise."""
    return Translator(normalize(lang) or DEFAULT)


def endonym(lang: str) -> str:
    """A shipped language's name in itself, as the language switch shows it."""
    name = Locale.parse(lang).get_display_name(Locale.parse(lang)) or lang
    return name[:1].upper() + name[1:]
