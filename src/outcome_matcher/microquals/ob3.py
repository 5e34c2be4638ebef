"""Export a micro_qualification as an Open Badges 3.0 Achievement and a credential template."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from outcome_matcher.microquals import vocab
from outcome_matcher.schemas.micro_qualification import MicroQualification, annex_elements

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# OB3 has no property for most Annex I elements: they travel in one JSON-literal extension term.
EXTENSION_TERM = "microQualification"
EXTENSION_CONTEXT = {
    "om": vocab.OM_BASE + "ns#",
    EXTENSION_TERM: {"@id": "om:microQualification", "@type": "@json"},
}
EQF_FRAMEWORK = "European Qualifications Framework"
EQF_TARGET_TYPE = "ext:EQFLevel"

Node = dict[str, Any]


def achievement(mq: MicroQualification) -> Node:
    """The OB3 Achievement: name, description, criteria, credits, language, alignments, creator."""
    node: Node = {
        "id": f"{vocab.OM_BASE}micro-qualification:{mq.id or uuid.uuid4().hex}",
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": mq.title,
        "description": mq.further_information or f"Micro-credential: {mq.title}",
        "criteria": {"narrative": criteria_narrative(mq)},
        "inLanguage": mq.language,
        "alignment": _alignments(mq),
    }
    if mq.workload and mq.workload.ects is not None:
        node["creditsAvailable"] = mq.workload.ects
    if mq.fields_of_education:
        node["fieldOfStudy"] = ", ".join(mq.fields_of_education)
    if mq.awarding_body and mq.awarding_body.name:
        node["creator"] = _profile(mq)
    node[EXTENSION_TERM] = annex_elements(mq)
    return node


def criteria_narrative(mq: MicroQualification) -> str:
    """Markdown for humans: the learning outcomes as a list, then how they are assessed."""
    lines = ["Learning outcomes:", *(f"- {o.text}" for o in mq.learning_outcomes)]
    if mq.assessment and mq.assessment.type:
        lines += ["", f"Assessment: {mq.assessment.type}"]
    return "\n".join(lines)


def _alignments(mq: MicroQualification) -> list[Node]:
    seen: dict[str, Node] = {}
    for outcome in mq.learning_outcomes:
        for link in outcome.links:
            seen.setdefault(
                link.competency_id,
                {
                    "type": ["Alignment"],
                    "targetUrl": link.competency_id,
                    "targetName": link.label or link.competency_id,
                    "targetFramework": link.framework,
                    "targetCode": vocab.last_segment(link.competency_id),
                    "targetType": "ceasn:Competency",
                },
            )
    out = list(seen.values())
    if mq.level and mq.level.eqf is not None:
        out.append(
            {
                "type": ["Alignment"],
                "targetUrl": f"{vocab.EQF_BASE}{mq.level.eqf}",
                "targetName": f"EQF level {mq.level.eqf}",
                "targetFramework": EQF_FRAMEWORK,
                "targetCode": str(mq.level.eqf),
                "targetType": EQF_TARGET_TYPE,
            }
        )
    return out


def _profile(mq: MicroQualification) -> Node:
    body = mq.awarding_body
    assert body is not None
    key = uuid.uuid5(uuid.NAMESPACE_URL, body.url or body.name)
    node: Node = {"id": body.url or f"urn:uuid:{key}", "type": ["Profile"], "name": body.name}
    if body.url:
        node["url"] = body.url
    address: Node = {"type": ["Address"]}
    if body.country:
        address["addressCountryCode"] = body.country
    if body.region:
        address["addressRegion"] = body.region
    if len(address) > 1:
        node["address"] = address
    return node


def export_ob3(mq: MicroQualification, *, valid_from: datetime | None = None) -> Node:
    """An unsigned OpenBadgeCredential template (no recipient, no proof) with the Achievement."""
    ach = achievement(mq)
    issuer = ach.get("creator") or {"id": f"urn:uuid:{uuid.uuid4()}", "type": ["Profile"]}
    when = (valid_from or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT, EXTENSION_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": mq.title,
        "issuer": issuer,
        "validFrom": when.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": ach},
    }
