"""i18n test helpers: a fresh extraction of the catalogue and a finder of English leftovers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from outcome_matcher.i18n.catalog import BABEL_CFG

SRC = Path(__file__).resolve().parents[1] / "src" / "outcome_matcher"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Punctuation and symbols around interface words ("Module:", "← Previous", "(version 2)").
# A template with fewer letters than this is too weak a pattern once content fills it in.
_MIN_LETTERS = 5
_EDGES = " \t\n:·,;.…()[]«»“”\"'←→×#–-"


@lru_cache(maxsize=1)
def fresh_catalogue() -> Catalog:
    """Every msgid in the sources now, extracted with the package's babel.cfg."""
    with BABEL_CFG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None}
    catalogue = Catalog()
    found = extract_from_dir(SRC, method_map, options_map, keywords=keywords)
    for filename, lineno, message, comments, context in found:
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def english_texts() -> list[str]:
    """The English msgids (singular and plural), as the interface would show them."""
    texts: list[str] = []
    for message in fresh_catalogue():
        if message.id:
            ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
            texts += [i.replace("%%", "%") for i in ids]
    return texts


@lru_cache(maxsize=1)
def _patterns() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Exact English texts, and regexes for those with placeholders (filled by anything)."""
    exact, patterns = set(), []
    for text in english_texts():
        literal = _PLACEHOLDER.sub(" ", text)
        letters = sum(len(w) for w in _WORD.findall(literal))
        if not letters:
            continue  # "%(module)s – %(label)s: %(status)s" has no English word in it
        # "%(pos)s of %(total)s" filled with content ("Internet of Things") is no evidence
        if _PLACEHOLDER.search(text) and letters >= _MIN_LETTERS:
            parts = [_bounded(p.strip(_EDGES)) for p in _PLACEHOLDER.split(text)]
            patterns.append(re.compile(r".+?".join(parts), re.S))
        exact.add(text.strip(_EDGES).casefold())
    return frozenset(exact), tuple(patterns)


def _bounded(literal: str) -> str:
    """A literal part of a msgid as a regex of whole words ("of" does not match "Software")."""
    if not literal:
        return ""
    head = r"(?<!\w)" if literal[0].isalnum() else ""
    tail = r"(?!\w)" if literal[-1].isalnum() else ""
    return head + re.escape(literal) + tail


def english_leftovers(texts: Iterable[str]) -> list[str]:
    """The texts that are an English interface string (a msgid), once filled in."""
    exact, patterns = _patterns()
    hits = []
    for text in texts:
        shown = " ".join(text.split()).strip(_EDGES)
        if not shown:
            continue
        if shown.casefold() in exact or any(p.fullmatch(shown) for p in patterns):
            hits.append(shown)
    return sorted(set(hits))


_VOID = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_ATTRS = ("title", "placeholder", "aria-label", "alt")


class InterfaceText(HTMLParser):
    """The interface texts of a page: text nodes and labelling attributes, content left out.

    Content is what sits inside `translate="no"` or an element whose `lang` is not the page's.
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self.feed(html)
        self.close()

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = values.get("lang", "")
            return
        lang = values.get("lang")
        skip = self._skipping() or tag in ("script", "style")
        skip = skip or values.get("translate") == "no" or (lang is not None and lang != self.lang)
        if not skip:
            self.texts += [values[a] for a in _ATTRS if a in values]
            if tag == "input" and values.get("type") in ("submit", "button", "reset"):
                self.texts.append(values.get("value", ""))
        if tag not in _VOID:
            self._stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skipping():
            self.texts.append(data)
