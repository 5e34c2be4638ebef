"""Qualification level scales (EQF; Russian, Kazakh, Uzbek NQFs) as data: parse, check, refer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from outcome_matcher.errors import InputError

__all__ = [
    "Level",
    "Referencing",
    "Scale",
    "check_level",
    "eqf_referencing",
    "parse_level",
    "referencing",
    "requirement_eqf",
    "scale",
    "scales",
    "to_eqf",
]

_NUMBER = re.compile(r"(?<![\d.,])(\d{1,2})(?:[.,](\d{1,2}))?(?![\d.,])")


@dataclass(frozen=True)
class Scale:
    """One level scale: its id, inclusive range, whether it has sub-levels, its source."""

    id: str
    label: str
    lowest: int
    highest: int
    sublevels: bool
    source: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Referencing:
    """A table from one scale's levels to another's, official or a working assumption."""

    source_scale: str
    target_scale: str
    status: str
    source: str
    table: dict[int, int]


@dataclass(frozen=True)
class Level:
    """A position on a scale: `value` and, where the scale has them, a sub-level ("6.1")."""

    scale: str
    value: int
    sub: int | None = None

    @property
    def text(self) -> str:
        """The level as written in a standard: "6" or "6.1"."""
        return str(self.value) if self.sub is None else f"{self.value}.{self.sub}"


@cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("scales.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def scales() -> dict[str, Scale]:
    """Every known scale by id."""
    return {
        key: Scale(
            id=key,
            label=str(v["label"]),
            lowest=int(v["levels"][0]),
            highest=int(v["levels"][1]),
            sublevels=bool(v["sublevels"]),
            source=" ".join(str(v["source"]).split()),
            aliases=tuple(str(a) for a in v["aliases"]),
        )
        for key, v in _data()["scales"].items()
    }


def scale(scale_id: str, *, file: str | None = None, where: str | None = None) -> Scale:
    """The scale `scale_id` or one it is an alias of ("ҰБШ" -> kz_nqf); InputError if unknown."""
    known = scales()
    if scale_id in known:
        return known[scale_id]
    key = _norm(scale_id)
    for candidate in known.values():
        if key in {_norm(a) for a in candidate.aliases}:
            return candidate
    raise InputError(
        f"unknown level scale {scale_id!r} (known: {', '.join(sorted(known))})",
        file=file,
        field=where,
    )


@cache
def referencing() -> tuple[Referencing, ...]:
    """The referencing tables, each with its status ("working_assumption", ...) and source."""
    return tuple(
        Referencing(
            source_scale=str(r["from"]),
            target_scale=str(r["to"]),
            status=str(r["status"]),
            source=" ".join(str(r["source"]).split()),
            table={int(k): int(v) for k, v in r["table"].items()},
        )
        for r in _data()["referencing"]
    )


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _strip_words(rest: str, words: list[str]) -> tuple[str, str | None]:
    """Remove the first matching word (longest first) from `rest`; return what is left, the word."""
    for word in sorted(words, key=len, reverse=True):
        pattern = rf"(?<!\w){re.escape(_norm(word))}(?!\w)"
        if re.search(pattern, rest):
            return re.sub(pattern, " ", rest, count=1), word
    return rest, None


def _named_scale(rest: str) -> tuple[str, str | None]:
    """The scale an alias in `rest` names, and `rest` without it."""
    aliases = {_norm(a): s.id for s in scales().values() for a in (*s.aliases, s.id)}
    rest, alias = _strip_words(rest, list(aliases))
    return rest, (aliases[_norm(alias)] if alias is not None else None)


def _leftover(rest: str) -> str:
    generic = [str(w) for w in _data()["generic_words"]]
    while True:
        rest, word = _strip_words(rest, generic)
        if word is None:
            return rest.strip(" -–:()[]")


def parse_level(
    text: str | int, scale_id: str, *, file: str | None = None, where: str | None = None
) -> Level:
    """Read a level string ("6", "НКР 6", "6.1", "EQF 6", "уровень 5", "5-й уровень").

    `scale_id` is the scale meant unless the string names another ("EQF 6"). A level that is
    unreadable, outside its scale, or a sub-level on a scale without them is an InputError
    naming `file` and `where` (the element path, or the row's column).
    """
    default = scale(scale_id, file=file, where=where).id
    rest = _norm(str(text))
    numbers = _NUMBER.findall(rest)
    if len(numbers) != 1:
        raise InputError(f"unreadable level {str(text)!r}", file=file, field=where)
    rest = _NUMBER.sub(" ", rest, count=1)
    rest, named = _named_scale(rest)
    if _leftover(rest):
        raise InputError(f"unreadable level {str(text)!r}", file=file, field=where)
    value, sub = numbers[0]
    level = Level(named or default, int(value), int(sub) if sub else None)
    check_level(level, file=file, where=where)
    return level


def check_level(level: Level, *, file: str | None = None, where: str | None = None) -> None:
    """InputError if `level` lies outside its scale or has a sub-level its scale lacks."""
    s = scale(level.scale, file=file, where=where)
    if not s.lowest <= level.value <= s.highest:
        raise InputError(
            f"level {level.text} is outside the {s.id} scale ({s.lowest}-{s.highest})",
            file=file,
            field=where,
        )
    if level.sub is not None and not s.sublevels:
        raise InputError(
            f"level {level.text}: the {s.id} scale has no sub-levels", file=file, field=where
        )


def to_eqf(scale_id: str, level: Level | int | str) -> int:
    """The EQF level of `level` on `scale_id`, by the referencing table (see its `status`)."""
    parsed = level if isinstance(level, Level) else parse_level(level, scale_id)
    for table in referencing():
        if table.source_scale == parsed.scale and table.target_scale == "eqf":
            return table.table[parsed.value]
    raise InputError(f"no referencing table from {parsed.scale} to eqf", field="scale")


def eqf_referencing(scale_id: str) -> Referencing:
    """The table `to_eqf` uses for `scale_id`, to show its status and source beside a result."""
    for table in referencing():
        if table.source_scale == scale(scale_id).id and table.target_scale == "eqf":
            return table
    raise InputError(f"no referencing table from {scale_id} to eqf", field="scale")


def requirement_eqf(level: str | None, scale_id: str | None) -> int | None:
    """The EQF level of a requirement's level on its scale (None when unknown or unreadable).

    Without a scale the level is read as EQF unless it names its own ("НКР 6"), as the
    generic CSV format's free-text levels ("6", "EQF 6") always were.
    """
    if not level:
        return None
    try:
        return to_eqf(scale_id or "eqf", parse_level(level, scale_id or "eqf"))
    except InputError:
        return None
