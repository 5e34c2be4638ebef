"""The Annex I model: missing mandatory elements and the publish refusal."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from microquals_support import complete
from outcome_matcher.errors import InputError
from outcome_matcher.schemas.micro_qualification import (
    AwardingBody,
    MicroQualification,
    NationalLevel,
    Stackability,
    publish,
)


def test_complete_has_nothing_missing_and_publishes() -> None:
    mq = complete()
    assert mq.missing_mandatory() == []
    assert publish(mq).status == "published"
    assert mq.status == "draft"


def test_empty_draft_names_every_mandatory_element() -> None:
    assert MicroQualification().missing_mandatory() == [
        "title",
        "awarding_body",
        "awarding_body.country",
        "learning_outcomes",
        "workload",
        "level",
        "assessment",
        "participation",
        "quality_assurance",
    ]


def test_publish_refuses_with_the_list() -> None:
    mq = complete(quality_assurance=None, awarding_body=AwardingBody(name="X"))
    with pytest.raises(InputError) as info:
        publish(mq)
    assert info.value.context["missing"] == ["awarding_body.country", "quality_assurance"]
    assert "quality_assurance" in info.value.message


def test_national_levels_are_checked_per_scale() -> None:
    assert NationalLevel(scale="ru_nqf", value=9).value == 9
    with pytest.raises(ValidationError, match="kz_nqf levels run from 1 to 8"):
        NationalLevel(scale="kz_nqf", value=9)


def test_stackable_names_its_target() -> None:
    with pytest.raises(ValidationError, match="names what it stacks towards"):
        Stackability(kind="stackable")
