"""A one-page HTML rendering of a micro_qualification for people (autoescaped Jinja2)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from outcome_matcher.microquals.vocab import SCALE_NAMES
from outcome_matcher.schemas.micro_qualification import AwardingBody, MicroQualification

_PARTICIPATION = {"online": "online", "onsite": "onsite", "blended": "blended (online and onsite)"}


@functools.cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("outcome_matcher.microquals", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _national(mq: MicroQualification) -> str | None:
    n = mq.level.national if mq.level else None
    if n is None:
        return None
    return n.label or f"{SCALE_NAMES.get(n.scale, n.scale)} level {n.value}"


def _elements(mq: MicroQualification) -> list[tuple[str, str | None]]:
    a, s = mq.assessment, mq.stackability
    stack = (
        None
        if s is None
        else "stand-alone"
        if s.kind == "stand_alone"
        else f"stackable towards {s.towards}"
    )
    return [
        ("Type of assessment", a.type if a else None),
        ("Form of participation", _PARTICIPATION.get(mq.participation or "")),
        ("Quality assurance", mq.quality_assurance),
        ("Prerequisites", mq.prerequisites),
        ("Supervision and identity verification", a.supervision if a else None),
        ("Grade scheme", mq.grade_scheme),
        ("Integration / stackability", stack),
        ("Fields of education (ISCED-F)", ", ".join(mq.fields_of_education) or None),
        ("Language", mq.language),
        ("Further information", mq.further_information),
    ]


def render_html(
    mq: MicroQualification, *, signoffs: Sequence[Any] = (), generated: str | None = None
) -> str:
    """The page: elements at a glance, outcomes with their evidence links, sign-offs if given."""
    return (
        _env()
        .get_template("micro_qualification.html.j2")
        .render(
            mq=mq,
            body=mq.awarding_body or AwardingBody(),
            national=_national(mq),
            missing=mq.missing_mandatory(),
            elements=_elements(mq),
            signoffs=list(signoffs),
            generated=generated,
        )
    )
