"""Framework loaders: one per format (ESCO, O*NET, generic CSV / JSON lines, CASE) -> Framework."""

from __future__ import annotations

from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks.case import load_case
from outcome_matcher.frameworks.case_export import framework_to_cfpackage
from outcome_matcher.frameworks.esco import load_esco
from outcome_matcher.frameworks.onet import load_onet
from outcome_matcher.frameworks.tabular import load_tabular
from outcome_matcher.schemas import Framework, FrameworkFormat

__all__ = [
    "framework_to_cfpackage",
    "load_case",
    "load_esco",
    "load_framework",
    "load_onet",
    "load_tabular",
]


def load_framework(
    path: Path,
    format: FrameworkFormat,
    *,
    name: str,
    version: str | None = None,
    lang: str | None = None,
    extra_labels: Path | None = None,
) -> Framework:
    """Load a framework from `path` in the given format.

    `path` is a directory for "esco" and "onet", one file for "csv", "jsonl" and "case" (a
    CASE 1.1 CFPackage JSON; files may be gzipped). ESCO only: `lang` picks the label
    language when the directory holds several `skills_<lang>` files, and `extra_labels` is
    a multilingual label file that fills each competency's `labels_by_lang`. Bad input
    raises InputError / InputErrors.
    """
    path = Path(path)
    if format != "esco" and (extra_labels is not None or lang is not None):
        field = "extra_labels" if extra_labels is not None else "lang"
        raise InputError(f"{field} is only supported for ESCO", field=field)
    if format == "esco":
        return load_esco(path, name=name, version=version, lang=lang, extra_labels=extra_labels)
    if format == "onet":
        return load_onet(path, name=name, version=version)
    if format == "case":
        return load_case(path, name=name, version=version)
    if format in ("csv", "jsonl"):
        return load_tabular(path, format, name=name, version=version)
    raise InputError(f"unknown framework format {format!r}", field="format")
