"""Framework loaders, one per format (ESCO, O*NET, CSV, JSON lines, CASE, national standards)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks._standard_build import Grain
from outcome_matcher.frameworks.case import load_case
from outcome_matcher.frameworks.case_export import framework_to_cfpackage
from outcome_matcher.frameworks.esco import load_esco, load_esco_occupations
from outcome_matcher.frameworks.onet import load_onet
from outcome_matcher.frameworks.profstandard import load_profstandard
from outcome_matcher.frameworks.standard_tables import load_standard_table
from outcome_matcher.frameworks.tabular import load_tabular
from outcome_matcher.schemas import Framework, FrameworkFormat

__all__ = [
    "Grain",
    "framework_to_cfpackage",
    "load_case",
    "load_esco",
    "load_esco_occupations",
    "load_framework",
    "load_onet",
    "load_profstandard",
    "load_standard_table",
    "load_tabular",
]


def load_framework(
    path: Path,
    format: FrameworkFormat,
    *,
    name: str,
    version: str | None = None,
    lang: str | None = None,
    extra_labels: Path | Sequence[Path] | None = None,
    grain: Grain | None = None,
    level_scale: str | None = None,
) -> Framework:
    """Load a framework from `path` in the given format.

    `path` is a directory for "esco" and "onet", one file for "csv", "jsonl" and "case" (a
    CASE 1.1 CFPackage JSON; files may be gzipped). ESCO only: `lang` picks the label
    language when the directory holds several `skills_<lang>` files, and `extra_labels` is
    one or more multilingual label files that fill each competency's `labels_by_lang`.
    "profstandard" (register XML) and "table" (XLSX / DOCX in the template) take a file or,
    for XML, a folder; `grain` is "function" (a competency per work function, the default) or "item"
    (per skill, knowledge item and labour action); "table" also takes `level_scale` and
    `lang` where the table has no such column. Bad input raises InputError / InputErrors.
    """
    path = Path(path)
    _check_options(
        format, lang=lang, extra_labels=extra_labels, grain=grain, level_scale=level_scale
    )
    if format == "profstandard":
        return load_profstandard(path, name=name, version=version, grain=grain or "function")
    if format == "table":
        return load_standard_table(
            path,
            name=name,
            version=version,
            grain=grain or "function",
            level_scale=level_scale,
            lang=lang,
        )
    if format == "esco":
        return load_esco(path, name=name, version=version, lang=lang, extra_labels=extra_labels)
    if format == "onet":
        return load_onet(path, name=name, version=version)
    if format == "case":
        return load_case(path, name=name, version=version)
    if format in ("csv", "jsonl"):
        return load_tabular(path, format, name=name, version=version)
    raise InputError(f"unknown framework format {format!r}", field="format")


# Options beyond name and version, by the formats that take them.
_OPTIONS: dict[str, set[str]] = {
    "esco": {"lang", "extra_labels"},
    "profstandard": {"grain"},
    "table": {"grain", "level_scale", "lang"},
}


def _check_options(format: FrameworkFormat, **options: object) -> None:
    """InputError for an option the format does not take."""
    for option, value in options.items():
        if value is not None and option not in _OPTIONS.get(format, set()):
            users = " and ".join(f for f, opts in _OPTIONS.items() if option in opts)
            raise InputError(f"{option} is only supported for {users}", field=option)
