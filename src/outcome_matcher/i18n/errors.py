"""The human-readable part of an error in the user's language (its `error` code stays English)."""

from __future__ import annotations

from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.i18n.translator import N_, Translator

# A title per error code, shown before the English detail when a message has no msgid.
TITLES: dict[str, str] = {
    "internal_error": N_("Internal error"),
    "invalid_input": N_("Invalid input"),
    "not_found": N_("Not found"),
    "conflict": N_("Conflict"),
    "model_mismatch": N_("The index was built with another model"),
    "model_not_built": N_("The model is not built yet"),
    "store_unavailable": N_("The database is unavailable"),
    "unauthenticated": N_("Not signed in"),
    "forbidden": N_("Not allowed"),
}
# Messages raised with a fixed text, marked here so that the catalogue carries them.
FIXED: tuple[str, ...] = (
    N_("missing bearer token: send 'Authorization: Bearer <token>'"),
    N_("invalid or revoked token"),
    N_("role %(role)s may not do this; needs one of %(roles)s"),
)


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for `pybabel extract` (its default keywords include ngettext)."""
    return singular, plural


# The plural messages errors.py raises (InputErrors' summary line).
PLURALS: tuple[tuple[str, str], ...] = (
    ngettext("%(num)d problem in %(file)s", "%(num)d problems in %(file)s"),
    ngettext("%(num)d problem", "%(num)d problems"),
)


def error_message(error: OutcomeMatcherError, tr: Translator) -> str:
    """`error.message` in `tr`'s language: its msgid translated, else a title and the detail."""
    if tr.lang == "en":
        return error.message
    if error.msgid is not None:
        if error.msgid_plural is not None:
            num = int(error.values.get("num", 1))
            text = tr.ngettext(error.msgid, error.msgid_plural, num)
        else:
            text = tr.gettext(error.msgid)
        return (text % error.values if error.values else text) + error.suffix
    title = TITLES.get(error.code)
    return f"{tr.gettext(title)}: {error.message}" if title else error.message
