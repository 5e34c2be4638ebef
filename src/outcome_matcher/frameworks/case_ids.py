"""Identifiers shared by CASE import and export: item URIs, competency ids and stable UUIDs."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote, unquote

# Key of the outcome-matcher block in a CASE `extensions` object (CASE allows any keys there).
EXTENSION = "outcomeMatcher"
URN_PREFIX = "urn:outcome-matcher:"
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
# The URN an export mints for a competency whose id is a code, not a URI.
_CODE_URN = re.compile(r"^urn:outcome-matcher:[^:]+:competency:(?P<code>.+)$")


def is_uri(text: str) -> bool:
    """True for an absolute URI ("http://...", "urn:..."), false for a code such as "SD-01"."""
    return bool(_ABSOLUTE_URI.match(text))


def framework_uri(framework: str, standard: str | None = None) -> str:
    """The CFDocument URI of a framework (or of one of its standards)."""
    base = f"{URN_PREFIX}{quote(framework, safe='')}"
    return f"{base}:standard:{quote(standard, safe='')}" if standard else base


def item_uri(framework: str, competency_id: str) -> str:
    """The CFItem URI of a competency: its id when that is a URI, else a reversible URN."""
    if is_uri(competency_id):
        return competency_id
    return f"{URN_PREFIX}{quote(framework, safe='')}:competency:{quote(competency_id, safe='')}"


def competency_id(uri: str | None, identifier: str) -> str:
    """The competency id of an imported CFItem: its URI (a code again if we minted it)."""
    if uri:
        found = _CODE_URN.match(uri)
        return unquote(found.group("code")) if found else uri
    try:
        return uuid.UUID(identifier).urn
    except ValueError:
        return f"urn:case:item:{quote(identifier, safe='')}"


def stable_uuid(key: str) -> str:
    """A UUID (version 5) derived from a URI or key: the same input, the same identifier."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))
