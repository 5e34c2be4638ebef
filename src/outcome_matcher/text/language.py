"""Language (ISO 639-1) and script (ISO 15924) detection for short outcome statements."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# Languages lingua may choose from. A small set keeps memory and latency low and avoids
# confusions with languages no catalogue uses. lingua has Kazakh but no Uzbek: Uzbek is
# recognised by the rules below before lingua is asked.
# Each extra language costs load time: these 12 build in about 1.5 s, adding lv, lt, fi and
# tr made it 6 s here.
DEFAULT_LANGUAGES: tuple[str, ...] = (
    "en", "ru", "kk", "et", "fr", "it", "de", "uk", "es", "pt", "nl", "pl",
)  # fmt: skip

MIN_LETTERS = 8

_SCRIPT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("LATIN", "Latn"),
    ("CYRILLIC", "Cyrl"),
    ("GREEK", "Grek"),
    ("ARABIC", "Arab"),
    ("HEBREW", "Hebr"),
    ("ARMENIAN", "Armn"),
    ("GEORGIAN", "Geor"),
    ("DEVANAGARI", "Deva"),
    ("CJK", "Hani"),
    ("HIRAGANA", "Jpan"),
    ("KATAKANA", "Jpan"),
    ("HANGUL", "Kore"),
)

_KK_ONLY = set("әөұүіңһ")  # Kazakh letters Uzbek Cyrillic lacks
_UZ_CYRL_ONLY = set("ўҳ")  # Uzbek letters Kazakh lacks
_SHARED_KK_UZ = set("қғ")
_APOSTROPHES = "'‘’ʻʼ`"
_UZ_LATN_MARKS = re.compile(rf"\b\w*(?:o[{_APOSTROPHES}]|g[{_APOSTROPHES}])\w*", re.IGNORECASE)
_UZ_LATN_WORDS = frozenset(
    (
        "va", "bilan", "uchun", "talaba", "talabalar", "kursni", "kurs", "fan", "fanni",
        "modulni", "bo'yicha", "bo'lishi", "qiladi", "oladi", "biladi", "mumkin", "ham",
        "hamda", "asosida", "orqali", "tahlil", "dasturlash", "ma'lumotlar", "yaratadi",
        "tushunadi", "qo'llaydi",
    )
)  # fmt: skip
_UZ_LATN_SUFFIX = re.compile(r"\w{3,}(?:lar|larni|larning|ning|dagi|ini|ishni|adi|ydi|gan|shni)\b")
_Q_NOT_U = re.compile(r"q(?!u)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['‘’ʻʼ`][^\W\d_]+)*")


def _script_of(char: str) -> str | None:
    point = ord(char)
    # Fast paths for the two scripts of nearly every statement (Unicode blocks).
    if point < 0x250 or 0x1E00 <= point < 0x1F00:
        return "Latn"
    if 0x400 <= point < 0x530:
        return "Cyrl"
    name = unicodedata.name(char, "")
    for prefix, code in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return code
    return None


def detect_script(text: str) -> str | None:
    """The ISO 15924 code of the script most letters are in ("Latn", "Cyrl", ...), or None."""
    counts = Counter(code for ch in text if ch.isalpha() and (code := _script_of(ch)))
    return counts.most_common(1)[0][0] if counts else None


def _cyrillic_rule(text: str) -> str | None:
    """Kazakh or Uzbek from their own letters; None when the letters do not decide."""
    letters = Counter(text.casefold())
    kk = sum(letters[c] for c in _KK_ONLY)
    uz = sum(letters[c] for c in _UZ_CYRL_ONLY)
    if kk or uz:
        return "kk" if kk > uz else "uz"
    if any(letters[c] for c in _SHARED_KK_UZ):
        # Kazakh writes ы constantly; Uzbek Cyrillic has no ы.
        return "kk" if letters["ы"] else "uz"
    return None


def _is_uzbek_latin(text: str) -> bool:
    """Uzbek Latin from o‘/g‘, q without u, frequent words and suffixes."""
    words = [w.casefold().replace("‘", "'").replace("ʻ", "'") for w in _WORD.findall(text)]
    if not words:
        return False
    marks = len(_UZ_LATN_MARKS.findall(text))
    known = sum(w in _UZ_LATN_WORDS for w in words)
    suffixed = len(_UZ_LATN_SUFFIX.findall(" ".join(words)))
    lone_q = len(_Q_NOT_U.findall(text))
    score = 2 * marks + 2 * known + suffixed + lone_q
    return score >= max(3.0, 0.6 * len(words))


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    # Built once per language set, on first use; lingua loads its n-gram models lazily.
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in codes]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, *, languages: Iterable[str] | None = None) -> str | None:
    """The ISO 639-1 code of `text`'s language, or None when too short or undecidable."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    codes = tuple(sorted(set(languages or DEFAULT_LANGUAGES)))
    script = detect_script(text)
    if script == "Cyrl" and (rule := _cyrillic_rule(text)) is not None:
        return rule
    if script == "Latn" and _is_uzbek_latin(text):
        return "uz"
    lingua_codes = tuple(c for c in codes if c != "uz")
    if len(lingua_codes) < 2:
        return lingua_codes[0] if lingua_codes else None
    found = _detector(lingua_codes).detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found is not None else None
