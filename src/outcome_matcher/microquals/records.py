"""Stored micro_qualifications: publish under the standard's four-eyes rule, export as files."""

from __future__ import annotations

import json
from typing import Literal

from outcome_matcher.errors import NotFoundError
from outcome_matcher.microquals.elm import export_elm
from outcome_matcher.microquals.ob3 import export_ob3
from outcome_matcher.microquals.render import render_html
from outcome_matcher.schemas.micro_qualification import MicroQualification
from outcome_matcher.store import Store, UserInfo
from outcome_matcher.store.microquals import MicroQualificationRecord

ExportFormat = Literal["elm", "ob3", "html"]
MEDIA_TYPES: dict[str, str] = {
    "elm": "application/ld+json",
    "ob3": "application/json",
    "html": "text/html; charset=utf-8",
}
SUFFIXES: dict[str, str] = {"elm": ".jsonld", "ob3": ".json", "html": ".html"}


def four_eyes(store: Store, mq: MicroQualification) -> bool:
    """Whether publishing needs a reviewer's approval: as the targeted standard asks."""
    targets = mq.targets
    if targets is None or targets.standard is None:
        return False
    try:
        return store.standard_settings(targets.framework, targets.standard).four_eyes
    except NotFoundError:
        return True  # a standard this store does not hold: ask for the second pair of eyes


def publish(store: Store, key: str, *, caller: UserInfo) -> MicroQualificationRecord:
    """Publish the current version: refused with the missing mandatory elements (422), or
    without an approving sign-off where the standard asks for four eyes (409)."""
    current = store.get_micro_qualification(key).micro_qualification
    return store.publish_micro_qualification(
        key, caller=caller, require_signoff=four_eyes(store, current)
    )


def export_document(record: MicroQualificationRecord, format: ExportFormat) -> str:
    """The file's text: ELM 3 JSON-LD, an Open Badges 3.0 credential template, or HTML."""
    mq = record.micro_qualification.model_copy(update={"id": record.id})
    if format == "html":
        return render_html(mq, signoffs=record.signoffs)
    doc = export_elm(mq) if format == "elm" else export_ob3(mq)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
