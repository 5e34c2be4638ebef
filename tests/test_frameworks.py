"""Framework loaders on small fixtures cut from the bundled ESCO and O*NET files, and bad input."""

from __future__ import annotations

import csv
import gzip
import json
import time
from pathlib import Path

import pytest

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks import load_framework
from outcome_matcher.frameworks.esco import detect_version
from outcome_matcher.schemas import Framework, FrameworkFormat

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
ESCO = CORPORA / "esco_v1.1.1_en"
ONET = CORPORA / "onet_29.3"
OCCUPATIONS = 4  # ESCO occupations in the fixture
ONET_CODES = {"11-1011.00", "15-1252.00"}  # Chief Executives, Software Developers
SKILL = "http://data.europa.eu/esco/skill/"

Rows = list[dict[str, str]]


def read(path: Path, delimiter: str = ",") -> Rows:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def write(path: Path, rows: Rows, delimiter: str = ",") -> None:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def esco_rows() -> dict[str, Rows]:
    """Four real occupations, their relations, their skills plus the first 30 skills."""
    occupations = read(ESCO / "occupations_en.csv.gz")[:OCCUPATIONS]
    uris = {o["conceptUri"] for o in occupations}
    relations = [
        r for r in read(ESCO / "occupationSkillRelations.csv.gz") if r["occupationUri"] in uris
    ]
    wanted = {r["skillUri"] for r in relations}
    all_skills = read(ESCO / "skills_en.csv.gz")
    skills = [s for i, s in enumerate(all_skills) if i < 30 or s["conceptUri"] in wanted]
    skills += [s for s in all_skills if s["skillType"] == ""][:1]  # the 6 untyped skills
    kept = {s["conceptUri"] for s in skills}
    broader = [
        b for b in read(ESCO / "broaderRelationsSkillPillar.csv.gz") if b["conceptUri"] in kept
    ]
    return {
        "skills": skills,
        "occupations": occupations,
        "relations": relations,
        "broader": broader,
    }


def write_esco(directory: Path, rows: dict[str, Rows], *, ext: str, lang: str = "en") -> Path:
    directory.mkdir()
    write(directory / f"skills_{lang}.csv{ext}", rows["skills"])
    write(directory / f"occupations_{lang}.csv{ext}", rows["occupations"])
    write(directory / f"occupationSkillRelations.csv{ext}", rows["relations"])
    write(directory / f"broaderRelationsSkillPillar.csv{ext}", rows["broader"])
    return directory


@pytest.fixture(scope="module")
def esco(tmp_path_factory: pytest.TempPathFactory, esco_rows: dict[str, Rows]) -> Framework:
    directory = write_esco(tmp_path_factory.mktemp("e") / "esco_v1.1.1_en", esco_rows, ext="")
    return load_framework(directory, "esco", name="ESCO")


def test_esco_competencies(esco: Framework, esco_rows: dict[str, Rows]) -> None:
    assert esco.version == "v1.1.1" and esco.format == "esco"
    assert len(esco.competencies) == len(esco_rows["skills"])
    first = esco.competencies[0]
    assert first.id == SKILL + "0005c151-5b5a-4a66-8aac-60e734beb1ab"
    assert first.label == "manage musical staff"
    assert first.alt_labels[:2] == ("manage staff of music", "coordinate duties of musical staff")
    assert first.description.startswith("Assign and manage staff tasks")
    assert (first.type, first.reuse_level, first.lang) == ("skill", "sector-specific", "en")
    types = {c.type for c in esco.competencies}
    assert types == {"skill", "knowledge", None}
    assert all(c.hidden_labels == () or "\n" not in c.hidden_labels[0] for c in esco.competencies)


def test_esco_broader(esco: Framework, esco_rows: dict[str, Rows]) -> None:
    by_id = {c.id: c for c in esco.competencies}
    for row in esco_rows["broader"]:
        assert row["broaderUri"] in by_id[row["conceptUri"]].broader
    assert sum(len(c.broader) for c in esco.competencies) == len(esco_rows["broader"])


def test_esco_standards_essential_and_optional(esco: Framework, esco_rows: dict[str, Rows]) -> None:
    assert [s.label for s in esco.standards] == [
        o["preferredLabel"] for o in esco_rows["occupations"]
    ]
    technical_director = esco.standards[0]
    assert technical_director.label == "technical director"
    expected = {
        (r["skillUri"], r["relationType"] == "essential")
        for r in esco_rows["relations"]
        if r["occupationUri"] == technical_director.id
    }
    got = {(r.competency_id, r.essential) for r in technical_director.requirements}
    assert got == expected
    everywhere = {r.essential for s in esco.standards for r in s.requirements}
    assert everywhere == {True, False}


def test_esco_gzip_and_plain_agree(
    tmp_path: Path, esco_rows: dict[str, Rows], esco: Framework
) -> None:
    gzipped = load_framework(
        write_esco(tmp_path / "esco_v1.1.1_en", esco_rows, ext=".gz"), "esco", name="ESCO"
    )
    assert gzipped.model_dump(exclude={"source"}) == esco.model_dump(exclude={"source"})


def test_esco_language_suffix_unreleased_and_labels(
    tmp_path: Path, esco_rows: dict[str, Rows]
) -> None:
    rows = dict(esco_rows, skills=[dict(s) for s in esco_rows["skills"]])
    rows["skills"][1]["status"] = "obsolete"
    directory = write_esco(tmp_path / "esco_fr", rows, ext=".gz", lang="fr")
    (directory / "skills_fr.csv.gz").rename(directory / "skills_fr_partial.csv.gz")
    labels = tmp_path / "labels.csv"
    first = rows["skills"][0]["conceptUri"]
    label_rows = [
        ("skill", "de", "Musikpersonal leiten", "alternative"),
        ("skill", "de", "Musikpersonal führen", "preferred"),
        ("skill", "fr", "déjà là", "preferred"),  # the framework's own language: ignored
        ("occupation", "it", "no", "preferred"),
    ]
    keys = ("conceptType", "lang", "label", "labelType")
    write(labels, [dict(zip(keys, r, strict=True), conceptUri=first) for r in label_rows])
    framework = load_framework(
        directory, "esco", name="ESCO fr", version="1.1.1", extra_labels=labels
    )
    assert framework.version == "v1.1.1"
    assert len(framework.competencies) == len(rows["skills"]) - 1
    assert {c.lang for c in framework.competencies} == {"fr"}
    assert framework.competencies[0].labels_by_lang == {
        "de": ("Musikpersonal führen", "Musikpersonal leiten")
    }


def test_esco_languages_and_bad_utf8(tmp_path: Path, esco_rows: dict[str, Rows]) -> None:
    for lang in ("de", "fr"):
        write(tmp_path / f"skills_{lang}.csv", esco_rows["skills"][:5])
    with pytest.raises(InputError, match="several languages"):
        load_framework(tmp_path, "esco", name="ESCO")
    assert len(load_framework(tmp_path, "esco", name="ESCO", lang="de").competencies) == 5
    with (tmp_path / "skills_de.csv").open("ab") as handle:
        handle.write(b"KnowledgeSkillCompetence,x,\xff\n")
    with pytest.raises(InputError, match="invalid UTF-8") as caught:
        load_framework(tmp_path, "esco", name="ESCO", lang="de")
    assert caught.value.context["row"] == 7  # header + 5 skills, then the bad row


def test_esco_version_detection(tmp_path: Path) -> None:
    assert (
        detect_version(tmp_path / "ESCO dataset - v1.1.1 - classification - en - csv") == "v1.1.1"
    )
    assert detect_version(tmp_path / "esco", "v1.2.0") == "v1.2.0"
    assert detect_version(tmp_path / "esco") == ""


def test_esco_full_bundled_corpus() -> None:
    started = time.perf_counter()
    framework = load_framework(ESCO, "esco", name="ESCO")
    assert time.perf_counter() - started < 60  # a few seconds on a laptop CPU
    assert (len(framework.competencies), len(framework.standards)) == (13_896, 3_007)
    assert sum(len(s.requirements) for s in framework.standards) == 123_788  # 67 name no occupation
    assert framework.version == "v1.1.1"


@pytest.fixture(scope="module")
def onet_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two occupations, as named in the O*NET download (plain) and in our copy (gzipped)."""
    download, copy = tmp_path_factory.mktemp("onet_29.3"), tmp_path_factory.mktemp("onet_copy")
    tables = {}
    for name in ("Occupation_Data", "Task_Statements", "Tasks_to_DWAs"):
        tables[name] = [
            r for r in read(ONET / f"{name}.tsv.gz", "\t") if r["O*NET-SOC Code"] in ONET_CODES
        ]
    dwa_ids = {r["DWA ID"] for r in tables["Tasks_to_DWAs"]}
    tables["DWA_Reference"] = [
        r for r in read(ONET / "DWA_Reference.tsv.gz", "\t") if r["DWA ID"] in dwa_ids
    ]
    for name, rows in tables.items():
        write(download / f"{name.replace('_', ' ')}.txt", rows, "\t")
        write(copy / f"{name}.tsv.gz", rows, "\t")
    return download, copy


def test_onet_tasks_dwas_and_standards(onet_dirs: tuple[Path, Path]) -> None:
    download, copy = onet_dirs
    framework = load_framework(download, "onet", name="O*NET", version="29.3")
    tasks = [c for c in framework.competencies if c.id.startswith("onet:task:")]
    dwas = {c.id: c for c in framework.competencies if c.id.startswith("onet:dwa:")}
    assert tasks and dwas and all(c.type == "skill" for c in framework.competencies)
    assert tasks[0].id == "onet:task:8823" and tasks[0].label.startswith("Direct or coordinate")
    assert all(b in dwas for t in tasks for b in t.broader)
    assert all(d.broader[0].startswith("onet:iwa:4.A.") for d in dwas.values())
    ceo, developers = framework.standards
    assert (ceo.id, ceo.label) == ("onet:occ:11-1011.00", "Chief Executives")
    assert developers.label == "Software Developers" and developers.description
    assert {r.essential for r in ceo.requirements} == {True, False}  # Core / Supplemental
    assert {r.essential for r in developers.requirements} == {True}  # not rated: essential
    assert len(ceo.requirements) + len(developers.requirements) == len(tasks)
    other = load_framework(copy, "onet", name="O*NET", version="29.3")
    assert other.model_dump(exclude={"source"}) == framework.model_dump(exclude={"source"})


def test_onet_full_bundled_corpus() -> None:
    framework = load_framework(ONET, "onet", name="O*NET")
    assert framework.version == "29.3"
    assert len(framework.competencies) == 18_796 + 2_087
    assert len(framework.standards) == 1_016


TABULAR_KEYS = ("id", "label", "alt_labels", "type", "unit", "standard", "essential")
TABULAR_ROWS: Rows = [
    dict(zip(TABULAR_KEYS, row, strict=True))
    for row in [
        ("K1", "relational databases", "RDBMS|SQL databases", "knowledge", "U1", "S1|S2", "yes"),
        ("S1", "design a database", "database design\nschema design", "Skill", "U1", "S1", "0"),
        ("C1", "lead a team", "", "", "", "", ""),
    ]
]


def check_tabular(framework: Framework) -> None:
    k1, s1, c1 = framework.competencies
    assert k1.alt_labels == ("RDBMS", "SQL databases") and k1.type == "knowledge"
    assert s1.alt_labels == ("database design", "schema design") and s1.type == "skill"
    assert (c1.type, c1.unit, c1.lang) == (None, None, "en")
    first, second = framework.standards
    assert first.id == "S1" and [
        (r.competency_id, r.essential, r.unit) for r in first.requirements
    ] == [
        ("K1", True, "U1"),
        ("S1", False, "U1"),
    ]
    assert [r.competency_id for r in second.requirements] == ["K1"]


def test_tabular_csv(tmp_path: Path) -> None:
    write(tmp_path / "standard.csv", TABULAR_ROWS)
    framework = load_framework(tmp_path / "standard.csv", "csv", name="NOS", version="2025")
    assert (framework.format, framework.version) == ("csv", "2025")
    check_tabular(framework)


def test_tabular_jsonl_lists_and_strings(tmp_path: Path) -> None:
    records: list[dict[str, object]] = [dict(r) for r in TABULAR_ROWS]
    records[0]["alt_labels"] = ["RDBMS", "SQL databases"]
    records[0]["standard"] = ["S1", "S2"]
    records[1]["essential"] = False
    path = tmp_path / "standard.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    check_tabular(load_framework(path, "jsonl", name="NOS"))


def test_bundled_example_standard() -> None:
    framework = load_framework(
        CORPORA / "standards" / "example_software_developer_level6.csv", "csv", name="EX"
    )
    (standard,) = framework.standards
    assert "illustrative example" in standard.label
    assert len(framework.competencies) == len(standard.requirements) == 21
    assert len({r.unit for r in standard.requirements}) == 3


HEADER = "id,label,type,essential\n"
BAD_CSV = [
    # (file body, expected (row, field) of each problem, words in the first message)
    ("id,lable\nA,x\n", [(1, "label")], "rename 'lable' to 'label'"),
    ("ID,Label,alt_label\nA,x,y\n", [(1, "alt_label")], "did you mean 'alt_labels'"),
    (HEADER + ",no id,,\nB,,,\n", [(2, "id"), (3, "label")], "empty id"),
    (HEADER + "A,x,,\nB,y,,\nA,z,,\n", [(4, "id")], "duplicate id 'A' (first in row 2)"),
    (HEADER + 'A,"two\nlines",skills,\nB,y,,maybe\n', [(2, "type"), (3, "essential")], "'skills'"),
    (HEADER + "A," + "x" * 2001 + ",,\n", [(2, "label")], "longer than 2000"),
    (HEADER + "A,x,skill,true,extra\n", [(2, None)], "more fields than the header"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "where", "words"), BAD_CSV)
def test_bad_csv_names_file_row_and_field(
    tmp_path: Path, body: str, where: list[tuple[int, str | None]], words: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        load_framework(path, "csv", name="bad")
    errors = caught.value.errors
    assert [(e.context["row"], e.context.get("field")) for e in errors] == where
    assert all(e.context["file"] == str(path) for e in errors)
    assert words in errors[0].message and str(path) in str(caught.value)


def test_invalid_utf8_names_each_row(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "A,café,,\nB,ok,,\nC,naïve,,\n".encode("latin-1"))
    with pytest.raises(InputErrors) as caught:
        load_framework(path, "csv", name="bad")
    assert [(e.context["row"], e.context["field"]) for e in caught.value.errors] == [
        (2, "label"),
        (4, "label"),
    ]
    assert "invalid UTF-8" in caught.value.errors[0].message


def test_bad_jsonl_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        b'{"id": "A", "label": "x"}',
        b"",
        b'{"id": "B", "label": }',
        b"[1, 2]",
        b'{"id": "C"}',
        '{"id": "D", "label": "é"}'.encode("latin-1"),
    ]
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputErrors) as caught:
        load_framework(path, "jsonl", name="bad")
    errors = caught.value.errors
    assert [(e.context["row"], e.context.get("field")) for e in errors] == [
        (3, None),
        (4, None),
        (5, "label"),
        (6, None),
    ]
    assert "malformed JSON" in errors[0].message and "invalid UTF-8" in errors[3].message


@pytest.mark.parametrize(
    ("name", "body", "words"),
    [
        ("empty.csv", "", "file is empty"),
        ("blank.csv", "\n\n", "file is empty"),
        ("header_only.csv", "id,label\n", "no data rows"),
        ("empty.jsonl", "\n \n", "file is empty"),
    ],
)
def test_empty_files(tmp_path: Path, name: str, body: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=words) as caught:
        load_framework(path, "jsonl" if name.endswith("jsonl") else "csv", name="empty")
    assert caught.value.context["file"] == str(path)


def test_missing_inputs(tmp_path: Path) -> None:
    formats: list[FrameworkFormat] = ["csv", "jsonl", "esco", "onet"]
    for format in formats:
        path = tmp_path / f"none.{format}"
        with pytest.raises(InputError, match="not found") as caught:
            load_framework(path, format, name="x")
        assert caught.value.context["file"] == str(path)
    with pytest.raises(InputError, match="Task Statements"):
        load_framework(tmp_path, "onet", name="x")
    with pytest.raises(InputError, match="extra_labels"):
        load_framework(tmp_path / "x.csv", "csv", name="x", extra_labels=tmp_path / "l.csv")
