"""EU controlled vocabularies used by ELM 3: EQF, modes, languages, countries, credit systems."""

from __future__ import annotations

import re

EQF_BASE = "http://data.europa.eu/snb/eqf/"
ECTS_URI = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
ISCED_F_BASE = "http://data.europa.eu/snb/isced-f/"
LANGUAGE_BASE = "http://publications.europa.eu/resource/authority/language/"
COUNTRY_BASE = "http://publications.europa.eu/resource/authority/country/"
ESCO_PREFIX = "http://data.europa.eu/esco/"
# Our own concepts, for elements ELM has no vocabulary for (national scales outside the EU).
OM_BASE = "urn:outcome-matcher:"

# "Mode of learning and assessment" (http://data.europa.eu/snb/learning-assessment/25831c2).
MODE_URIS = {
    "online": "http://data.europa.eu/snb/learning-assessment/920fbb3cbe",
    "blended": "http://data.europa.eu/snb/learning-assessment/e92d221e4d",
    "onsite": "http://data.europa.eu/snb/learning-assessment/9191af2ed9",
}
MODE_LABELS = {"online": "Online", "blended": "Blended", "onsite": "Presential"}
_MODE_WORDS = {
    "online": "online",
    "blended": "blended",
    "hybrid": "blended",
    "presential": "onsite",
    "onsite": "onsite",
    "on-site": "onsite",
    "in presence": "onsite",
    "face-to-face": "onsite",
    "ground": "onsite",
}

# ISO 639-1 <-> the EU authority table's ISO 639-2/B style codes, for the project's languages.
_LANG3 = {
    "en": "ENG", "ru": "RUS", "kk": "KAZ", "uz": "UZB", "fr": "FRA", "et": "EST", "it": "ITA",
    "de": "DEU", "es": "SPA", "nl": "NLD", "pt": "POR", "pl": "POL", "lv": "LAV", "lt": "LIT",
    "fi": "FIN", "sv": "SWE", "da": "DAN", "cs": "CES", "uk": "UKR", "ky": "KIR", "tg": "TGK",
}  # fmt: skip
_COUNTRY3 = {
    "IE": "IRL", "BE": "BEL", "KZ": "KAZ", "UZ": "UZB", "RU": "RUS", "IT": "ITA", "EE": "EST",
    "FR": "FRA", "DE": "DEU", "ES": "ESP", "NL": "NLD", "PT": "PRT", "PL": "POL", "LV": "LVA",
    "LT": "LTU", "FI": "FIN", "SE": "SWE", "DK": "DNK", "CZ": "CZE", "AT": "AUT", "GB": "GBR",
    "US": "USA", "KG": "KGZ", "TJ": "TJK", "UA": "UKR", "GR": "GRC", "HU": "HUN", "RO": "ROU",
}  # fmt: skip
SCALE_NAMES = {
    "ru_nqf": "NQF of Russia",
    "kz_nqf": "NQF of Kazakhstan",
    "uz_nqf": "NQF of Uzbekistan",
}


def last_segment(uri: str) -> str:
    return re.split(r"[/#:]", uri.rstrip("/"))[-1]


def language_uri(code: str) -> str:
    return LANGUAGE_BASE + _LANG3.get(code.lower(), code.upper())


def language_code(uri: str) -> str:
    three = last_segment(uri).upper()
    return next((two for two, t in _LANG3.items() if t == three), three.lower())


def country_uri(code: str) -> str:
    return COUNTRY_BASE + _COUNTRY3.get(code.upper(), code.upper())


def country_code(uri: str) -> str:
    three = last_segment(uri).upper()
    return next((two for two, t in _COUNTRY3.items() if t == three), three)


def eqf_level(uri: str) -> int | None:
    """The EQF level of a concept URI of the EQF scheme, None for anything else."""
    if not uri.startswith(EQF_BASE):
        return None
    tail = last_segment(uri)
    return int(tail) if tail.isdigit() and 1 <= int(tail) <= 8 else None


def participation_of(label: str) -> str | None:
    """Map a mode's label (any capitalisation, EN) or its URI to online / onsite / blended."""
    for key, uri in MODE_URIS.items():
        if label == uri:
            return key
    low = label.lower()
    return next((v for word, v in _MODE_WORDS.items() if word in low), None)


def hours_of(duration: str) -> float | None:
    """Hours in an xsd:duration such as PT60H or P2DT4H (days count 24 h); None if not one."""
    m = re.fullmatch(
        r"P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?)?", duration
    )
    if not m or duration in ("P", "PT"):
        return None
    days, hours, minutes = (float(g) if g else 0.0 for g in m.groups())
    return days * 24 + hours + minutes / 60


def duration_of(hours: float) -> str:
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    return f"PT{whole}H" + (f"{minutes}M" if minutes else "")
