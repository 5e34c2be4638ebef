"""Interface languages: gettext catalogues (Babel), negotiation and locale formatting."""

from __future__ import annotations

from outcome_matcher.i18n import labels
from outcome_matcher.i18n.negotiate import (
    DEFAULT,
    LOCALES,
    accepted,
    from_accept_language,
    from_environment,
    negotiate,
    normalize,
)
from outcome_matcher.i18n.translator import N_, Translator, endonym, translator

__all__ = [
    "DEFAULT",
    "LOCALES",
    "N_",
    "Translator",
    "accepted",
    "endonym",
    "from_accept_language",
    "from_environment",
    "labels",
    "negotiate",
    "normalize",
    "translator",
]
