"""Names of the queue's filters and keyboard shortcuts, marked for translation."""

from __future__ import annotations

from outcome_matcher.i18n import N_

SHOW_NAMES: dict[str, str] = {
    "unreviewed": N_("Unreviewed suggestions"),
    "low": N_("Low confidence"),
    "all": N_("All links above the floor"),
}
KEY_NAMES: dict[str, str] = {
    "a": N_("accept"),
    "p": N_("partial"),
    "r": N_("reject"),
    "j": N_("next"),
    "k": N_("previous"),
    "u": N_("undo"),
}
