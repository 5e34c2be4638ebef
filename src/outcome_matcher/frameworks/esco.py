"""ESCO loader: the official CSV export directory (plain or gzipped, any language) -> Framework."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks._io import read_rows, require_columns, split_lines, unique
from outcome_matcher.schemas import Competency, CompetencyType, Framework, Requirement, Standard

# skills_en.csv, skills_fr_partial.csv.gz, occupationSkillRelations.csv, ..._en.csv.gz
_FILE = re.compile(
    r"^(?P<stem>[a-z]+)(?:_(?P<lang>[a-z]{2,3}))?(?:_[a-z]+)*\.csv(?:\.gz)?$", re.IGNORECASE
)
_VERSION = re.compile(r"(?<![\d.])v?(\d+(?:\.\d+)+)(?![\d.])", re.IGNORECASE)
_SKILL_TYPES: dict[str, CompetencyType] = {"skill/competence": "skill", "knowledge": "knowledge"}
_SKILLS = "skills"
_OCCUPATIONS = "occupations"
_RELATIONS = "occupationskillrelations"
_BROADER = "broaderrelationsskillpillar"
# Other-language labels shipped under corpora/: German, French, Dutch (ESCO's own), and Russian,
# Kazakh, Uzbek (machine-translated for this project, unreviewed: see their SOURCE.md).
BUNDLED_LABELS = (
    "esco_multilingual_labels/esco_skill_labels_multilingual.csv.gz",
    "esco_labels_ru_kk_uz/esco_labels_ru_kk_uz.csv.gz",
)


def bundled_label_files(corpora: Path) -> list[Path]:
    """The bundled label files present under `corpora` (the repository's corpora/)."""
    return [corpora / name for name in BUNDLED_LABELS if (corpora / name).is_file()]


def load_esco(
    path: Path,
    *,
    name: str = "ESCO",
    version: str | None = None,
    lang: str | None = None,
    extra_labels: Path | Sequence[Path] | None = None,
) -> Framework:
    """Load ESCO skills as competencies and occupations as standards.

    `path` is the unzipped ESCO CSV directory, files plain or `.csv.gz`. `lang` picks the
    label language when several `skills_<lang>*.csv` files are present (default: the only
    one, else English). `extra_labels` is one or more long-format label files (conceptUri,
    lang, label, labelType) whose skill labels fill `labels_by_lang`. Only released skills
    and occupations are kept; requirements on skills that were not loaded are dropped.
    """
    files = _esco_files(path)
    skills_lang, skills_path = _pick(files, _SKILLS, lang, path)
    broader = _read_broader(files[_BROADER][0][1]) if _BROADER in files else {}
    others = read_extra_labels(label_files(extra_labels), skills_lang)
    competencies = _read_skills(skills_path, skills_lang, broader, others)
    return Framework(
        name=name,
        version=detect_version(path, version),
        format="esco",
        source=str(path),
        competencies=competencies,
        standards=_standards(files, skills_lang, {c.id for c in competencies}, path),
    )


def detect_version(path: Path, version: str | None = None) -> str:
    """'v1.1.1' from the caller's version ('1.1.1' or 'v1.1.1') or the directory name, else ''."""
    for text in (version, path.resolve().name):
        if text:
            match = _VERSION.search(text)
            if match:
                return f"v{match.group(1)}"
    return version or ""


def _esco_files(directory: Path) -> dict[str, list[tuple[str, Path]]]:
    """Group the directory's ESCO CSV files by lower-case stem, each with its language or ''."""
    if not directory.is_dir():
        raise InputError("ESCO directory not found", file=str(directory))
    files: dict[str, list[tuple[str, Path]]] = defaultdict(list)
    for file in sorted(directory.iterdir()):
        match = _FILE.match(file.name)
        if match and file.is_file():
            files[match["stem"].lower()].append(((match["lang"] or "").lower(), file))
    return files


def _pick(
    files: dict[str, list[tuple[str, Path]]], stem: str, lang: str | None, directory: Path
) -> tuple[str, Path]:
    """The file of one kind in the wanted language: the given one, the only one, else English."""
    found = files.get(stem, [])
    wanted = [f for f in found if f[0] == lang] if lang else found
    if len(wanted) > 1:
        wanted = [f for f in wanted if f[0] == "en"] or wanted
    if len(wanted) == 1 or (wanted and len({f[0] for f in wanted}) == 1):
        return wanted[0]
    names = ", ".join(sorted(f[1].name for f in found)) or "none"
    problem = "several languages; pass lang" if wanted else f"no {stem}_<lang>.csv[.gz] file"
    raise InputError(f"{problem} (found: {names})", file=str(directory), field=lang)


def _released(row: dict[str, str]) -> bool:
    # Files without a status column (e.g. partial translations) count as released.
    return row.get("status", "") in ("", "released")


def _read_skills(
    path: Path,
    lang: str,
    broader: dict[str, tuple[str, ...]],
    others: dict[str, dict[str, tuple[str, ...]]],
) -> tuple[Competency, ...]:
    require_columns(path, ("conceptUri", "preferredLabel"))
    skills: dict[str, Competency] = {}
    for _, row in read_rows(path):
        uri = row["conceptUri"].strip()
        if not uri or not _released(row) or uri in skills:
            continue
        skills[uri] = Competency(
            id=uri,
            label=row["preferredLabel"].strip(),
            alt_labels=split_lines(row.get("altLabels", "")),
            hidden_labels=split_lines(row.get("hiddenLabels", "")),
            description=row.get("description", "").strip(),
            type=_SKILL_TYPES.get(row.get("skillType", "").strip()),
            reuse_level=row.get("reuseLevel", "").strip() or None,
            lang=lang or "en",
            broader=broader.get(uri, ()),
            labels_by_lang=others.get(uri, {}),
        )
    return tuple(skills.values())


def _read_broader(path: Path) -> dict[str, tuple[str, ...]]:
    """Parent skills and skill groups of each concept, in file order."""
    require_columns(path, ("conceptUri", "broaderUri"))
    parents: dict[str, list[str]] = defaultdict(list)
    for _, row in read_rows(path):
        parents[row["conceptUri"]].append(row["broaderUri"].strip())
    return {uri: unique(values) for uri, values in parents.items()}


def label_files(extra_labels: Path | Sequence[Path] | None) -> tuple[Path, ...]:
    """One label file, several, or none, as a tuple."""
    if extra_labels is None:
        return ()
    return (extra_labels,) if isinstance(extra_labels, Path) else tuple(extra_labels)


def read_extra_labels(
    paths: Sequence[Path], own_lang: str, concept_type: str = "skill"
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Labels of one concept type in languages other than the framework's, preferred first.

    Several files may give labels for one concept and language: all are kept, in file order.
    """
    found: dict[str, dict[str, list[tuple[bool, str]]]] = defaultdict(lambda: defaultdict(list))
    for path in paths:
        require_columns(path, ("conceptUri", "lang", "label"))
        for _, row in read_rows(path):
            label_lang = row["lang"].strip()
            if row.get("conceptType", "skill").strip().lower() != concept_type or label_lang in (
                "",
                own_lang,
            ):
                continue
            preferred = row.get("labelType", "preferred") == "preferred"
            found[row["conceptUri"]][label_lang].append((not preferred, row["label"].strip()))
    return {
        uri: {lg: unique([text for _, text in sorted(pairs)]) for lg, pairs in by_lang.items()}
        for uri, by_lang in found.items()
    }


def _standards(
    files: dict[str, list[tuple[str, Path]]], lang: str, skill_ids: set[str], directory: Path
) -> tuple[Standard, ...]:
    """Occupations with their essential and optional skills, when both files are present."""
    if _OCCUPATIONS not in files or _RELATIONS not in files:
        return ()
    requirements = _read_requirements(_pick_like(files, _RELATIONS, lang, directory), skill_ids)
    occupations = _pick_like(files, _OCCUPATIONS, lang, directory)
    require_columns(occupations, ("conceptUri", "preferredLabel"))
    return tuple(
        Standard(
            id=row["conceptUri"].strip(),
            label=row["preferredLabel"].strip(),
            description=row.get("description", "").strip(),
            requirements=tuple(requirements.get(row["conceptUri"].strip(), {}).values()),
        )
        for _, row in read_rows(occupations)
        if row["conceptUri"].strip() and _released(row)
    )


def _pick_like(
    files: dict[str, list[tuple[str, Path]]], stem: str, lang: str, directory: Path
) -> Path:
    """The file of one kind in the skills' language if there is one, else the default pick."""
    has_lang = any(f[0] == lang for f in files.get(stem, []))
    return _pick(files, stem, lang if has_lang else None, directory)[1]


def _read_requirements(path: Path, skill_ids: set[str]) -> dict[str, dict[str, Requirement]]:
    """Requirements per occupation URI; a skill both essential and optional is essential."""
    require_columns(path, ("occupationUri", "relationType", "skillUri"))
    by_occupation: dict[str, dict[str, Requirement]] = defaultdict(dict)
    for _, row in read_rows(path):
        skill = row["skillUri"].strip()
        if skill not in skill_ids:
            continue
        essential = row["relationType"].strip() == "essential"
        current = by_occupation[row["occupationUri"].strip()]
        if skill not in current or (essential and not current[skill].essential):
            current[skill] = Requirement(competency_id=skill, essential=essential)
    return by_occupation


def load_esco_occupations(
    path: Path,
    *,
    name: str = "ESCO occupations",
    version: str | None = None,
    extra_labels: Path | Sequence[Path] | None = None,
) -> Framework:
    """ESCO occupations as competencies (to match job titles), `unit` = the ISCO-08 group.

    Reads `occupations_<lang>.csv[.gz]` of the ESCO directory; `extra_labels` adds the
    occupation rows of multilingual label files to `labels_by_lang`.
    """
    files = _esco_files(path)
    lang, occupations = _pick(files, _OCCUPATIONS, None, path)
    require_columns(occupations, ("conceptUri", "preferredLabel", "iscoGroup"))
    others = read_extra_labels(label_files(extra_labels), lang or "en", "occupation")
    competencies: dict[str, Competency] = {}
    for _, row in read_rows(occupations):
        uri = row["conceptUri"].strip()
        if not uri or not _released(row) or uri in competencies:
            continue
        competencies[uri] = Competency(
            id=uri,
            label=row["preferredLabel"].strip(),
            alt_labels=split_lines(row.get("altLabels", "")),
            hidden_labels=split_lines(row.get("hiddenLabels", "")),
            description=row.get("description", "").strip(),
            unit=row["iscoGroup"].strip() or None,
            lang=lang or "en",
            labels_by_lang=others.get(uri, {}),
        )
    return Framework(
        name=name,
        version=detect_version(path, version),
        format="esco",
        source=str(path),
        competencies=tuple(competencies.values()),
    )
