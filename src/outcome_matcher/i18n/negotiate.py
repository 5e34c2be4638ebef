"""Which shipped language a browser, a user setting or an environment variable asks for."""

from __future__ import annotations

from collections.abc import Mapping

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# Shipped interface languages, as gettext directory names (uz is Latin script, uz_Cyrl Cyrillic).
LOCALES: tuple[str, ...] = ("en", "ru", "kk", "uz", "uz_Cyrl")
DEFAULT = "en"


def _default_script(language: str) -> str | None:
    likely = get_global("likely_subtags").get(language)
    return Locale.parse(likely).script if likely else None


def locale_code(tag: str) -> str | None:
    """'uz-Cyrl-UZ' -> 'uz_Cyrl', 'uz-Latn' -> 'uz', 'ru-RU' -> 'ru'; None if unparsable."""
    sep = "-" if "-" in tag else "_"
    try:
        loc = Locale.parse(tag.strip(), sep=sep)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    code = loc.language
    if loc.script and loc.script != _default_script(loc.language):
        code += f"_{loc.script}"
    return code  # the territory is left out: we ship no regional variants


def _weight(part: str) -> float:
    for param in part.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def accepted(header: str | None) -> list[str]:
    """An Accept-Language header's tags, most wanted first ('*' and q=0 left out)."""
    parts = [p.strip() for p in (header or "").split(",") if p.strip()]
    weighted = [(p.split(";")[0].strip(), _weight(p)) for p in parts]
    ranked = sorted((w for w in weighted if w[1] > 0 and w[0] != "*"), key=lambda w: -w[1])
    return [tag for tag, _ in ranked]


def negotiate(preferred: list[str]) -> str | None:
    """The shipped language that best matches `preferred` (tags in any spelling), if any."""
    codes = [c for c in (locale_code(tag) for tag in preferred) if c]
    found = Locale.negotiate(codes, LOCALES) if codes else None
    return str(found) if found else None


def from_accept_language(header: str | None) -> str:
    return negotiate(accepted(header)) or DEFAULT


def normalize(lang: str | None) -> str | None:
    """A shipped language code for `lang` (e.g. 'ru-RU' -> 'ru'), None if we do not ship it."""
    return negotiate([lang]) if lang else None


# POSIX precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def from_environment(environ: Mapping[str, str]) -> str:
    """The shipped language a POSIX locale asks for ('ru_RU.UTF-8' -> 'ru', 'C' -> 'en')."""
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            # 'uz_UZ.UTF-8@cyrillic' -> 'uz_UZ' (+ Cyrillic); 'C', 'POSIX' are English.
            tag = value.partition("@")[0].partition(".")[0]
            if value.partition("@")[2].lower() == "cyrillic":
                tag = tag.split("_")[0] + "_Cyrl"
            return normalize(tag) or DEFAULT
    return DEFAULT
