"""Design on real parts: the bundled sample programme and standard, decisions from a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.frameworks import load_framework
from outcome_matcher.microquals.cover import cover_modules, cover_outcomes
from outcome_matcher.microquals.inputs import candidate_modules, candidate_outcomes
from outcome_matcher.schemas import Catalogue
from outcome_matcher.store import (
    DecisionCreate,
    DecisionPublic,
    Store,
    SuggestionRecord,
    UserInfo,
    Verdict,
)

ROOT = Path(__file__).resolve().parents[1] / "corpora"
UNIT2 = [f"EX-SD6-U2-0{i}" for i in range(1, 9)]
# A reviewer's reading of the module outcomes (accepted unless noted) for unit U2.
JUDGED: list[tuple[str, str, Verdict]] = [
    ("SD101", "EX-SD6-U2-01", "accepted"),  # writes programs, documents code to a standard
    ("SD101", "EX-SD6-U2-06", "accepted"),  # uses a debugger
    ("SD102", "EX-SD6-U2-02", "accepted"),
    ("SD102", "EX-SD6-U2-04", "partial"),  # writes unit tests for classes
    ("SD201", "EX-SD6-U2-03", "accepted"),
    ("SD202", "EX-SD6-U2-08", "accepted"),
    ("SD202", "EX-SD6-U2-07", "rejected"),  # accessibility is not secure coding
    ("SD203", "EX-SD6-U2-04", "accepted"),
    ("SD203", "EX-SD6-U2-05", "accepted"),
    ("SD203", "EX-SD6-U2-06", "accepted"),
    ("SD302", "EX-SD6-U2-07", "accepted"),
]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalogue, list[DecisionPublic]]:
    catalogue = load_catalogue(ROOT / "samples" / "software_developer_en.yaml", name="sample")
    framework = load_framework(
        ROOT / "standards" / "example_software_developer_level6.csv", "csv", name="ex-sd6"
    )
    url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "store.sqlite3")
    with Store.open(url, migrate=True) as store:
        store.add_framework(framework)
        store.add_catalogue(catalogue)
        store.add_user("rita", "reviewer")
        rita = UserInfo(name="rita", role="reviewer")
        for module, uri, verdict in JUDGED:
            store.decide(
                DecisionCreate(
                    programme="BSC-SD", module=module, framework="ex-sd6", competency_id=uri,
                    verdict=verdict, relation=None if verdict == "rejected" else "close",
                    expected_version=0,
                ),
                rita,
            )  # fmt: skip
        decisions = store.current_decisions("BSC-SD", "ex-sd6")
    return catalogue, decisions


def _suggestion(catalogue: Catalogue, module: str, uri: str, confidence: float) -> SuggestionRecord:
    found = next(m for m in catalogue.programmes[0].modules if m.code == module)
    outcome = found.outcomes[2]
    return SuggestionRecord(
        run_id=1, programme_code="BSC-SD", module_code=module, outcome_id=outcome.id,
        outcome_text=outcome.text, competency_id=uri, label="", rank=1, score=0.9,
        confidence=confidence, evidence="",
    )  # fmt: skip


def test_unit_is_covered_at_minimum_workload(real: tuple[Catalogue, list[DecisionPublic]]) -> None:
    catalogue, decisions = real
    # SD202's third outcome ("connect a web application to a relational database") ~ SQL.
    suggestion = _suggestion(catalogue, "SD202", "EX-SD6-U2-03", 0.7)
    modules = candidate_modules(catalogue, UNIT2, decisions, [suggestion])
    lenient = cover_modules(UNIT2, modules, operating_point=0.6)
    # SD202 is needed for web applications anyway; with its suggestion counting, SD201 is not.
    assert sorted(c.split("/")[-1] for c in lenient.chosen) == [
        "SD101", "SD102", "SD202", "SD203", "SD302",
    ]  # fmt: skip
    assert lenient.total_credits == 33 and lenient.residual == ()
    strict = cover_modules(UNIT2, modules, operating_point=0.8)
    assert strict.total_credits == 39 and "sample/BSC-SD/SD201" in strict.chosen
    secure = next(c for c in strict.covered if c.target == "EX-SD6-U2-07")
    assert (secure.item, secure.evidence) == ("sample/BSC-SD/SD302", "confirmed")


def test_unjudged_requirements_are_residual(real: tuple[Catalogue, list[DecisionPublic]]) -> None:
    catalogue, decisions = real
    unit3 = [f"EX-SD6-U3-0{i}" for i in range(1, 8)]
    result = cover_modules(
        unit3, candidate_modules(catalogue, unit3, decisions), operating_point=0.6
    )
    assert result.residual == tuple(unit3) and result.chosen == ()


def test_outcome_grain_uses_the_evidence_outcomes(
    real: tuple[Catalogue, list[DecisionPublic]],
) -> None:
    catalogue, _ = real
    suggestions = [
        _suggestion(catalogue, "SD202", "EX-SD6-U2-03", 0.9),
        _suggestion(catalogue, "SD201", "EX-SD6-U2-03", 0.9),
    ]
    result = cover_outcomes(
        ["EX-SD6-U2-03"], candidate_outcomes(catalogue, ["EX-SD6-U2-03"], (), suggestions),
        operating_point=0.6,
    )  # fmt: skip
    # One of SD201's five outcomes (6/5 credits) is lighter than one of SD202's five (9/5).
    assert result.chosen[0].startswith("sample/BSC-SD/SD201#")
    assert result.total_credits == pytest.approx(6 / 5)
