"""O*NET loader: task statements and detailed work activities (DWAs) -> Framework."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.frameworks._io import files_by_key, open_text, read_rows, require_columns
from outcome_matcher.schemas import Competency, Framework, Requirement, Standard

_TAB = "\t"
_CODE = "O*NET-SOC Code"
_VERSION = re.compile(r"(?<![\d.])(\d+\.\d+)(?![\d.])")
# Keys are normalised file names: 'Task Statements.txt' and 'Task_Statements.tsv.gz' agree.
_TASKS = "task_statements"
_OCCUPATIONS = "occupation_data"
_TASK_DWAS = "tasks_to_dwas"
_DWAS = "dwa_reference"
_README = "readme_onet"


def task_id(task: str) -> str:
    """Competency id of an O*NET task statement."""
    return f"onet:task:{task}"


def dwa_id(dwa: str) -> str:
    """Competency id of an O*NET detailed work activity."""
    return f"onet:dwa:{dwa}"


def occupation_id(soc_code: str) -> str:
    """Standard id of an O*NET occupation."""
    return f"onet:occ:{soc_code}"


def load_onet(path: Path, *, name: str = "O*NET", version: str | None = None) -> Framework:
    """Load O*NET tasks and DWAs as competencies and occupations as standards.

    `path` is a directory of O*NET text files (tab-separated, `.txt`/`.tsv`, optionally
    gzipped) named as in the O*NET download or with underscores. `Task Statements` is
    required; `Occupation Data`, `Tasks to DWAs` and `DWA Reference` are used when present.
    A task's `broader` lists its DWAs; a DWA's `broader` is its IWA ('onet:iwa:<IWA ID>').
    Core tasks are essential, Supplemental tasks optional; tasks O*NET has not rated (no
    Task Type) count as essential, so an audit shows them rather than hides them.
    """
    files = files_by_key(path)
    if _TASKS not in files:
        raise InputError("no 'Task Statements' file in the O*NET directory", file=str(path))
    task_dwas = _read_task_dwas(files[_TASK_DWAS]) if _TASK_DWAS in files else {}
    tasks, requirements, titles = _read_tasks(files[_TASKS], task_dwas)
    return Framework(
        name=name,
        version=_detect_version(path, version, files.get(_README)),
        format="onet",
        source=str(path),
        competencies=tasks + _read_dwas(files, task_dwas),
        standards=_standards(files.get(_OCCUPATIONS), requirements, titles),
    )


def _detect_version(path: Path, version: str | None, readme: Path | None) -> str:
    """The caller's version, else '29.3' from the directory name or the ReadMe's first line."""
    if version:
        return version
    texts = [path.resolve().name]
    if readme is not None:
        with open_text(readme) as handle:
            texts.append(handle.readline())
    for text in texts:
        match = _VERSION.search(text)
        if match:
            return match.group(1)
    return ""


def _read_task_dwas(path: Path) -> dict[str, dict[str, str]]:
    """DWA ids and titles of each task id, in file order."""
    require_columns(path, ("Task ID", "DWA ID", "DWA Title"), delimiter=_TAB)
    links: dict[str, dict[str, str]] = defaultdict(dict)
    for _, row in read_rows(path, delimiter=_TAB):
        links[row["Task ID"].strip()][row["DWA ID"].strip()] = row["DWA Title"].strip()
    return links


def _read_tasks(
    path: Path, task_dwas: dict[str, dict[str, str]]
) -> tuple[tuple[Competency, ...], dict[str, list[Requirement]], dict[str, str]]:
    """Task competencies, the requirements of each SOC code, and each SOC code's title."""
    require_columns(path, (_CODE, "Task ID", "Task"), delimiter=_TAB)
    tasks: dict[str, Competency] = {}
    requirements: dict[str, list[Requirement]] = defaultdict(list)
    titles: dict[str, str] = {}
    for _, row in read_rows(path, delimiter=_TAB):
        code, task, text = row[_CODE].strip(), row["Task ID"].strip(), row["Task"].strip()
        if not (code and task and text):
            continue
        titles.setdefault(code, row.get("Title", "").strip())
        if task not in tasks:
            dwas = tuple(dwa_id(d) for d in task_dwas.get(task, {}))
            tasks[task] = Competency(id=task_id(task), label=text, type="skill", broader=dwas)
        essential = row.get("Task Type", "").strip() != "Supplemental"
        requirements[code].append(Requirement(competency_id=task_id(task), essential=essential))
    return tuple(tasks.values()), requirements, titles


def _read_dwas(
    files: dict[str, Path], task_dwas: dict[str, dict[str, str]]
) -> tuple[Competency, ...]:
    """DWAs from DWA Reference (with their IWA), else the ones Tasks to DWAs names."""
    dwas: dict[str, Competency] = {}
    if _DWAS in files:
        path = files[_DWAS]
        require_columns(path, ("DWA ID", "DWA Title"), delimiter=_TAB)
        for _, row in read_rows(path, delimiter=_TAB):
            dwa, iwa = row["DWA ID"].strip(), row.get("IWA ID", "").strip()
            if dwa and dwa not in dwas:
                broader = (f"onet:iwa:{iwa}",) if iwa else ()
                label = row["DWA Title"].strip()
                dwas[dwa] = Competency(id=dwa_id(dwa), label=label, type="skill", broader=broader)
        return tuple(dwas.values())
    for links in task_dwas.values():
        for dwa, title in links.items():
            dwas.setdefault(dwa, Competency(id=dwa_id(dwa), label=title, type="skill"))
    return tuple(dwas.values())


def _standards(
    occupations: Path | None, requirements: dict[str, list[Requirement]], titles: dict[str, str]
) -> tuple[Standard, ...]:
    """Every occupation of Occupation Data, then any others that only Task Statements names."""
    described: dict[str, tuple[str, str]] = {}
    if occupations is not None:
        require_columns(occupations, (_CODE, "Title"), delimiter=_TAB)
        for _, row in read_rows(occupations, delimiter=_TAB):
            title, description = row["Title"].strip(), row.get("Description", "").strip()
            described[row[_CODE].strip()] = (title, description)
    for code, title in titles.items():
        described.setdefault(code, (title or code, ""))
    return tuple(
        Standard(
            id=occupation_id(code),
            label=title,
            description=description,
            requirements=tuple(requirements.get(code, ())),
        )
        for code, (title, description) in described.items()
        if code
    )
