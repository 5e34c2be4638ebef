"""Which reader a catalogue path needs (by content, or a given format); folders and includes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, get_args

from outcome_matcher.catalogues._build import ModuleRecord
from outcome_matcher.catalogues._csv import read_csv
from outcome_matcher.catalogues._nested import Include, read_nested
from outcome_matcher.catalogues._read import LINE_KEY, closest, nested_data, read_text, yaml_data
from outcome_matcher.catalogues._rpd_docx import read_work_programme_docx
from outcome_matcher.catalogues._rpd_yaml import is_work_programme, read_work_programme
from outcome_matcher.errors import InputError

CatalogueFormat = Literal["csv", "nested", "rpd-yaml", "rpd-docx"]
FORMATS: tuple[str, ...] = get_args(CatalogueFormat)
SUFFIXES = (".csv", ".json", ".yaml", ".yml", ".docx")
COURSE_SUFFIXES = (".yaml", ".yml", ".json", ".docx")
PROGRAMME_FILES = ("programme.yaml", "programme.yml")
PROGRAMME_KEYS = ("code", "title", "level", "lang", "name", "institution", "version")

Parsed = tuple[list[ModuleRecord], dict[str, str], list[InputError]]
_Module = tuple[ModuleRecord | None, list[InputError]]


def read_path(path: Path, fmt: str | None) -> Parsed:
    """Module records, catalogue-wide values and errors of a file or a folder of courses."""
    if fmt is not None and fmt not in FORMATS:
        message = f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}"
        raise InputError(message, file=str(path), field="format")
    if path.is_dir():
        return _read_folder(path, fmt)
    suffix = path.suffix.lower()
    if fmt is None and suffix not in SUFFIXES:
        message = f"unknown file type {suffix or '(none)'!r}; expected one of {', '.join(SUFFIXES)}"
        raise InputError(message, file=str(path))
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    return _read_file(path, fmt)


def _read_file(path: Path, fmt: str | None) -> Parsed:
    if fmt == "csv" or (fmt is None and path.suffix.lower() == ".csv"):
        return read_csv(read_text(path), str(path))
    if fmt == "rpd-docx" or (fmt is None and path.suffix.lower() == ".docx"):
        return _single(read_work_programme_docx(path, None))
    data = nested_data(read_text(path), path)
    if fmt == "rpd-yaml" or (fmt is None and is_work_programme(data)):
        return _single(read_work_programme(data, path, None))
    return read_nested(data, str(path), include=_includer(path))


def _single(result: _Module) -> Parsed:
    record, errors = result
    return ([record] if record is not None else []), {}, errors


def read_module_file(path: Path, base: ModuleRecord, fmt: str | None) -> _Module:
    """One course file (YAML or DOCX work programme) as a module of `base`'s programme."""
    try:
        if fmt == "rpd-docx" or (fmt is None and path.suffix.lower() == ".docx"):
            return read_work_programme_docx(path, base)
        data = nested_data(read_text(path), path)
    except InputError as error:
        return None, [error]
    if fmt is None and not is_work_programme(data):
        message = "not a work programme: no знать / уметь / владеть (білу, bilishi, ...) key"
        return None, [InputError(message, file=str(path), field="(top)")]
    return read_work_programme(data, path, base)


def _includer(catalogue: Path) -> Include:
    root = catalogue.parent.resolve()

    def include(ref: str, base: ModuleRecord, where: str) -> _Module:
        target = (root / ref).resolve()
        # Only files beside the catalogue or below it: an uploaded catalogue must not name
        # other files on the server.
        if Path(ref).is_absolute() or not target.is_relative_to(root):
            message = f"module file {ref!r} must be a relative path inside the catalogue's folder"
            return None, [InputError(message, file=str(catalogue), field=where)]
        if target.suffix.lower() not in COURSE_SUFFIXES or not target.is_file():
            message = f"module file {ref!r} not found (a .yaml, .yml, .json or .docx course)"
            return None, [InputError(message, file=str(catalogue), field=where)]
        return read_module_file(root / ref, base, None)

    return include


def course_files(folder: Path) -> list[Path]:
    """The course files of a folder, by name; programme.yaml and Word's ~$ lock files aside."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in COURSE_SUFFIXES
        and p.name.lower() not in PROGRAMME_FILES
        and not p.name.startswith((".", "~$"))
    )


def _read_folder(folder: Path, fmt: str | None) -> Parsed:
    if fmt in ("csv", "nested"):
        message = "a folder is read as one programme of work programmes (rpd-yaml, rpd-docx)"
        raise InputError(message, file=str(folder), field="format")
    base, meta = _programme_file(folder)
    files = course_files(folder)
    if not files:
        message = "no course files (.yaml, .yml, .json or .docx work programmes) in the folder"
        raise InputError(message, file=str(folder))
    records: list[ModuleRecord] = []
    errors: list[InputError] = []
    for file in files:
        record, problems = read_module_file(file, base, fmt)
        errors.extend(problems)
        if record is not None:
            records.append(record)
    return records, meta, errors


def _programme_file(folder: Path) -> tuple[ModuleRecord, dict[str, str]]:
    """The programme from programme.yaml (code, title, level, lang; name, institution,
    version of the catalogue), or named after the folder."""
    found = next((folder / n for n in PROGRAMME_FILES if (folder / n).is_file()), None)
    values = _programme_values(found) if found else {}
    base = ModuleRecord(
        row=None,
        programme_code=values.get("code") or folder.name,
        programme_title=values.get("title") or folder.name,
        module_code="",
        module_title="",
        outcomes=[],
        programme_level=values.get("level"),
        programme_lang=values.get("lang"),
        title_fields=(f"{found.name if found else folder.name}: title", "title"),
    )
    meta = {k: values[k] for k in ("name", "institution", "version") if values.get(k)}
    return base, meta


def _programme_values(path: Path) -> dict[str, str]:
    data: Any = yaml_data(read_text(path), path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping: " + ", ".join(PROGRAMME_KEYS), file=str(path))
    values: dict[str, str] = {}
    for key, value in data.items():
        if key == LINE_KEY:
            continue
        if key not in PROGRAMME_KEYS:
            guess = closest(str(key), list(PROGRAMME_KEYS))
            hint = (
                f"; did you mean {guess!r}?" if guess else f"; expected {', '.join(PROGRAMME_KEYS)}"
            )
            raise InputError(f"unknown key {key!r}{hint}", file=str(path), field=str(key))
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InputError(
                f"expected text, got {type(value).__name__}", file=str(path), field=key
            )
        values[key] = str(value).strip()
    return values
