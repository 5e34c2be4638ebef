"""The demo's micro_qualification: software testing and debugging, from the sample programme."""

from __future__ import annotations

import re

from outcome_matcher.errors import NotFoundError
from outcome_matcher.microquals.design import DesignRequest, design
from outcome_matcher.microquals.targets import find_standard
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.schemas.micro_qualification import (
    Assessment,
    AwardingBody,
    Level,
    NationalLevel,
    Stackability,
)
from outcome_matcher.store import Store, UserInfo

TITLE = "Software testing and debugging"
OCCUPATION = "software developer"
CATALOGUE = "Sample catalogue (English)"
# The target: the occupation's requirements whose label speaks of testing or quality; ESCO
# v1.1.1's "software developer" has none by those words, so finding and fixing defects counts
# too: "debug software", "ICT debugging tools", "software anomalies".
_TESTING = re.compile(r"\btest|\bquality\b|\bdebug|\banomal", re.IGNORECASE)


def demo_targets(store: Store, framework: str) -> list[str]:
    std = find_standard(store, framework, OCCUPATION)
    ids = [r.competency_id for r in std.requirements]
    return [c.id for c in store.get_competencies(framework, ids) if _TESTING.search(c.label)]


def prepare_micro_qualification(
    store: Store, matcher: Matcher, *, framework: str, owner: UserInfo
) -> str | None:
    """Design and save the draft once; None when it exists or the data is not there."""
    if any(r.title == TITLE for r in store.list_micro_qualifications()):
        return None
    try:
        ids = demo_targets(store, framework)
    except NotFoundError:
        return None  # a cut-down ESCO without the occupation
    if not ids:
        return None
    request = DesignRequest(
        framework=framework, competency_ids=ids, catalogues=[CATALOGUE], title=TITLE
    )
    draft = design(store, matcher, request).micro_qualification
    mq = draft.model_copy(
        update={
            "targets": draft.targets.model_copy(update={"standard": _key(store, framework)})
            if draft.targets
            else None,
            "awarding_body": AwardingBody(name="Demo University", country="KZ"),
            # The sample programme is a bachelor's: EQF 6, level 6 of Kazakhstan's NQF.
            "level": Level(eqf=6, national=NationalLevel(scale="kz_nqf", value=6)),
            "assessment": Assessment(type="practical project: a tested web application"),
            "participation": "blended",
            "quality_assurance": "internal quality assurance of the awarding university",
            "fields_of_education": ["0613"],
            "stackability": Stackability(kind="stackable", towards="BSc Software Development"),
        }
    )
    return store.create_micro_qualification(mq, caller=owner).id


def _key(store: Store, framework: str) -> str:
    return find_standard(store, framework, OCCUPATION).id
