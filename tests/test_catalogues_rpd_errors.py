"""Work-programme input errors: DOCX, YAML keys, encodings, folders, YAML bombs; none imports."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import docx
import pytest

from outcome_matcher.catalogues import _rpd_docx, load_catalogue
from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.store import Store

ROOT = Path(__file__).resolve().parents[1]
NEFU = ROOT / "corpora" / "ru_courses_nefu"
COURSE = "названия: [[сети]]\nзнать:\n  - модель OSI;\nуметь: настраивать сеть.\n"


def where(error: InputError) -> tuple[object, object, object]:
    return error.context.get("file"), error.context.get("row"), error.context.get("field")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_docx_without_headings_imports_nothing(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Рабочая программа дисциплины «Сети»")
    document.add_paragraph("Содержание: модель OSI, IP-адресация.")
    path = tmp_path / "rpd.docx"
    document.save(str(path))
    with Store.open("sqlite:///" + str(tmp_path / "s.db"), migrate=True) as store:
        with pytest.raises(InputError, match="no outcome headings found") as error:
            store.add_catalogue(load_catalogue(path))
        assert store.list_catalogues() == []
    assert error.value.context["file"] == str(path)


def test_docx_heading_without_items_names_the_paragraph(tmp_path: Path) -> None:
    document = docx.Document()
    for text in ("Знать:", "модель OSI", "Уметь:", "", "Владеть:", "работой с CLI"):
        document.add_paragraph(text)
    path = tmp_path / "rpd.docx"
    document.save(str(path))
    with pytest.raises(InputError, match="'Уметь:' has no outcomes") as error:
        load_catalogue(path)
    assert where(error.value) == (str(path), None, "paragraph 3")


def test_not_a_docx(tmp_path: Path) -> None:
    path = write(tmp_path / "rpd.docx", "Знать: это не DOCX")
    with pytest.raises(InputError, match="not a DOCX file"):
        load_catalogue(path)


def test_docx_unpacking_to_too_much_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 2_000_000)
    # A smaller limit than the real 200 MB, so the test writes 2 MB, not 200.
    monkeypatch.setattr(_rpd_docx, "MAX_UNZIPPED_BYTES", 1_000_000)
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError, match="zip bomb"):
        load_catalogue(path)


@pytest.mark.parametrize(
    ("text", "message", "field"),
    [
        (COURSE.replace("знать:\n  - модель OSI;", "знать: {a: b}"), "got dict", "знать"),
        (COURSE.replace("знать:\n  - модель OSI;", "знать: 5"), "got int", "знать"),
        (COURSE + "владеть:\n  - работой с CLI\n  - [a, b]\n", "got list", "владеть[1]"),
        (COURSE.replace("знать:", "знат:"), "did you mean .знать.", "знат"),
        (COURSE.replace("названия: [[сети]]\n", ""), "no course title", "названия"),
        (
            COURSE.replace("названия: [[сети]]", "названия: [{a: b}]"),
            "expected a title",
            "названия",
        ),
        ("названия: [[сети]]\nзнать: []\nуметь: ''\n", "all empty", "знать"),
        (COURSE + "кредиты: много\n", "not a number", "кредиты"),
    ],
)
def test_bad_course_keys_name_the_key_path(
    tmp_path: Path, text: str, message: str, field: str
) -> None:
    path = write(tmp_path / "course.yaml", text)
    with pytest.raises(InputError, match=message) as error:
        load_catalogue(path)
    assert where(error.value) == (str(path), None, field)


def test_folder_problems_are_reported_together_per_file(tmp_path: Path) -> None:
    shutil.copy(NEFU / "os.yaml", tmp_path / "os.yaml")
    (tmp_path / "bad.yaml").write_bytes(COURSE.encode() + b"\xff\xfe\n")
    write(tmp_path / "other.yaml", "programmes: []\n")
    with pytest.raises(InputErrors) as error:
        load_catalogue(tmp_path)
    problems = {Path(e.context["file"]).name: e for e in error.value.errors}
    assert set(problems) == {"bad.yaml", "other.yaml"}
    assert "invalid UTF-8" in problems["bad.yaml"].message
    assert problems["bad.yaml"].context["row"] == 5
    assert "not a work programme" in problems["other.yaml"].message


def test_folder_without_courses_and_bad_programme_file(tmp_path: Path) -> None:
    write(tmp_path / "README.md", "Знать: ...")
    with pytest.raises(InputError, match="no course files") as error:
        load_catalogue(tmp_path)
    assert error.value.context["file"] == str(tmp_path)
    write(tmp_path / "course.yaml", COURSE)
    write(tmp_path / "programme.yaml", "code: IT\ntitel: Сети\n")
    with pytest.raises(InputError, match="did you mean 'title'") as error:
        load_catalogue(tmp_path)
    assert where(error.value) == (str(tmp_path / "programme.yaml"), None, "titel")
    write(tmp_path / "programme.yaml", "code: IT\ntitle: Сети\n")
    assert load_catalogue(tmp_path).programmes[0].code == "IT"


BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize("name", ["catalogue.yaml", "course.yaml"])
def test_yaml_alias_bomb_is_refused_fast(tmp_path: Path, name: str) -> None:
    assert len(BOMB.encode()) < 400  # nine levels of nine aliases: 9**9 values expanded
    text = BOMB if name == "catalogue.yaml" else COURSE + BOMB.replace("a:", "x:", 1)
    path = write(tmp_path / name, text)
    start = time.perf_counter()
    with pytest.raises(InputError, match="aliases to lists or mappings") as error:
        load_catalogue(path)
    assert time.perf_counter() - start < 0.5
    assert error.value.context.get("row") is not None


def test_yaml_alias_chain_under_the_alias_budget_is_capped_on_expansion(tmp_path: Path) -> None:
    chain = "l0: &l0 [x, x]\n" + "".join(
        f"l{i}: &l{i} [*l{i - 1}, *l{i - 1}]\n" for i in range(1, 24)
    )
    with pytest.raises(InputError, match="values after alias expansion"):
        load_catalogue(write(tmp_path / "c.yaml", chain))


def test_yaml_and_json_nesting_depth(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nested more than 100 levels"):
        load_catalogue(write(tmp_path / "deep.yaml", "a: " + "[" * 150 + "]" * 150 + "\n"))
    with pytest.raises(InputError, match="nested too deeply"):
        load_catalogue(write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000))


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    text = "названия: &t [[сети]]\nзнать: &k\n  - модель OSI\nуметь: [настраивать сеть]\n"
    module = load_catalogue(write(tmp_path / "c.yaml", text)).programmes[0].modules[0]
    assert [o.kind for o in module.outcomes] == ["knowledge", "skill"]
