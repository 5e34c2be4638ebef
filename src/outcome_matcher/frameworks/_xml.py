"""Hardened XML reading for framework loaders: size cap, no DTDs or entities, element paths."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as DET

from outcome_matcher.errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # the largest real register file here is 2.9 MB


def check_size(path: Path, limit: int = MAX_BYTES) -> None:
    """InputError when `path` is missing or larger than `limit` bytes (read nothing)."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit for one file",
            file=str(path),
        )


def parse_xml(path: Path, *, limit: int = MAX_BYTES) -> ET.Element:
    """The root element of `path`; refuses any DTD, so external entities and
    entity-expansion bombs never expand, and names the line of a well-formedness error."""
    check_size(path, limit)
    try:
        # forbid_dtd: the register's files never carry one; a DOCTYPE is an attack or an error.
        tree = DET.parse(path, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise InputError(
            f"refused: the XML declares a DTD or entities ({type(exc).__name__})",
            file=str(path),
        ) from exc
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise InputError(f"not well-formed XML: {exc}", file=str(path), row=line) from exc
    root: ET.Element = tree.getroot()
    return root


def clean(text: str | None) -> str:
    """Element text with whitespace collapsed; "" for none."""
    return " ".join((text or "").split())


def indexed(parent: ET.Element, tag: str, path: str) -> Iterator[tuple[ET.Element, str]]:
    """The `tag` children of `parent` with their element paths ("…/Tag[2]", 1-based)."""
    for i, child in enumerate(parent.findall(tag), start=1):
        yield child, f"{path}/{tag}[{i}]"


def first(parent: ET.Element, paths: tuple[str, ...]) -> tuple[ET.Element | None, str]:
    """The first element found under one of `paths` (editions name them differently)."""
    for candidate in paths:
        found = parent.find(candidate)
        if found is not None:
            return found, candidate
    return None, paths[0]


def texts(parent: ET.Element, paths: tuple[str, ...]) -> tuple[str, ...]:
    """Non-empty texts of all elements under the first of `paths` present, without repeats or
    the "-" placeholders the register writes for "none"."""
    for candidate in paths:
        found = [clean(e.text) for e in parent.findall(candidate)]
        if found:
            return tuple(dict.fromkeys(t for t in found if t and t not in {"-", "–", "—"}))
    return ()
