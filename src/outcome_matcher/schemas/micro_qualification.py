"""The micro_qualification: the elements of Annex I of the Council Recommendation of 16.6.2022."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from outcome_matcher.errors import InputError
from outcome_matcher.schemas import MAX_DB_INT

Relation = Literal["exact", "close", "broad", "narrow", "related"]
OutcomeKind = Literal["knowledge", "skill", "competence", "mastery"]
Participation = Literal["online", "onsite", "blended"]
NationalScale = Literal["ru_nqf", "kz_nqf", "uz_nqf", "other"]
Status = Literal["draft", "published"]

# Highest level of each national scale (Russia's NQF has 9 levels, Kazakhstan's and Uzbekistan's 8).
SCALE_MAX = {"ru_nqf": 9, "kz_nqf": 8, "uz_nqf": 8}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompetencyLink(_Model):
    """Evidence that an outcome teaches a competency of a framework."""

    framework: str
    competency_id: str = Field(min_length=1, description="the competency's URI")
    label: str = ""
    relation: Relation | None = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    decision_id: int | None = None


class LearningOutcome(_Model):
    text: str = Field(min_length=1)
    lang: str = "en"
    kind: OutcomeKind | None = None
    links: list[CompetencyLink] = []


class AwardingBody(_Model):
    name: str = ""
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code")
    region: str | None = None
    url: str | None = None


class Workload(_Model):
    """Notional workload: ECTS credits wherever possible, and hours."""

    ects: float | None = Field(default=None, gt=0)
    hours: float | None = Field(default=None, gt=0)


class NationalLevel(_Model):
    """A level on a national framework; `other` keeps a foreign NQF by its label and URI."""

    scale: NationalScale
    value: int | None = Field(default=None, ge=1)
    label: str | None = None
    uri: str | None = None

    @model_validator(mode="after")
    def _in_range(self) -> NationalLevel:
        top = SCALE_MAX.get(self.scale)
        if top is not None and (self.value is None or self.value > top):
            raise ValueError(f"{self.scale} levels run from 1 to {top}")
        return self


class Level(_Model):
    eqf: int | None = Field(default=None, ge=1, le=8)
    national: NationalLevel | None = None


class Assessment(_Model):
    type: str = ""
    description: str | None = None
    supervision: str | None = Field(
        default=None, description="optional element: supervision and identity verification"
    )


class Stackability(_Model):
    kind: Literal["stand_alone", "stackable"]
    towards: str | None = Field(default=None, description="the qualification or programme")

    @model_validator(mode="after")
    def _named(self) -> Stackability:
        if self.kind == "stackable" and not self.towards:
            raise ValueError("a stackable micro_qualification names what it stacks towards")
        return self


class TargetSet(_Model):
    """The requirements of a standard the micro_qualification answers."""

    framework: str
    standard: str | None = None
    competency_ids: list[str] = []


class SourceModule(_Model):
    catalogue: str
    programme: str
    module: str
    outcome_ids: list[str] = []


class MicroQualification(_Model):
    """Annex I elements (mandatory ones may be missing in a draft) plus the tool's provenance."""

    id: str | None = None
    title: str = ""
    language: str = "en"
    awarding_body: AwardingBody | None = None
    learning_outcomes: list[LearningOutcome] = []
    workload: Workload | None = None
    level: Level | None = None
    assessment: Assessment | None = None
    participation: Participation | None = None
    quality_assurance: str | None = None
    fields_of_education: list[str] = Field(default=[], description="ISCED-F 2013 codes")
    prerequisites: str | None = None
    grade_scheme: str | None = None
    stackability: Stackability | None = None
    further_information: str | None = None
    targets: TargetSet | None = None
    sources: list[SourceModule] = []
    status: Status = "draft"
    version: int = Field(default=1, ge=1, le=MAX_DB_INT)
    owner: str | None = None

    def missing_mandatory(self) -> list[str]:
        """Names of the mandatory Annex I elements this micro_qualification lacks."""
        body = self.awarding_body
        work = self.workload
        checks = {
            "title": bool(self.title.strip()),
            "awarding_body": body is not None and bool(body.name.strip()),
            "awarding_body.country": body is not None and bool(body.country or body.region),
            "learning_outcomes": bool(self.learning_outcomes),
            "workload": work is not None and (work.ects is not None or work.hours is not None),
            "level": self.level is not None
            and (self.level.eqf is not None or self.level.national is not None),
            "assessment": self.assessment is not None and bool(self.assessment.type.strip()),
            "participation": self.participation is not None,
            "quality_assurance": bool((self.quality_assurance or "").strip()),
        }
        return [name for name, ok in checks.items() if not ok]


ANNEX_FIELDS = (
    "title",
    "language",
    "awarding_body",
    "learning_outcomes",
    "workload",
    "level",
    "assessment",
    "participation",
    "quality_assurance",
    "fields_of_education",
    "prerequisites",
    "grade_scheme",
    "stackability",
    "further_information",
)


def annex_elements(mq: MicroQualification) -> dict[str, Any]:
    """The elements an interchange format carries (what a round trip must preserve)."""
    return mq.model_dump(mode="json", include=set(ANNEX_FIELDS))


def publish(mq: MicroQualification) -> MicroQualification:
    """The published copy; refused (InputError with the list) while mandatory elements miss."""
    missing = mq.missing_mandatory()
    if missing:
        raise InputError(
            "cannot publish: missing mandatory element(s): " + ", ".join(missing),
            field="micro_qualification",
            missing=missing,
        )
    return mq.model_copy(update={"status": "published"})
