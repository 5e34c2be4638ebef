"""Design targets: a standard's unit, a hand-picked list, or a programme review's gaps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outcome_matcher import levels
from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.programme import load_review
from outcome_matcher.schemas import Competency, Requirement, Standard
from outcome_matcher.store import Store


@dataclass(frozen=True)
class Target:
    """One requirement to cover, with what the level check needs."""

    competency: Competency
    essential: bool = True
    unit: str | None = None


@dataclass(frozen=True)
class Targets:
    framework: str
    standard: Standard | None
    unit: str | None
    items: tuple[Target, ...]
    eqf: int | None
    # The level as written (for the Bloom floor): the unit's, else the standard's.
    level_text: str | None
    national: tuple[str, int] | None  # (scale, value) when the standard uses a national NQF


def resolve_targets(
    store: Store,
    matcher: Matcher,
    *,
    framework: str,
    standard: str | None = None,
    unit: str | None = None,
    competency_ids: Sequence[str] = (),
    gaps_of: str | None = None,
    gaps_catalogue: str | None = None,
) -> Targets:
    """The target requirements; InputError (422) when empty or not of `framework`."""
    std = find_standard(store, framework, standard) if standard else None
    if (unit or gaps_of) and std is None:
        raise InputError("a unit or the gaps of a programme need a standard", field="standard")
    if competency_ids:
        ids = list(dict.fromkeys(competency_ids))
    elif gaps_of and std is not None:
        review = load_review(
            store, matcher, programme=gaps_of, framework=framework, standard=std.id,
            catalogue=gaps_catalogue,
        )  # fmt: skip
        ids = [r.competency_id for r in review.coverage.gaps()]
    elif std is not None:
        ids = _unit_ids(std, unit)
    else:
        ids = []
    if not ids:
        raise InputError("the design target has no requirements", field="targets")
    comps = _competencies(store, framework, ids)
    reqs = {r.competency_id: r for r in std.requirements} if std else {}
    items = tuple(_target(c, reqs.get(c.id)) for c in comps)
    level_text, scale = _level_of(std, unit)
    return Targets(
        framework=framework,
        standard=std,
        unit=unit,
        items=items,
        eqf=_eqf(level_text, scale),
        level_text=level_text,
        national=_national(level_text, scale),
    )


def _target(c: Competency, req: Requirement | None) -> Target:
    return Target(c, req.essential if req else True, req.unit if req else None)


def _eqf(level: str | None, scale: str | None) -> int | None:
    """The EQF level by the referencing tables; a standard without a level has none."""
    if not level:
        return None
    try:
        return levels.to_eqf(scale or "eqf", level)
    except InputError:
        return None  # an unreadable level leaves the level to the designer, it is no failure


def _national(level: str | None, scale: str | None) -> tuple[str, int] | None:
    if not level or scale not in ("ru_nqf", "kz_nqf", "uz_nqf"):
        return None
    try:
        return scale, levels.parse_level(level, scale).value
    except InputError:
        return None


def find_standard(store: Store, framework: str, standard: str) -> Standard:
    """A standard by its key or its exact label ("software developer"), as reports take it."""
    try:
        return store.get_standard(framework, standard)
    except NotFoundError:
        wanted = standard.strip().casefold()
        found = store.list_standards(framework, standard, limit=500)
        exact = [s.key for s in found if s.label.casefold() == wanted]
        if len(exact) != 1:
            raise
        return store.get_standard(framework, exact[0])


def _unit_ids(std: Standard, unit: str | None) -> list[str]:
    if unit is None:
        return [r.competency_id for r in std.requirements]
    known = {r.unit for r in std.requirements} | {u.id for u in std.units}
    if unit not in known:
        raise InputError(f"standard {std.id!r} has no unit {unit!r}", field="unit")
    return list(dict.fromkeys(r.competency_id for r in std.requirements if r.unit == unit))


def _competencies(store: Store, framework: str, ids: list[str]) -> list[Competency]:
    """The targets as competencies of `framework`; ids of another framework are refused."""
    try:
        return store.get_competencies(framework, ids)
    except NotFoundError as exc:
        missing = exc.context.get("missing", [])
        raise InputError(
            f"target requirement(s) not in framework {framework!r} (the framework the "
            f"catalogues are matched against): {', '.join(map(str, missing[:5]))}",
            field="targets",
            missing=missing,
        ) from exc


def _level_of(std: Standard | None, unit: str | None) -> tuple[str | None, str | None]:
    if std is None:
        return None, None
    found = next((u for u in std.units if u.id == unit), None) if unit else None
    if found is not None and found.level:
        return found.level, found.level_scale or std.level_scale
    return std.level, std.level_scale
