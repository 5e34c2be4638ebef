"""Tests for loading catalogues from CSV, JSON and YAML, and their input errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy

from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.schemas import Catalogue, outcome_id
from outcome_matcher.text import segment_outcomes

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"
Segmenter = Callable[[str, str | None], list[str]]

HEADER = "programme_code,programme_title,module_code,module_title,outcomes,credits,lang\n"
BLOCK_CSV = HEADER + (
    'BSC-SD,Software Development,DB1,Databases,"On completion of the module the student is able'
    ' to: 1) design a relational database; 2) write SQL queries.",6,en\n'
    'BSC-SD,Software Development,WEB1,Web Development,"Students will be able to\n'
    '- build web pages;\n- develop a REST API.",9,en\n'
)


@pytest.fixture(scope="session")
def segmenter() -> Segmenter:
    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return lambda block, lang: segment_outcomes(block, lang, nlp=nlp)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, segmenter: Segmenter, **kwargs: int) -> Catalogue:
    return load_catalogue(path, segmenter=segmenter, **kwargs)


def texts(catalogue: Catalogue) -> dict[str, list[str]]:
    programme = catalogue.programmes[0]
    return {m.code: [o.text for o in m.outcomes] for m in programme.modules}


def test_csv_one_row_per_module(tmp_path: Path, segmenter: Segmenter) -> None:
    catalogue = load(write(tmp_path, "cat.csv", BLOCK_CSV), segmenter)
    assert catalogue.name == "cat"
    assert texts(catalogue) == {
        "DB1": ["design a relational database", "write SQL queries"],
        "WEB1": ["build web pages", "develop a REST API"],
    }
    module = catalogue.programmes[0].modules[0]
    assert module.credits == 6.0
    assert [o.lang for o in module.outcomes] == ["en", "en"]
    assert [o.bloom_level for o in module.outcomes] == [6, 6]
    assert catalogue.programmes[0].lang == "en"


def test_csv_one_row_per_outcome_with_semicolons_and_spaced_headers(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    text = (
        "Programme Code;Programme Title;Module Code;Module Title;Outcome;Catalogue;Institution\n"
        "P1;Informatics;M1;Databases;Designs a database;Demo 2025;Example University\n"
        "P1;;M1;;Writes SQL queries;;\n"
        "P1;Informatics;M2;Testing;Анализирует требования пользователей;;\n"
    )
    catalogue = load(write(tmp_path, "rows.csv", text), segmenter)
    assert catalogue.name == "Demo 2025"
    assert catalogue.institution == "Example University"
    assert texts(catalogue) == {
        "M1": ["Designs a database", "Writes SQL queries"],
        "M2": ["Анализирует требования пользователей"],
    }
    assert catalogue.programmes[0].modules[1].outcomes[0].lang == "ru"
    assert catalogue.programmes[0].lang is None  # modules in several languages


def test_json_nested_with_lists_and_blocks(tmp_path: Path, segmenter: Segmenter) -> None:
    data = {
        "name": "JSON catalogue",
        "institution": "Example",
        "lang": "et",
        "programmes": [
            {
                "code": "RIF",
                "title": "Rakendusinformaatika",
                "modules": [
                    {"code": "A1", "title": "Andmebaasid", "credits": 6,
                     "outcomes": ["Kavandab andmebaasi.", "Kirjutab SQL päringuid"]},
                    {"code": "A2", "title": "Testimine",
                     "outcomes": "Aine läbinud üliõpilane:\n- testib tarkvara;\n- analüüsib vigu."},
                ],
            }
        ],
    }  # fmt: skip
    catalogue = load(write(tmp_path, "cat.json", json.dumps(data)), segmenter)
    assert catalogue.name == "JSON catalogue"
    assert texts(catalogue) == {
        "A1": ["Kavandab andmebaasi", "Kirjutab SQL päringuid"],
        "A2": ["testib tarkvara", "analüüsib vigu"],
    }
    assert catalogue.programmes[0].lang == "et"


def test_yaml_nested_and_name_override(tmp_path: Path, segmenter: Segmenter) -> None:
    text = """\
name: From file
programmes:
  - code: P
    title: Programme
    lang: fr
    modules:
      - code: M
        title: Bases de données
        outcomes: "À l'issue de ce module, l'étudiant sera capable de : concevoir une base de
          données ; écrire des requêtes SQL."
"""
    catalogue = load_catalogue(write(tmp_path, "c.yaml", text), name="Given", segmenter=segmenter)
    assert catalogue.name == "Given"
    assert texts(catalogue) == {"M": ["concevoir une base de données", "écrire des requêtes SQL"]}
    assert catalogue.programmes[0].modules[0].outcomes[0].lang == "fr"


def test_ids_are_stable_across_reimport_whitespace_and_case(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    first = load(write(tmp_path, "a.csv", BLOCK_CSV), segmenter)
    again = load(write(tmp_path, "b.csv", BLOCK_CSV), segmenter)
    changed = BLOCK_CSV.replace("design a relational", "Design  a   RELATIONAL")
    varied = load(write(tmp_path, "c.csv", changed), segmenter)

    def ids(c: Catalogue) -> list[str]:
        return [o.id for m in c.programmes[0].modules for o in m.outcomes]

    assert ids(first) == ids(again) == ids(varied)
    outcome = first.programmes[0].modules[0].outcomes[0]
    assert outcome.id == outcome_id("BSC-SD", "DB1", "design a relational database")
    assert len(set(ids(first))) == len(ids(first))


def test_duplicate_outcomes_are_dropped_with_a_log_line(
    tmp_path: Path, segmenter: Segmenter, caplog: pytest.LogCaptureFixture
) -> None:
    text = HEADER + "P,T,M,Mod,Designs a database,,\nP,T,M,Mod,designs  a DATABASE.,,\n"
    with caplog.at_level(logging.INFO, logger="outcome_matcher.catalogues"):
        catalogue = load(write(tmp_path, "d.csv", text), segmenter)
    assert texts(catalogue) == {"M": ["Designs a database"]}
    assert "dropped 1 duplicate outcome(s) in module M" in caplog.text


def where(error: InputError) -> tuple[object, object, object]:
    return error.context.get("file"), error.context.get("row"), error.context.get("field")


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found") as missing:
        load_catalogue(tmp_path / "absent.csv")
    assert missing.value.context["file"] == str(tmp_path / "absent.csv")
    with pytest.raises(InputError, match=r"unknown file type '\.xlsx'"):
        load_catalogue(write(tmp_path, "cat.xlsx", "x"))


def test_misnamed_and_missing_columns_suggest_the_expected_name(tmp_path: Path) -> None:
    text = "program_code,programme_title,module_code,module_title,outcome,credit\nP,T,M,Mod,x,1\n"
    with pytest.raises(InputErrors) as caught:
        load_catalogue(write(tmp_path, "cols.csv", text))
    errors = caught.value.errors
    file = str(tmp_path / "cols.csv")
    assert where(errors[0]) == (file, 1, "program_code")
    assert "did you mean 'programme_code'" in errors[0].message
    assert any(where(e) == (file, 1, "credit") and "'credits'" in e.message for e in errors)
    missing = [e for e in errors if e.context["field"] == "programme_code"]
    assert missing
    assert "missing column" in missing[0].message


def test_row_errors_are_collected_with_spreadsheet_rows(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    text = HEADER + (
        "P,Programme,M1,Databases,Designs a database,6,en\n"  # row 2
        "P,Programme,M1,Data Bases II,Writes queries,6,en\n"  # row 3: conflicting title
        "P,Other title,M2,Testing,Tests software,6,en\n"  # row 4: conflicting programme title
        'P,Programme,M3,Empty,"  ",6,en\n'  # row 5: empty text
        "P,Programme,M4,Credits,Writes code,six,en\n"  # row 6: credits not a number
        ",Programme,M5,No code,Writes code,1,en\n"  # row 7: empty programme code
    )
    path = write(tmp_path, "rows.csv", text)
    with pytest.raises(InputErrors) as caught:
        load(path, segmenter)
    found = {where(e) for e in caught.value.errors}
    file = str(path)
    assert found == {
        (file, 3, "module_title"),
        (file, 4, "programme_title"),
        (file, 5, "outcomes"),
        (file, 6, "credits"),
        (file, 7, "programme_code"),
    }
    assert "5 problem(s)" in caught.value.message


def test_text_over_the_limit(tmp_path: Path, segmenter: Segmenter) -> None:
    text = HEADER + "P,T,M,Mod,Designs a relational database for a large retail company,,\n"
    path = write(tmp_path, "long.csv", text)
    with pytest.raises(InputError, match="over the limit of 20") as caught:
        load(path, segmenter, max_text_chars=20)
    assert where(caught.value) == (str(path), 2, "outcomes")


def test_invalid_utf8_names_line_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "P,T,M,Mod,Conçoit une base,,\n".encode("latin-1"))
    with pytest.raises(InputError, match="invalid UTF-8") as caught:
        load_catalogue(path)
    assert caught.value.context["row"] == 2
    assert caught.value.context["byte_offset"] == len(HEADER.encode()) + len("P,T,M,Mod,Con")


def test_nested_errors_name_line_and_key_path(tmp_path: Path, segmenter: Segmenter) -> None:
    text = """\
programmes:
  - code: P
    title: Programme
    modules:
      - code: M1
        title: Databases
        credits: six
        outcomes: [Designs a database]
      - code: M2
        titel: Testing
        outcomes: []
"""
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(InputErrors) as caught:
        load(path, segmenter)
    found = {where(e) for e in caught.value.errors}
    file = str(path)
    assert (file, 5, "programmes[0].modules[0].credits") in found
    assert (file, 9, "programmes[0].modules[1].titel") in found
    assert (file, 9, "programmes[0].modules[1].outcomes") in found
    assert (file, 9, "programmes[0].modules[1].title") in found


def test_nested_syntax_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="invalid JSON") as caught:
        load_catalogue(write(tmp_path, "bad.json", '{"programmes": [\n  {"code": }\n]}'))
    assert caught.value.context["row"] == 2
    with pytest.raises(InputError, match="expected a mapping"):
        load_catalogue(write(tmp_path, "list.yaml", "- a\n- b\n"))


@pytest.mark.parametrize(
    ("name", "modules", "lang"),
    [("software_developer_en.yaml", 9, "en"), ("tlu_applied_informatics_et.yaml", 41, "et")],
)
def test_bundled_samples_load(name: str, modules: int, lang: str, segmenter: Segmenter) -> None:
    catalogue = load(SAMPLES / name, segmenter)
    programme = catalogue.programmes[0]
    assert len(programme.modules) == modules
    outcomes = [o for m in programme.modules for o in m.outcomes]
    assert len(outcomes) >= 3 * modules
    assert sum(o.lang == lang for o in outcomes) / len(outcomes) > 0.9
    assert sum(o.bloom_level is not None for o in outcomes) / len(outcomes) > 0.7


def test_bundled_multilingual_sample_loads(segmenter: Segmenter) -> None:
    catalogue = load(SAMPLES / "software_developer_ru_kk_uz.yaml", segmenter)
    langs = {p.code: {o.lang for m in p.modules for o in m.outcomes} for p in catalogue.programmes}
    assert langs == {"RU-SD": {"ru"}, "KK-SD": {"kk"}, "UZ-SD": {"uz"}}
