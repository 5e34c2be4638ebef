"""Russian Ministry of Labour professional-standard XML (XMLCardInfo) -> Framework."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks._standard_build import (
    FunctionRecord,
    Grain,
    StandardRecord,
    UnitRecord,
    build_framework,
    code_mismatch,
)
from outcome_matcher.frameworks._xml import clean, first, indexed, parse_xml, texts
from outcome_matcher.levels import Level, parse_level
from outcome_matcher.schemas import CompetencyText, CompetencyTextKind, Framework

__all__ = ["load_profstandard", "read_profstandard_file"]

SCALE = "ru_nqf"
ROOT = "XMLCardInfo"
_GWF = "ThirdSection/WorkFunctions/GeneralizedWorkFunctions/GeneralizedWorkFunction"
_PWF = "ParticularWorkFunctions/ParticularWorkFunction"
# Element names per text kind; later editions and hand-made files vary the list wrappers.
_TEXTS: tuple[tuple[CompetencyTextKind, tuple[str, ...]], ...] = (
    ("labour_action", ("LaborActions/LaborAction", "LabourActions/LabourAction")),
    ("skill", ("RequiredSkills/RequiredSkill", "NecessarySkills/NecessarySkill")),
    (
        "knowledge",
        ("NecessaryKnowledges/NecessaryKnowledge", "RequiredKnowledges/RequiredKnowledge"),
    ),
    (
        "other",
        ("OtherCharacteristics/OtherCharacteristic", "OtherCharacteristics/OtherCharacteristics"),
    ),
)
# Before July 2015 the register used OKZ ОК 010-93 (ISCO-88 based); from then ОК 010-2014 = ISCO-08.
_OKZ_2014 = date(2015, 7, 1)


class _Reader:
    """Reads one file, collecting every problem so a user can fix it in one pass."""

    def __init__(self, path: Path) -> None:
        self.file = str(path)
        self.problems: list[InputError] = []

    def required(self, parent: ET.Element, paths: tuple[str, ...], where: str) -> str:
        found, name = first(parent, paths)
        value = clean(found.text) if found is not None else ""
        if not value:
            what = "empty" if found is not None else "missing"
            self.problems.append(
                InputError(f"{what} element", file=self.file, field=f"{where}/{name}")
            )
        return value

    def level(self, parent: ET.Element, tag: str, where: str) -> Level | None:
        raw = self.required(parent, (tag,), where)
        if not raw:
            return None
        try:
            return parse_level(raw, SCALE, file=self.file, where=f"{where}/{tag}")
        except InputError as exc:
            self.problems.append(exc)
            return None

    def function(self, e: ET.Element, where: str, unit_code: str) -> FunctionRecord | None:
        code = self.required(e, ("CodeTF",), where)
        mismatch = code_mismatch(unit_code, code) if code and unit_code else None
        if mismatch:
            self.problems.append(InputError(mismatch, file=self.file, field=f"{where}/CodeTF"))
        name = self.required(e, ("NameTF",), where)
        level = self.level(e, "SubQualification", where)
        typed = tuple(
            CompetencyText(kind=kind, text=t) for kind, paths in _TEXTS for t in texts(e, paths)
        )
        if not (code and name and level) or mismatch:
            return None
        return FunctionRecord(code=code, name=name, level=level, texts=typed)

    def unit(self, e: ET.Element, where: str, isco_edition: str | None) -> UnitRecord | None:
        code = self.required(e, ("CodeOTF",), where)
        name = self.required(e, ("NameOTF",), where)
        level = self.level(e, "LevelOfQualification", where)
        functions = [self.function(f, w, code) for f, w in indexed(e, _PWF, where)]
        if not functions:
            self.problems.append(
                InputError("no work functions", file=self.file, field=f"{where}/{_PWF}")
            )
        if not (code and name and level) or None in functions:
            return None
        return UnitRecord(
            code=code,
            name=name,
            level=level,
            functions=tuple(f for f in functions if f is not None),
            job_titles=texts(e, ("PossibleJobTitles/PossibleJobTitle",)),
            education=texts(e, ("EducationalRequirements/EducationalRequirement",)),
            experience=texts(e, ("RequirementsWorkExperiences/RequirementsWorkExperience",)),
            conditions=texts(
                e, ("SpecialConditionsForAdmissionToWork/SpecialConditionForAdmissionToWork",)
            ),
            isco_codes=texts(e, ("OtherCharacteristicPlus/ListOKZ/UnitOKZ/CodeOKZ",)),
            isco_edition=isco_edition,
            other=texts(e, _TEXTS[-1][1]),
        )

    def standard(self, e: ET.Element, where: str) -> StandardRecord | None:
        name = self.required(e, ("NameProfessionalStandart",), where)
        code = self.required(e, ("FirstSection/CodeKindProfessionalActivity",), where)
        approved = _approval(e)
        edition = (
            "ISCO-08" if approved and approved >= _OKZ_2014 else "ISCO-88" if approved else None
        )
        units = [self.unit(u, w, edition) for u, w in indexed(e, _GWF, where)]
        if not units:
            self.problems.append(
                InputError("no generalised work functions", file=self.file, field=f"{where}/{_GWF}")
            )
        if not (name and code) or None in units:
            return None
        return StandardRecord(
            code=code,
            name=name,
            description=_description(e),
            units=tuple(u for u in units if u is not None),
            source=self.file,
            version=_version(e, approved),
        )


def _approval(e: ET.Element) -> date | None:
    try:
        return datetime.strptime(clean(e.findtext("DateOfApproval")), "%d.%m.%Y").date()
    except ValueError:
        return None


def _version(e: ET.Element, approved: date | None) -> str:
    """The edition: approval date and order number, e.g. "2013-11-18 (приказ 679н)"."""
    order = clean(e.findtext("OrderNumber"))
    day = approved.isoformat() if approved else ""
    return f"{day} (приказ {order})".strip() if order else day


def _description(e: ET.Element) -> str:
    kind = clean(e.findtext("FirstSection/KindProfessionalActivity"))
    purpose = clean(e.findtext("FirstSection/PurposeKindProfessionalActivity"))
    parts = (
        kind and f"Вид профессиональной деятельности: {kind}",
        purpose and f"Основная цель: {purpose}",
    )
    return "\n".join(p for p in parts if p)


def read_profstandard_file(path: Path) -> list[StandardRecord]:
    """The standards of one register XML file; InputErrors naming each bad element path."""
    root = parse_xml(path)
    if root.tag != ROOT:
        raise InputError(
            f"root element is <{root.tag}>, expected <{ROOT}>", file=str(path), field=root.tag
        )
    reader = _Reader(path)
    found = list(indexed(root, "ProfessionalStandarts/ProfessionalStandart", ""))
    if not found:
        raise InputError(
            "no ProfessionalStandarts/ProfessionalStandart element", file=str(path), field=ROOT
        )
    # Paths start at the standard, as a user sees them: ProfessionalStandart[1]/...
    records = [reader.standard(e, w.removeprefix("/ProfessionalStandarts/")) for e, w in found]
    if reader.problems:
        raise InputErrors(reader.problems, file=str(path))
    return [r for r in records if r is not None]


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
        if not files:
            raise InputError("no .xml files in the folder", file=str(path))
        return files
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    return [path]


def load_profstandard(
    path: Path,
    *,
    name: str,
    version: str | None = None,
    grain: Grain = "function",
) -> Framework:
    """Load a professional-standard XML file, or a folder of them, as one framework.

    Every standard becomes a standard, every ОТФ a unit and a standard of its own, every ТФ
    a competency (grain "function") or each of its labour actions, skills and knowledge
    items a competency with the ТФ as unit (grain "item"). All problems in all files are
    reported together (InputErrors) and nothing is loaded.
    """
    path = Path(path)
    records: list[StandardRecord] = []
    problems: list[InputError] = []
    for file in _files(path):
        try:
            records += read_profstandard_file(file)
        except InputErrors as exc:
            problems += exc.errors
        except InputError as exc:
            problems.append(exc)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputErrors(problems, file=str(path))
    return build_framework(
        records, name=name, format="profstandard", source=str(path), version=version, grain=grain
    )
