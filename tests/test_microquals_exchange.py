"""ELM 3 and Open Badges 3.0: exports validate offline, imports read them back, bad input named."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from microquals_support import SAMPLE, SCHEMAS, complete
from outcome_matcher.errors import InputError
from outcome_matcher.microquals.credentials import read_credential
from outcome_matcher.microquals.elm import export_elm
from outcome_matcher.microquals.ob3 import EXTENSION_TERM, export_ob3
from outcome_matcher.microquals.validate import elm_graph, validate_elm, validate_ob3
from outcome_matcher.schemas.micro_qualification import MicroQualification, annex_elements


def _carried_by_elm(mq: MicroQualification) -> dict[str, Any]:
    """ELM keeps a link's framework, URI and label; relation, confidence and decision stay local."""
    elements = annex_elements(mq)
    for outcome in elements["learning_outcomes"]:
        for link in outcome["links"]:
            link.update(relation=None, confidence=None, decision_id=None)
    return elements


def test_elm_export_conforms_to_loq_shapes() -> None:
    doc = export_elm(complete())
    assert validate_elm(doc) == []
    assert len(elm_graph(doc)) > 50


def test_loq_shapes_do_catch_a_broken_export() -> None:
    doc = export_elm(complete())
    del doc["eqfLevel"]
    doc["learningOutcome"][0].pop("title")
    problems = validate_elm(doc)
    assert any("EQFLevel" in p for p in problems)
    assert any("learningOutcome" in p and "title" in p for p in problems)


def test_elm_export_uses_eu_vocabularies_and_esco() -> None:
    doc = export_elm(complete())
    assert doc["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/6"
    assert doc["creditPoint"]["point"] == "6"
    assert doc["volumeOfLearning"] == "PT156H"
    assert doc["mode"]["id"].startswith("http://data.europa.eu/snb/learning-assessment/")
    first, second = doc["learningOutcome"]
    assert first["relatedESCOSkill"][0]["id"].startswith("http://data.europa.eu/esco/skill/")
    assert "relatedESCOSkill" not in second and second["relatedSkill"][0]["id"].startswith(
        "urn:ru-ps"
    )


def test_elm_export_refuses_a_draft_with_gaps() -> None:
    with pytest.raises(InputError) as info:
        export_elm(complete(fields_of_education=[], quality_assurance=None))
    assert info.value.context["missing"] == ["quality_assurance", "fields_of_education"]


def test_elm_round_trip_keeps_the_elements() -> None:
    mq = complete()
    back = read_credential(json.dumps(export_elm(mq)), file="x.jsonld")
    assert back.format == "elm"
    assert annex_elements(back.micro_qualification) == _carried_by_elm(mq)


def test_ob3_export_passes_the_json_schema() -> None:
    doc = export_ob3(complete())
    assert validate_ob3(doc) == []
    achievement = doc["credentialSubject"]["achievement"]
    targets = {a["targetUrl"] for a in achievement["alignment"]}
    assert "http://data.europa.eu/snb/eqf/6" in targets
    assert any(t.startswith("http://data.europa.eu/esco/skill/") for t in targets)
    assert achievement["creditsAvailable"] == 6


def test_json_schema_does_catch_a_broken_badge() -> None:
    doc = export_ob3(complete())
    del doc["credentialSubject"]["achievement"]["criteria"]
    assert any("criteria" in p for p in validate_ob3(doc))


def test_ob3_round_trip_keeps_the_elements() -> None:
    mq = complete()
    back = read_credential(json.dumps(export_ob3(mq)))
    assert back.format == "ob3"
    assert annex_elements(back.micro_qualification) == annex_elements(mq)


def test_ob3_without_our_extension_reads_the_standard_fields() -> None:
    doc = export_ob3(complete())
    del doc["credentialSubject"]["achievement"][EXTENSION_TERM]
    read = read_credential(json.dumps(doc))
    mq = read.micro_qualification
    assert mq.title == "Automated software testing"
    assert [o.text for o in mq.learning_outcomes] == [o.text for o in complete().learning_outcomes]
    assert mq.workload is not None and mq.workload.ects == 6
    assert mq.level is not None and mq.level.eqf == 6
    assert mq.awarding_body is not None and mq.awarding_body.country == "EE"
    assert mq.assessment is not None and mq.assessment.type == "project with oral defence"
    assert {a.competency_id for a in read.alignments} >= {"urn:ru-ps:06.001:A/01.3"}


def test_commission_sample_is_recognised() -> None:
    read = read_credential(SAMPLE.read_bytes(), file=SAMPLE.name)
    mq = read.micro_qualification
    assert mq.title == "Digital micro-credential creation"
    assert mq.awarding_body is not None
    assert (mq.awarding_body.name, mq.awarding_body.country) == ("University of Zed", "IE")
    assert len(mq.learning_outcomes) == 2
    assert sum(len(o.links) for o in mq.learning_outcomes) == 6
    assert mq.workload is not None and (mq.workload.ects, mq.workload.hours) == (2.0, 60.0)
    assert mq.level is not None and mq.level.eqf == 6
    assert mq.level.national is not None and mq.level.national.label == "RQF Level 6"
    assert mq.assessment is not None and mq.assessment.type == "Digital artefact assessment"
    assert mq.assessment.supervision == "Unsupervised without ID Verification"
    assert mq.participation == "blended"
    assert mq.prerequisites and mq.grade_scheme == "Standard grading"
    assert mq.stackability is not None and mq.stackability.kind == "stand_alone"
    assert (read.learner, read.grade) == ("Ana Andromeda", "Pass")
    # The sample carries no accreditation or other statement of its quality assurance.
    assert mq.missing_mandatory() == ["quality_assurance"]


def _sample() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return doc


def _ob3() -> dict[str, Any]:
    doc = export_ob3(complete())
    del doc["credentialSubject"]["achievement"][EXTENSION_TERM]
    return doc


def _drop(doc: dict[str, Any], *path: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return doc


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (
            _drop(_ob3(), "credentialSubject", "achievement", "criteria"),
            "credentialSubject.achievement.criteria",
        ),
        (_drop(_ob3(), "credentialSubject", "achievement"), "credentialSubject.achievement"),
        (
            _drop(_sample(), "credentialSubject", "hasClaim", "specifiedBy", "learningOutcome"),
            "credentialSubject.hasClaim.specifiedBy.learningOutcome",
        ),
        (_drop(_sample(), "credentialSubject", "hasClaim"), "credentialSubject.hasClaim"),
    ],
)
def test_missing_parts_are_named(doc: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as info:
        read_credential(json.dumps(doc), file="in.json")
    assert info.value.context["field"] == field
    assert "in.json" in info.value.message


def test_unsupported_outcome_shapes_are_named() -> None:
    doc = _sample()
    doc["credentialSubject"]["hasClaim"]["specifiedBy"]["learningOutcome"][1] = "just text"
    with pytest.raises(InputError) as info:
        read_credential(json.dumps(doc))
    assert (
        info.value.context["field"] == "credentialSubject.hasClaim.specifiedBy.learningOutcome[1]"
    )
    badge = _ob3()
    badge["credentialSubject"]["achievement"]["criteria"]["narrative"] = "Do well."
    with pytest.raises(InputError, match="Markdown list") as info:
        read_credential(json.dumps(badge))
    assert info.value.context["field"] == "credentialSubject.achievement.criteria.narrative"


def test_bad_extension_value_is_named() -> None:
    doc = export_ob3(complete())
    doc["credentialSubject"]["achievement"][EXTENSION_TERM]["participation"] = "by post"
    with pytest.raises(InputError) as info:
        read_credential(json.dumps(doc))
    assert (
        info.value.context["field"]
        == "credentialSubject.achievement.microQualification.participation"
    )


@pytest.mark.parametrize(
    "data", [b"{not json", b"[1, 2]", b'{"@context": "https://example.org/x"}']
)
def test_not_a_credential(data: bytes) -> None:
    with pytest.raises(InputError):
        read_credential(data, file="bad.json")


def test_bundled_schemas_are_the_official_copies() -> None:
    from outcome_matcher.microquals.validate import SCHEMAS as BUNDLED

    for name, folder in [
        ("LOQ-constraints.ttl", "elm"),
        ("edc-ap-context.jsonld", "elm"),
        ("achievementcredential.json", "ob3"),
        ("context-3.0.3.json", "ob3"),
    ]:
        assert (BUNDLED / name).read_bytes() == (SCHEMAS / folder / name).read_bytes()


def test_url_pattern_of_the_shapes_is_enforced() -> None:
    body = complete().awarding_body
    assert body is not None
    doc = export_elm(complete(awarding_body=body.model_copy(update={"url": "ftp://files.tlu.ee"})))
    assert any("contentUrl" in p for p in validate_elm(doc))


def test_commission_sample_qualification_conforms_offline() -> None:
    spec = _sample()["credentialSubject"]["hasClaim"]["specifiedBy"]
    doc = {
        "@context": [
            "http://data.europa.eu/snb/model/context/edc-ap",
            {"id": "@id", "type": "@type"},
        ]
    }
    assert validate_elm({**doc, **spec}) == []
