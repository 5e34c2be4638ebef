"""Professional-standard XML (Mintrud register): all real files, both grains, hardened parsing."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks import load_framework
from outcome_matcher.frameworks.profstandard import load_profstandard
from outcome_matcher.levels import parse_level
from outcome_matcher.schemas import Framework

SHARED = Path("/work/shared/corpora/ru_professional_standards")
BUNDLED = Path(__file__).parents[1] / "corpora" / "ru_professional_standards"
PROGRAMMER = BUNDLED / "ProfessionalStandarts_4.xml"
FILES = sorted(SHARED.glob("*.xml"))
GWF = "ThirdSection/WorkFunctions/GeneralizedWorkFunctions/GeneralizedWorkFunction"
PWF = "ParticularWorkFunctions/ParticularWorkFunction"


def _problems(error: pytest.ExceptionInfo[InputError]) -> list[InputError]:
    return error.value.errors if isinstance(error.value, InputErrors) else [error.value]


def test_the_shared_corpus_has_its_eleven_files() -> None:
    assert len(FILES) == 11


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_real_file_loads_with_plausible_structure(path: Path) -> None:
    fw = load_framework(path, "profstandard", name="ps")
    root = ET.parse(path).getroot()  # our own trusted corpus: the stdlib parser counts for us
    n_std = len(root.findall("ProfessionalStandarts/ProfessionalStandart"))
    n_gwf = len(root.findall(f"ProfessionalStandarts/ProfessionalStandart/{GWF}"))
    n_pwf = len(root.findall(f"ProfessionalStandarts/ProfessionalStandart/{GWF}/{PWF}"))
    assert len(fw.standards) == n_std + n_gwf  # each ОТФ is also its own standard
    assert len(fw.competencies) == n_pwf
    whole = [s for s in fw.standards if s.level is None]
    assert len(whole) == n_std and sum(len(s.units) for s in whole) == n_gwf
    for c in fw.competencies:
        assert c.id.startswith("ps:") and c.label and c.lang == "ru" and c.type == "competence"
        assert parse_level(c.level or "", "ru_nqf").value == int(c.level or 0)
        assert c.level_scale == "ru_nqf"
        assert {t.kind for t in c.texts} >= {"labour_action", "skill", "knowledge"}
    units = {u.id: u for s in whole for u in s.units}
    assert all(c.unit in units for c in fw.competencies)
    assert all(u.level and u.level_scale == "ru_nqf" and u.isco_codes for u in units.values())


def test_programmer_standard_06_001() -> None:
    fw = load_profstandard(PROGRAMMER, name="Программист")
    assert fw.version == "2013-11-18 (приказ 679н)" and fw.format == "profstandard"
    whole = fw.standards[0]
    assert (whole.id, whole.label) == ("06.001", "Программист")
    assert "Разработка программного обеспечения" in whole.description
    assert [(u.id, u.level) for u in whole.units] == [
        ("06.001/A", "3"),
        ("06.001/B", "4"),
        ("06.001/C", "5"),
        ("06.001/D", "6"),
    ]
    a = whole.units[0]
    assert "Техник-программист" in a.job_titles and a.isco_codes == ("2132",)
    assert a.isco_edition == "ISCO-88"  # approved in 2013: ОК 010-93
    assert "Среднее профессиональное образование" in a.education
    d_std = next(s for s in fw.standards if s.id == "06.001/D")
    assert (d_std.level, d_std.level_scale) == ("6", "ru_nqf")
    assert {r.unit for r in d_std.requirements} == {"06.001/D"}
    tf = next(c for c in fw.competencies if c.id == "ps:06.001:A/01.3")
    assert tf.label == "Формализация и алгоритмизация поставленных задач" and tf.level == "3"
    kinds = [t.kind for t in tf.texts]
    assert kinds == ["labour_action"] * 3 + ["skill"] * 4 + ["knowledge"] * 5
    assert tf.texts[0].text.startswith("Составление формализованных описаний")


def test_item_grain_makes_each_text_a_competency_under_its_work_function() -> None:
    function = load_profstandard(PROGRAMMER, name="p")
    items = load_profstandard(PROGRAMMER, name="p", grain="item")
    n_texts = sum(
        len({(t.kind, t.text) for t in c.texts if t.kind != "other"}) for c in function.competencies
    )
    assert len(items.competencies) == n_texts
    knowledge = [c for c in items.competencies if c.type == "knowledge"]
    assert knowledge and all(c.texts[0].kind == "knowledge" for c in knowledge)
    labour = [c for c in items.competencies if c.texts[0].kind == "labour_action"]
    assert labour and all(c.type == "skill" for c in labour)
    first = next(c for c in items.competencies if c.unit == "06.001/A/01.3")
    assert first.id.startswith("ps:06.001:A/01.3:") and first.level == "3"
    units = {u.id: u for u in items.standards[0].units}
    assert units["06.001/A/01.3"].parent == "06.001/A"
    assert units["06.001/A/01.3"].label == "Формализация и алгоритмизация поставленных задач"
    # Item ids come from the text: the same file gives the same ids.
    again = load_profstandard(PROGRAMMER, name="p", grain="item")
    assert [c.id for c in again.competencies] == [c.id for c in items.competencies]


def test_a_folder_loads_as_one_framework() -> None:
    fw = load_framework(BUNDLED, "profstandard", name="ИТ")
    codes = [s.id for s in fw.standards if s.level is None]
    assert codes == ["06.001", "06.026"] and len(fw.competencies) == 15 + 35
    assert fw.version == ""


def _edited(tmp_path: Path, edit: str, name: str = "edited.xml") -> Path:
    """06.001 with one element removed ("remove:PATH") or its text replaced ("PATH=TEXT")."""
    tree = ET.parse(PROGRAMMER)
    standard = tree.getroot().find("ProfessionalStandarts/ProfessionalStandart")
    assert standard is not None
    path, _, text = edit.partition("=")
    if path.startswith("remove:"):
        parent_path, _, tag = path.removeprefix("remove:").rpartition("/")
        parent = standard.find(parent_path)
        assert parent is not None
        parent.remove(parent.find(tag))  # type: ignore[arg-type]
    else:
        element = standard.find(path)
        assert element is not None
        element.text = text
    out = tmp_path / name
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out


TF_2_1 = f"{GWF}[2]/{PWF}[1]"
WHERE_2_1 = (
    "ProfessionalStandart[1]/ThirdSection/WorkFunctions/GeneralizedWorkFunctions/"
    "GeneralizedWorkFunction[2]/ParticularWorkFunctions/ParticularWorkFunction[1]"
)


def test_a_work_function_without_a_name_names_its_element_path(tmp_path: Path) -> None:
    path = _edited(tmp_path, f"remove:{TF_2_1}/NameTF")
    with pytest.raises(InputError) as caught:
        load_profstandard(path, name="x")
    [problem] = _problems(caught)
    assert problem.context["file"] == str(path)
    assert problem.context["field"] == f"{WHERE_2_1}/NameTF"
    assert "missing element" in problem.message


def test_an_empty_name_and_a_level_outside_the_scale_are_reported_together(tmp_path: Path) -> None:
    first = _edited(tmp_path, f"{GWF}[1]/LevelOfQualification=10", "a.xml")
    problems = []
    with pytest.raises(InputError) as caught:
        load_profstandard(first, name="x")
    problems += _problems(caught)
    assert problems[0].context["field"] == (
        "ProfessionalStandart[1]/ThirdSection/WorkFunctions/GeneralizedWorkFunctions/"
        "GeneralizedWorkFunction[1]/LevelOfQualification"
    )
    assert "outside the ru_nqf scale (1-9)" in problems[0].message
    # A folder with two bad files: every problem of both, and nothing loaded.
    _edited(tmp_path, f"{TF_2_1}/NameTF= ", "b.xml")
    with pytest.raises(InputErrors) as both:
        load_profstandard(tmp_path, name="x")
    fields = {(Path(e.context["file"]).name, e.context["field"]) for e in both.value.errors}
    assert ("b.xml", f"{WHERE_2_1}/NameTF") in fields and len(fields) == 2
    assert "empty element" in str(both.value)


def test_not_well_formed_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    text = PROGRAMMER.read_text(encoding="utf-8")
    path.write_text(text.replace("</NameTF>", "</NameTFx>", 1), encoding="utf-8")
    with pytest.raises(InputError, match="not well-formed XML") as caught:
        load_profstandard(path, name="x")
    assert caught.value.context["row"] == 4  # the line of the first work function


def test_wrong_root_and_empty_register_are_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.xml"
    wrong.write_text("<?xml version='1.0'?><Catalog><Item/></Catalog>", encoding="utf-8")
    with pytest.raises(InputError, match=r"root element is <Catalog>, expected <XMLCardInfo>"):
        load_profstandard(wrong, name="x")
    empty = tmp_path / "empty.xml"
    empty.write_text("<XMLCardInfo><ProfessionalStandarts/></XMLCardInfo>", encoding="utf-8")
    with pytest.raises(InputError, match="no ProfessionalStandarts/ProfessionalStandart"):
        load_profstandard(empty, name="x")


XXE = """<?xml version="1.0"?>
<!DOCTYPE XMLCardInfo [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<XMLCardInfo><ProfessionalStandarts><ProfessionalStandart>
<NameProfessionalStandart>&secret;</NameProfessionalStandart>
</ProfessionalStandart></ProfessionalStandarts></XMLCardInfo>"""

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "\n".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "\n]>\n<XMLCardInfo>&lol9;</XMLCardInfo>"
)


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion_laughs"])
def test_entities_and_dtds_are_refused_quickly(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "attack.xml"
    path.write_text(payload, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InputError, match="refused: the XML declares a DTD") as caught:
        load_profstandard(path, name="x")
    assert time.perf_counter() - start < 0.5
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaks into the message


def test_an_oversize_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: no need to write 21 MB
    with pytest.raises(InputError, match=r"over the 2[01] MB limit"):
        load_profstandard(path, name="x")


def test_missing_paths_and_options(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_profstandard(tmp_path / "none.xml", name="x")
    with pytest.raises(InputError, match=r"no \.xml files"):
        load_profstandard(tmp_path, name="x")
    with pytest.raises(InputError, match="unknown grain"):
        load_profstandard(PROGRAMMER, name="x", grain="sentence")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="grain is only supported for profstandard and table"):
        load_framework(PROGRAMMER, "csv", name="x", grain="item")


def test_a_standard_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(PROGRAMMER.read_bytes())
    (tmp_path / "b.xml").write_bytes(PROGRAMMER.read_bytes())
    with pytest.raises(InputErrors, match=r"standard 06\.001 is also in"):
        load_profstandard(tmp_path, name="x")


def test_cyrillic_look_alike_letters_in_codes_give_latin_ids() -> None:
    fw = load_profstandard(SHARED / "ProfessionalStandarts_1343.xml", name="x")
    ids = {c.id for c in fw.competencies}
    assert "ps:17.105:A/01.3" in ids and "ps:40.206:B/01.7" in ids
    assert all(c.id.isascii() for c in fw.competencies)


def framework_of(path: Path, grain: str = "function") -> Framework:
    return load_profstandard(path, name="ИТ", grain=grain)  # type: ignore[arg-type]


def test_a_work_function_code_of_another_unit_is_refused(tmp_path: Path) -> None:
    path = _edited(tmp_path, f"{TF_2_1}/CodeTF=A/09.4")
    with pytest.raises(
        InputError, match=r"work function code A/09\.4 does not belong to unit B"
    ) as caught:
        load_profstandard(path, name="x")
    assert caught.value.context["field"] == f"{WHERE_2_1}/CodeTF"
