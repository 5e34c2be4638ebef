"""A complete micro_qualification for the micro-qualification tests."""

from __future__ import annotations

from pathlib import Path

from outcome_matcher.schemas.micro_qualification import (
    Assessment,
    AwardingBody,
    CompetencyLink,
    LearningOutcome,
    Level,
    MicroQualification,
    NationalLevel,
    Stackability,
    TargetSet,
    Workload,
)

SCHEMAS = Path("/work/shared/schemas")
SAMPLE = SCHEMAS / "elm" / "Sample-MC-Annex1-unsigned.jsonld"
ESCO = "http://data.europa.eu/esco/skill/"


def complete(**changes: object) -> MicroQualification:
    """Every Annex I element filled, links to ESCO and to a national standard."""
    mq = MicroQualification(
        id="mq-test-1",
        title="Automated software testing",
        language="en",
        awarding_body=AwardingBody(
            name="Tallinn University", country="EE", region="Harju County", url="https://www.tlu.ee"
        ),
        learning_outcomes=[
            LearningOutcome(
                text="Designs and automates unit and integration tests for a web application",
                kind="skill",
                links=[
                    CompetencyLink(
                        framework="esco",
                        competency_id=ESCO + "d1c1fb3e-d2c4-4bbe-b05d-8d4c2e3e2d1a",
                        label="execute software tests",
                        relation="exact",
                        confidence=0.91,
                        decision_id=12,
                    )
                ],
            ),
            LearningOutcome(
                text="Знает методы тестирования программного обеспечения",
                lang="ru",
                kind="knowledge",
                links=[
                    CompetencyLink(
                        framework="ru_ps_06.001",
                        competency_id="urn:ru-ps:06.001:A/01.3",
                        label="Формализация и алгоритмизация поставленных задач",
                    )
                ],
            ),
        ],
        workload=Workload(ects=6, hours=156),
        level=Level(eqf=6, national=NationalLevel(scale="kz_nqf", value=6)),
        assessment=Assessment(
            type="project with oral defence", supervision="supervised, with ID verification"
        ),
        participation="blended",
        quality_assurance="internal quality assurance of an accredited university",
        fields_of_education=["0613"],
        prerequisites="Basic programming in one language",
        grade_scheme="pass / fail",
        stackability=Stackability(kind="stackable", towards="BSc Applied Informatics"),
        further_information="Offered each spring semester.",
        targets=TargetSet(
            framework="esco", standard="software developer", competency_ids=[ESCO + "x"]
        ),
        owner="designer",
    )
    return mq.model_copy(update=changes)
