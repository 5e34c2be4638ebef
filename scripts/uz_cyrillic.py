"""Write the Uzbek Cyrillic catalogue (uz_Cyrl) from the Uzbek Latin one (uz) by transliteration.

Usage: python scripts/uz_cyrillic.py  (after editing src/outcome_matcher/i18n/locales/uz/...po)
Placeholders (%(name)s), `code` spans and the Latin-only tokens below are kept as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parents[1] / "src" / "outcome_matcher" / "i18n" / "locales"
KEEP = re.compile(
    r"%\(\w+\)[sd]|%%|`[^`]*`|\b(?:Enter|XLSX|EQF|P|outcome-matcher|admin-token\.txt)\b"
)
# Russian loanwords are spelt as in Russian in Uzbek Cyrillic.
LOANS = {"kompetensiya": "компетенция", "Kompetensiya": "Компетенция"}
PAIRS = [("o‘", "ў"), ("g‘", "ғ"), ("sh", "ш"), ("ch", "ч"), ("yo", "ё"), ("yu", "ю")]
PAIRS += [("ya", "я"), ("ye", "е"), ("ts", "ц"), ("’", "ъ")]
SINGLE = dict(zip("abdefghijklmnopqrstuvxyz", "абдефгҳижклмнопқрстувхйз", strict=True))


def _word(text: str) -> str:
    for latin, cyrillic in LOANS.items():
        text = text.replace(latin, cyrillic)
    text = re.sub(r"\b[eE]", lambda m: "э" if m.group() == "e" else "Э", text)
    for latin, cyrillic in PAIRS:
        text = text.replace(latin, cyrillic).replace(latin.capitalize(), cyrillic.upper())
    return "".join(_letter(c) for c in text)


def _letter(char: str) -> str:
    lower = SINGLE.get(char.lower())
    if lower is None:
        return char
    return lower.upper() if char.isupper() else lower


def to_cyrillic(text: str) -> str:
    """Uzbek Latin -> Cyrillic, leaving KEEP spans untouched."""
    out, last = [], 0
    for match in KEEP.finditer(text):
        out += [_word(text[last : match.start()]), match.group()]
        last = match.end()
    return "".join([*out, _word(text[last:])])


def _convert(value: str | tuple[str, ...] | list[str] | None) -> str | tuple[str, ...]:
    if value is None:
        return ""
    return to_cyrillic(value) if isinstance(value, str) else tuple(to_cyrillic(v) for v in value)


def main() -> None:
    with (LOCALES / "uz" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        latin = read_po(handle)
    cyrillic = Catalog(locale="uz_Cyrl", project=latin.project, version=latin.version, fuzzy=False)
    for message in latin:
        if message.id and message.string:
            cyrillic.add(message.id, _convert(message.string), flags=message.flags)
    with (LOCALES / "uz_Cyrl" / "LC_MESSAGES" / "messages.po").open("wb") as handle:
        write_po(handle, cyrillic, width=100, no_location=True)


if __name__ == "__main__":
    main()
