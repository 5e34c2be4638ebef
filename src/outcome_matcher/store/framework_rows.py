"""Framework validation and conversion between schemas objects and table rows."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.schemas import Competency, CompetencyType, Framework, Requirement, Standard
from outcome_matcher.store.tables import CompetencyRow
from outcome_matcher.store.unit_checks import validate_extras


def validate_framework(fw: Framework) -> None:
    """Reject duplicate ids and requirements on unknown competencies, all problems at once."""
    problems: list[InputError] = []
    ids = Counter(c.id for c in fw.competencies)
    known = set(ids)
    problems += [
        InputError(f"competency id {i!r} appears {n} times", field="id")
        for i, n in ids.items()
        if n > 1
    ]
    keys = Counter(s.id for s in fw.standards)
    problems += [
        InputError(f"standard id {k!r} appears {n} times", field="id")
        for k, n in keys.items()
        if n > 1
    ]
    for standard in fw.standards:
        unknown = sorted({r.competency_id for r in standard.requirements} - known)
        if unknown:
            problems.append(
                InputError(
                    f"standard {standard.id!r} requires unknown competencies: "
                    + ", ".join(unknown[:10])
                    + (f" (and {len(unknown) - 10} more)" if len(unknown) > 10 else ""),
                    field="requirements",
                )
            )
    problems += validate_extras(fw)
    if problems:
        raise InputErrors(problems, file=fw.source or None)


def competency_values(framework_id: int, position: int, c: Competency) -> dict[str, Any]:
    return {
        "framework_id": framework_id,
        "position": position,
        "uri": c.id,
        "label": c.label,
        "alt_labels": list(c.alt_labels),
        "hidden_labels": list(c.hidden_labels),
        "description": c.description,
        "type": c.type,
        "level": c.level,
        "unit": c.unit,
        "lang": c.lang,
        "reuse_level": c.reuse_level,
        "broader": list(c.broader),
        "labels_by_lang": {lang: list(labels) for lang, labels in c.labels_by_lang.items()},
    }


def competency_from_row(row: CompetencyRow) -> Competency:
    return Competency(
        id=row.uri,
        label=row.label,
        alt_labels=tuple(row.alt_labels),
        hidden_labels=tuple(row.hidden_labels),
        description=row.description,
        # Written from a validated Competency, so it holds one of the allowed literals.
        type=cast(CompetencyType | None, row.type),
        level=row.level,
        unit=row.unit,
        lang=row.lang,
        reuse_level=row.reuse_level,
        broader=tuple(row.broader),
        labels_by_lang={lang: tuple(labels) for lang, labels in row.labels_by_lang.items()},
    )


def standard_values(framework_id: int, position: int, s: Standard) -> dict[str, Any]:
    return {
        "framework_id": framework_id,
        "position": position,
        "key": s.id,
        "label": s.label,
        "description": s.description,
    }


def requirement_values(standard_id: int, position: int, r: Requirement) -> dict[str, Any]:
    return {
        "standard_id": standard_id,
        "position": position,
        "competency_uri": r.competency_id,
        "essential": r.essential,
        "unit": r.unit,
    }


def changed_competencies(
    old: dict[str, tuple[str, str]], new: tuple[Competency, ...], version: str
) -> dict[str, str]:
    """uri -> why its decisions need re-review, for competencies removed or reworded."""
    reasons: dict[str, str] = {}
    version = version or "(unversioned)"
    fresh = {c.id: (c.label, c.description) for c in new}
    for uri, (label, description) in old.items():
        if uri not in fresh:
            reasons[uri] = f"competency removed in framework version {version}"
        elif fresh[uri][0] != label:
            reasons[uri] = f"competency label changed in framework version {version}"
        elif fresh[uri][1] != description:
            reasons[uri] = f"competency description changed in framework version {version}"
    return reasons
