"""Value types shared by loaders, matching, the store, the API and the CLI."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The largest number every store's integer columns hold (PostgreSQL INTEGER): versions, ids
# and offsets from clients are bounded by it, so a huge one is a 422, never a driver error.
MAX_DB_INT = 2**31 - 1

CompetencyType = Literal["knowledge", "skill", "competence"]
FrameworkFormat = Literal["esco", "onet", "csv", "jsonl", "case", "profstandard", "table"]
# What a competency text is, in a professional standard: трудовое действие, необходимое умение,
# необходимое знание, другие характеристики.
CompetencyTextKind = Literal["labour_action", "skill", "knowledge", "other"]
# What an outcome states in the знать / уметь / владеть form: knowledge (знать), a skill
# (уметь) or mastery (владеть); None where the catalogue does not say.
OutcomeKind = Literal["knowledge", "skill", "mastery"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CompetencyText(_Frozen):
    """One typed text of a competency, e.g. a labour action of a work function (ТФ)."""

    kind: CompetencyTextKind
    text: str


class Competency(_Frozen):
    """One statement in a framework. `id` is its URI or the framework's own stable code."""

    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()
    description: str = ""
    type: CompetencyType | None = None
    level: str | None = None
    unit: str | None = None
    lang: str = "en"
    reuse_level: str | None = None
    broader: tuple[str, ...] = ()
    # Labels in other languages, e.g. {"fr": ("gérer du personnel",)}, used as extra index vectors.
    labels_by_lang: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # The scale `level` is on, e.g. "ru_nqf" (see outcome_matcher.levels).
    level_scale: str | None = None
    # Typed texts beyond the label (labour actions, skills, knowledge), each a possible match.
    texts: tuple[CompetencyText, ...] = ()


class Requirement(_Frozen):
    """A competency that a standard requires."""

    competency_id: str
    essential: bool = True
    unit: str | None = None


class Unit(_Frozen):
    """A group of a standard's requirements: a generalised work function (ОТФ) with its level,
    job titles, entry requirements and occupation codes; or, at the finer grain, a work
    function (ТФ) whose `parent` is its ОТФ."""

    id: str
    label: str
    level: str | None = None
    level_scale: str | None = None
    parent: str | None = None
    job_titles: tuple[str, ...] = ()
    education: tuple[str, ...] = ()
    experience: tuple[str, ...] = ()
    conditions: tuple[str, ...] = Field(default=(), description="special conditions for work")
    isco_codes: tuple[str, ...] = ()
    isco_edition: str | None = Field(default=None, description='e.g. "ISCO-08", "ISCO-88"')
    description: str = ""


class Standard(_Frozen):
    """What a programme is audited against: required competencies of one framework."""

    id: str
    label: str
    description: str = ""
    requirements: tuple[Requirement, ...] = ()
    units: tuple[Unit, ...] = ()
    level: str | None = None
    level_scale: str | None = None


class Framework(_Frozen):
    """A versioned catalogue of competencies, with the standards defined over it."""

    name: str
    version: str = ""
    format: FrameworkFormat
    source: str = ""
    competencies: tuple[Competency, ...]
    standards: tuple[Standard, ...] = ()


class Outcome(_Frozen):
    """One learning outcome statement of a module."""

    id: str
    text: str
    lang: str | None = None
    bloom_level: int | None = Field(default=None, ge=1, le=6)
    position: int = 0
    kind: OutcomeKind | None = None


class Module(_Frozen):
    code: str
    title: str
    credits: float | None = None
    level: str | None = None
    lang: str | None = None
    # The module's aim (a work programme's цель); not yet kept by the store.
    description: str | None = None
    outcomes: tuple[Outcome, ...] = ()


class Programme(_Frozen):
    code: str
    title: str
    level: str | None = None
    lang: str | None = None
    modules: tuple[Module, ...] = ()


class Catalogue(_Frozen):
    """The programmes of one institution or release."""

    name: str
    institution: str = ""
    version: str = ""
    programmes: tuple[Programme, ...] = ()


class Suggestion(_Frozen):
    """A machine-proposed link from a text to a competency, best first in any list."""

    competency_id: str
    label: str
    score: float
    confidence: float | None = None
    evidence: str = Field(default="", description="the competency text the query matched best")


class QueryResult(_Frozen):
    """The `suggest` record: one per input statement. This contract is stable."""

    id: str
    suggestions: tuple[Suggestion, ...]


_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Case-, width- and space-insensitive form used for stable ids and de-duplication."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def outcome_id(programme_code: str, module_code: str, text: str) -> str:
    """Stable outcome id: the same programme, module and text always give the same id."""
    key = "\x1f".join((programme_code, module_code, normalise_text(text)))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


class ModuleSuggestion(_Frozen):
    """A competency suggested for a whole module, with the outcome that is the best evidence."""

    competency_id: str
    label: str
    score: float
    confidence: float | None = None
    evidence: str = ""
    outcome_id: str
    outcome_text: str
    n_outcomes: int = Field(description="how many of the module's outcomes suggest it")


class ModuleMatch(_Frozen):
    """A module that covers a requirement, with its best evidence outcome."""

    module_code: str
    module_title: str
    score: float
    confidence: float | None = None
    outcome_id: str
    outcome_text: str
    evidence: str = ""
