"""A competency's label in a user's language: machine-translated or reviewed by a council."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from outcome_matcher.schemas import Competency

# ESCO has no official Russian, Kazakh or Uzbek version: every label in these languages comes
# from a machine translation (corpora/esco_labels_ru_kk_uz) until a council reviews it. They are
# also the only languages a council may correct; the official ESCO translations stay ESCO's.
ReviewableLang = Literal["ru", "kk", "uz"]  # uz: Uzbek in Latin script
REVIEWABLE_LANGS: tuple[ReviewableLang, ...] = get_args(ReviewableLang)
# Uzbek Cyrillic readers see the Uzbek Latin label: transliterating a machine translation
# would stack a second unreviewed step on the first, and councils review one spelling.
_LABEL_LANG = {"uz_Cyrl": "uz"}

LabelStatus = Literal["machine", "reviewed"]


class LocalLabel(BaseModel):
    """One label of a competency in a reviewable language and where it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lang: str
    label: str
    status: LabelStatus
    machine_label: str = ""  # the machine translation, kept beside a reviewed label
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    version: int = 0  # the label's review version; 0 while only the machine label exists


class CompetencyLabels(BaseModel):
    """A competency as the API shows it, with its labels in the users' languages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    framework: str
    competency: Competency
    labels: tuple[LocalLabel, ...]


def label_lang(interface_lang: str) -> str | None:
    """The label language shown for an interface language ('uz_Cyrl' -> 'uz'), None for none."""
    lang = _LABEL_LANG.get(interface_lang, interface_lang)
    return lang if lang in REVIEWABLE_LANGS else None


def machine_label(competency: Competency, lang: str) -> str:
    """The preferred label the framework carries in `lang` ('' when it has none)."""
    labels = competency.labels_by_lang.get(lang, ())
    return labels[0] if labels else ""
