"""CASE 1.1: export validates against the official schema, round trips, and bad packages fail."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator

from outcome_matcher.errors import InputError, InputErrors
from outcome_matcher.frameworks import framework_to_cfpackage, load_framework
from outcome_matcher.frameworks.case import parse_cfpackage, read_cfpackage
from outcome_matcher.schemas import Framework

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
SCHEMA = Path(__file__).parent / "fixtures" / "case" / "case-v1p1-cfpackage.json"
STANDARD_CSV = CORPORA / "standards" / "example_software_developer_level6.csv"
CHANGED = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def esco() -> Framework:
    return load_framework(CORPORA / "esco_v1.1.1_en", "esco", name="esco")


@pytest.fixture(scope="module")
def example_standard() -> Framework:
    return load_framework(STANDARD_CSV, "csv", name="example", version="2024")


def valid(validator: Draft201909Validator, package: dict[str, Any]) -> dict[str, Any]:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
    assert errors == []
    # The schema's format checker has no date-time checker without extra packages.
    datetime.fromisoformat(package["CFDocument"]["lastChangeDateTime"])
    return package


def write(tmp_path: Path, package: object, name: str = "package.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return path


def essentials(fw: Framework) -> list[tuple[str, str, list[str], str | None]]:
    return [(c.id, c.label, sorted(c.broader), c.type) for c in fw.competencies]


def test_esco_round_trips_through_a_valid_cfpackage(
    esco: Framework, validator: Draft201909Validator, tmp_path: Path
) -> None:
    package = valid(validator, framework_to_cfpackage(esco, changed=CHANGED))
    assert len(package["CFItems"]) == len(esco.competencies)
    back = load_framework(write(tmp_path, package), "case", name="esco")
    ids = {c.id for c in esco.competencies}
    # broader that points outside the framework (ESCO skill groups) has no CASE item to point to
    expected = [
        (c.id, c.label, sorted(b for b in c.broader if b in ids), c.type) for c in esco.competencies
    ]
    assert essentials(back) == expected
    assert back.format == "case"
    by_id = {c.id: c for c in back.competencies}
    for c in esco.competencies[:200]:
        assert set(by_id[c.id].alt_labels) == set(c.alt_labels) - {c.label}
        assert by_id[c.id].description == c.description


def test_export_is_deterministic_and_uses_uuid5(esco: Framework) -> None:
    first = framework_to_cfpackage(esco, changed=CHANGED)
    assert framework_to_cfpackage(esco, changed=CHANGED) == first
    item = first["CFItems"][0]
    assert item["uri"] == esco.competencies[0].id
    assert item["identifier"][14] == "5"  # the UUID version digit
    assert item["lastChangeDateTime"] == "2026-03-01T12:30:00Z"


def test_standard_export_groups_requirements_under_units(
    example_standard: Framework, validator: Draft201909Validator, tmp_path: Path
) -> None:
    standard = example_standard.standards[0]
    package = valid(validator, framework_to_cfpackage(example_standard, standard.id))
    units = [i for i in package["CFItems"] if i.get("CFItemType") == "Unit"]
    assert [u["fullStatement"] for u in units] == list(
        dict.fromkeys(r.unit for r in standard.requirements if r.unit)
    )
    assert package["CFDocument"]["title"] == f"example: {standard.label}"
    back = load_framework(write(tmp_path, package), "case", name="example")
    assert [c.id for c in back.competencies] == [r.competency_id for r in standard.requirements]
    assert back.standards[0].requirements == standard.requirements
    assert back.version == "2024"
    by_id = {c.id: c for c in example_standard.competencies}
    for c in back.competencies:
        original = by_id[c.id]
        assert (c.label, c.type, c.level, c.description) == (
            original.label,
            original.type,
            original.level,
            original.description,
        )


def test_only_the_standards_requirements_are_exported(esco: Framework) -> None:
    standard = next(s for s in esco.standards if len(s.requirements) > 5)
    package = framework_to_cfpackage(esco, standard.id)
    uris = {i["uri"] for i in package["CFItems"]}
    assert uris == {r.competency_id for r in standard.requirements}
    essential = {
        i["uri"]: i["extensions"]["outcomeMatcher"]["essential"] for i in package["CFItems"]
    }
    assert essential == {r.competency_id: r.essential for r in standard.requirements}


def test_unknown_standard_is_an_input_error(esco: Framework) -> None:
    with pytest.raises(InputError, match="no standard 'nope'"):
        framework_to_cfpackage(esco, "nope")


def third_party_package() -> dict[str, Any]:
    """A package as other CASE tools publish it: items under the document, an outside match."""
    doc = {"identifier": "c6d2a0a0-0000-4000-8000-000000000001", "uri": "https://case.example/doc"}
    a = {"identifier": "c6d2a0a0-0000-4000-8000-00000000000a", "uri": "https://case.example/a"}
    b = {"identifier": "c6d2a0a0-0000-4000-8000-00000000000b"}

    def link(node: dict[str, str]) -> dict[str, str]:
        return {"title": "t", "identifier": node["identifier"], "uri": node.get("uri", "x")}

    def association(kind: str, origin: dict[str, str], target: dict[str, str]) -> dict[str, Any]:
        return {
            "associationType": kind,
            "originNodeURI": link(origin),
            "destinationNodeURI": link(target),
        }

    outside = {"identifier": "elsewhere", "uri": "https://other.example/item/7"}
    return {
        "CFDocument": {
            **doc,
            "title": "Digital skills",
            "creator": "Ministry",
            "language": "fr",
            "version": "2.0",
            "lastChangeDateTime": "2025-01-01T00:00:00Z",
        },
        "CFItems": [
            {
                **a,
                "fullStatement": "Gérer des données",
                "CFItemType": "Competency",
                "humanCodingScheme": "D.1",
                "conceptKeywords": ["données"],
                "educationLevel": ["5"],
            },
            {
                **b,
                "fullStatement": "Concevoir une base de données relationnelle",
                "abbreviatedStatement": "Concevoir une base",
                "CFItemType": "Standard",
                "language": "en",
                "notes": "Une note.",
            },
        ],
        "CFAssociations": [
            association("isChildOf", a, doc),
            association("isChildOf", b, a),
            association("exactMatchOf", b, outside),
            association("isRelatedTo", a, b),
        ],
    }


def test_third_party_package_maps_items_hierarchy_and_links(tmp_path: Path) -> None:
    result = read_cfpackage(write(tmp_path, third_party_package()), name="digital")
    a, b = result.framework.competencies
    assert (a.id, a.label, a.type, a.level, a.lang, a.alt_labels, a.broader) == (
        "https://case.example/a",
        "Gérer des données",
        "competence",
        "5",
        "fr",
        ("données",),
        (),
    )
    assert b.id == "urn:uuid:c6d2a0a0-0000-4000-8000-00000000000b"
    assert (b.type, b.lang, b.broader, b.alt_labels) == (
        None,
        "en",
        (a.id,),
        ("Concevoir une base",),
    )
    assert b.description == "Une note."
    assert result.framework.version == "2.0"
    assert [(x.origin, x.type, x.destination, x.internal) for x in result.links] == [
        (b.id, "exactMatchOf", "elsewhere", False),
        (a.id, "isRelatedTo", b.id, True),
    ]


def broken(change: str) -> dict[str, Any]:
    package = copy.deepcopy(third_party_package())
    if change == "no document":
        del package["CFDocument"]
    elif change == "no items":
        del package["CFItems"]
    elif change == "empty statement":
        package["CFItems"][1]["fullStatement"] = " "
    elif change == "unknown parent":
        package["CFAssociations"][1]["destinationNodeURI"]["identifier"] = "ghost"
    elif change == "unknown origin":
        package["CFAssociations"][3]["originNodeURI"]["identifier"] = "ghost"
    elif change == "keywords not strings":
        package["CFItems"][0]["conceptKeywords"] = ["ok", 3]
    return package


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ("no document", "CFDocument"),
        ("no items", "CFItems"),
        ("empty statement", "CFItems[1].fullStatement"),
        ("unknown parent", "CFAssociations[1].destinationNodeURI"),
        ("unknown origin", "CFAssociations[3].originNodeURI"),
        ("keywords not strings", "CFItems[0].conceptKeywords[1]"),
    ],
)
def test_bad_packages_name_the_json_path(change: str, path: str) -> None:
    with pytest.raises(InputErrors) as caught:
        parse_cfpackage(broken(change), name="x", file="pkg.json")
    assert [e.context["field"] for e in caught.value.errors] == [path]
    assert "pkg.json" in str(caught.value)


def test_not_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text("<CFPackage/>", encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON CFPackage") as caught:
        load_framework(path, "case", name="x")
    assert caught.value.context["file"] == str(path)


def test_a_package_that_is_not_an_object_is_an_input_error() -> None:
    with pytest.raises(InputErrors, match="expected an object, got an array"):
        parse_cfpackage([], name="x")
