"""Recognition report over the Commission's sample credential and hand-made matches."""

from __future__ import annotations

import pytest

from microquals_support import SAMPLE
from outcome_matcher.errors import InputError
from outcome_matcher.microquals.credentials import read_credential
from outcome_matcher.microquals.recognition import LocalModule, OutcomeMatch, recognise
from outcome_matcher.schemas.micro_qualification import MicroQualification

OP = 0.7


@pytest.fixture(scope="module")
def sample() -> MicroQualification:
    return read_credential(SAMPLE.read_bytes()).micro_qualification


def _modules() -> list[LocalModule]:
    return [
        LocalModule(
            catalogue="tlu", programme="AI", code="DIG1", credits=2, eqf=6, outcome_ids=("d1",)
        ),
        LocalModule(
            catalogue="tlu", programme="AI", code="COM2", credits=6, eqf=6, outcome_ids=("c1", "c2")
        ),
        LocalModule(
            catalogue="tlu", programme="AI", code="MSC", credits=2, eqf=7, outcome_ids=("m1",)
        ),
    ]


def _match(i: int, module: str, local: str, confidence: float) -> OutcomeMatch:
    return OutcomeMatch(
        outcome_index=i,
        module="tlu/AI/" + module,
        local_outcome_id=local,
        score=confidence,
        confidence=confidence,
    )


def test_report_separates_replace_credit_and_not_covered(sample: MicroQualification) -> None:
    matches = [
        _match(1, "DIG1", "d1", 0.9),
        _match(0, "COM2", "c1", 0.8),
        _match(0, "COM2", "c2", 0.5),  # below the operating point: does not count
        _match(1, "MSC", "m1", 0.75),
    ]
    report = recognise(sample, matches, _modules(), operating_point=OP)
    verdicts = {r.module.code: r for r in report.modules}
    assert verdicts["DIG1"].verdict == "replace"
    assert verdicts["DIG1"].workload.sufficient is True and verdicts["DIG1"].level.fit == "equal"
    com = verdicts["COM2"]
    assert (com.verdict, com.coverage, com.unmatched_local) == ("credit", 0.5, ("c2",))
    assert com.workload.sufficient is False
    assert verdicts["MSC"].verdict == "credit" and verdicts["MSC"].level.fit == "below"
    assert report.modules[0].module.code == "DIG1"
    assert report.not_covered == ()
    assert com.evidence[0].credential_outcome == "Communication, collaboration and creativity"


def test_unmatched_outcomes_are_not_covered(sample: MicroQualification) -> None:
    report = recognise(sample, [_match(1, "DIG1", "d1", 0.95)], _modules(), operating_point=OP)
    assert report.not_covered == ("Communication, collaboration and creativity",)
    assert [r.module.code for r in report.modules] == ["DIG1"]


@pytest.mark.parametrize(
    ("match", "field"),
    [
        (_match(5, "DIG1", "d1", 0.9), "outcome_index"),
        (_match(0, "NOPE", "d1", 0.9), "module"),
        (_match(0, "DIG1", "c1", 0.9), "local_outcome_id"),
    ],
)
def test_bad_matches_are_input_errors(
    sample: MicroQualification, match: OutcomeMatch, field: str
) -> None:
    with pytest.raises(InputError) as info:
        recognise(sample, [match], _modules(), operating_point=OP)
    assert info.value.context["field"] == field
