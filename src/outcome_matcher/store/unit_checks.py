"""Validation of a framework's units before it is stored."""

from __future__ import annotations

from collections import Counter

from outcome_matcher.errors import InputError
from outcome_matcher.schemas import Framework


def validate_extras(fw: Framework) -> list[InputError]:
    """Units repeated within a standard, and requirements on units a standard lacks."""
    problems: list[InputError] = []
    for s in fw.standards:
        keys = Counter(u.id for u in s.units)
        problems += [
            InputError(f"standard {s.id!r}: unit {k!r} appears {n} times", field="units")
            for k, n in keys.items()
            if n > 1
        ]
        unknown = sorted({r.unit for r in s.requirements if r.unit} - set(keys)) if keys else []
        if unknown:
            problems.append(
                InputError(
                    f"standard {s.id!r}: requirements in unknown units: {', '.join(unknown[:10])}",
                    field="requirements",
                )
            )
    return problems
