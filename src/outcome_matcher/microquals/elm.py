"""Export a micro_qualification as an ELM 3 JSON-LD Qualification (learning-opportunity spec)."""

from __future__ import annotations

import uuid
from typing import Any

from outcome_matcher.errors import InputError
from outcome_matcher.microquals import vocab
from outcome_matcher.schemas.micro_qualification import (
    CompetencyLink,
    LearningOutcome,
    MicroQualification,
)

ELM_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
# edc-ap does not alias id/type (in credentials the W3C VC context does): alias them inline.
CONTEXT = [ELM_CONTEXT, {"id": "@id", "type": "@type"}]
# Subjects of the notes that carry Annex I elements ELM has no property for.
NOTE_SUBJECTS = {
    "quality_assurance": "Type of quality assurance",
    "stackability": "Integration and stackability options",
    "further_information": "Further information",
    "supervision": "Supervision and identity verification",
}

Node = dict[str, Any]


def elm_gaps(mq: MicroQualification) -> list[str]:
    """What the ELM LOQ shapes need beyond a draft: mandatory elements, ISCED-F, national level."""
    gaps = mq.missing_mandatory()
    if not mq.fields_of_education:
        gaps.append("fields_of_education")
    if mq.level is None or mq.level.eqf is None:
        gaps.append("level.eqf")
    if mq.level is None or mq.level.national is None:
        gaps.append("level.national")
    return list(dict.fromkeys(gaps))


def export_elm(mq: MicroQualification) -> Node:
    """The ELM 3 Qualification document; InputError naming the elements it would lack."""
    gaps = elm_gaps(mq)
    if gaps:
        raise InputError(
            "ELM export needs: " + ", ".join(gaps), field="micro_qualification", missing=gaps
        )
    ids = _Ids(mq.id or uuid.uuid4().hex)
    qualification = {"@context": CONTEXT, **_qualification(mq, ids)}
    return qualification


class _Ids:
    """Stable node ids within one document: urn:epass:<kind>:<key>-<n>."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.counts: dict[str, int] = {}

    def __call__(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"urn:epass:{kind}:{self.key}-{self.counts[kind]}"


def _concept(uri: str, label: str, lang: str = "en", **extra: Any) -> Node:
    return {"id": uri, "type": "Concept", "prefLabel": {lang: label}, **extra}


def _note(ids: _Ids, text: str, lang: str, subject: str | None = None) -> Node:
    node: Node = {"id": ids("note"), "type": "Note", "noteLiteral": {lang: text}}
    if subject:
        node["subject"] = _concept(vocab.OM_BASE + "annex-i:" + subject, NOTE_SUBJECTS[subject])
    return node


def _qualification(mq: MicroQualification, ids: _Ids) -> Node:
    lang = mq.language
    assert mq.level is not None and mq.level.eqf is not None and mq.workload is not None
    node: Node = {
        "id": f"urn:epass:qualification:{ids.key}",
        "type": "Qualification",
        "title": {lang: mq.title},
        "learningOutcome": [_outcome(o, ids) for o in mq.learning_outcomes],
        "eqfLevel": _concept(f"{vocab.EQF_BASE}{mq.level.eqf}", f"Level {mq.level.eqf}"),
        "nqfLevel": _national(mq),
        "thematicArea": [_concept(vocab.ISCED_F_BASE + c, c) for c in mq.fields_of_education],
        "language": _concept(vocab.language_uri(lang), lang),
        "awardingOpportunity": _awarding(mq, ids),
        "isPartialQualification": mq.stackability is not None
        and mq.stackability.kind == "stackable",
    }
    if mq.participation:
        p = mq.participation
        node["mode"] = _concept(vocab.MODE_URIS[p], vocab.MODE_LABELS[p])
    if mq.workload.ects is not None:
        node["creditPoint"] = _credits(mq.workload.ects, ids)
    if mq.workload.hours is not None:
        node["volumeOfLearning"] = vocab.duration_of(mq.workload.hours)
    if mq.prerequisites:
        node["entryRequirement"] = _note(ids, mq.prerequisites, lang)
    node["provenBy"] = _assessment(mq, ids)
    notes = _notes(mq, ids)
    if notes:
        node["additionalNote"] = notes
    return node


def _outcome(o: LearningOutcome, ids: _Ids) -> Node:
    node: Node = {
        "id": ids("learningOutcome"),
        "type": "LearningOutcome",
        "title": {o.lang: o.text},
    }
    if o.kind:
        node["dcType"] = _concept(vocab.OM_BASE + "outcome-kind:" + o.kind, o.kind)
    esco = [_skill(link) for link in o.links if link.competency_id.startswith(vocab.ESCO_PREFIX)]
    other = [
        _skill(link) for link in o.links if not link.competency_id.startswith(vocab.ESCO_PREFIX)
    ]
    if esco:
        node["relatedESCOSkill"] = esco
    if other:
        node["relatedSkill"] = other
    return node


def _skill(link: CompetencyLink) -> Node:
    scheme = {"id": vocab.OM_BASE + "framework:" + link.framework, "type": "ConceptScheme"}
    return _concept(link.competency_id, link.label or link.competency_id, inScheme=scheme)


def _national(mq: MicroQualification) -> Node:
    assert mq.level is not None and mq.level.national is not None
    n = mq.level.national
    if n.scale == "other":
        return _concept(n.uri or vocab.OM_BASE + "nqf:other", n.label or "national level")
    label = n.label or f"{vocab.SCALE_NAMES[n.scale]} level {n.value}"
    return _concept(n.uri or f"{vocab.OM_BASE}nqf:{n.scale}:{n.value}", label)


def _credits(ects: float, ids: _Ids) -> Node:
    return {
        "id": ids("creditPoint"),
        "type": "CreditPoint",
        "framework": _concept(vocab.ECTS_URI, "European Credit Transfer System"),
        "point": f"{ects:g}",
    }


def _awarding(mq: MicroQualification, ids: _Ids) -> Node:
    body = mq.awarding_body
    assert body is not None
    address: Node = {"id": ids("address"), "type": "Address"}
    if body.country:
        address["countryCode"] = _concept(vocab.country_uri(body.country), body.country)
    location: Node = {"id": ids("location"), "type": "Location", "address": address}
    if body.region:
        location["geographicName"] = {mq.language: body.region}
    org: Node = {"id": ids("org"), "type": "Organisation", "legalName": {mq.language: body.name}}
    org["location"] = location
    if body.url:
        org["homepage"] = {"id": ids("webResource"), "type": "WebResource", "contentURL": body.url}
    return {
        "id": ids("awardingOpportunity"),
        "type": "AwardingOpportunity",
        "awardingBody": org,
        "learningAchievementSpecification": f"urn:epass:qualification:{ids.key}",
    }


def _assessment(mq: MicroQualification, ids: _Ids) -> Node:
    a = mq.assessment
    assert a is not None
    node: Node = {"id": ids("learningAssessmentSpec"), "type": "LearningAssessmentSpecification"}
    node["title"] = {mq.language: a.type}
    if a.description:
        node["description"] = {mq.language: a.description}
    if mq.grade_scheme:
        node["gradingScheme"] = {
            "id": ids("gradingScheme"),
            "type": "GradingScheme",
            "title": {mq.language: mq.grade_scheme},
        }
    if a.supervision:
        node["additionalNote"] = [_note(ids, a.supervision, mq.language, "supervision")]
    return node


def _notes(mq: MicroQualification, ids: _Ids) -> list[Node]:
    s = mq.stackability
    texts = {
        "quality_assurance": mq.quality_assurance,
        "stackability": None
        if s is None
        else ("stand-alone" if s.kind == "stand_alone" else f"stackable towards: {s.towards}"),
        "further_information": mq.further_information,
    }
    return [_note(ids, text, mq.language, subject) for subject, text in texts.items() if text]
