"""Recognise an issued credential: read OB3 or ELM 3 / Europass JSON(-LD) into the model."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from outcome_matcher.errors import InputError
from outcome_matcher.microquals import elm_read, vocab
from outcome_matcher.microquals.jsonpath import At
from outcome_matcher.microquals.ob3 import EQF_TARGET_TYPE, EXTENSION_TERM
from outcome_matcher.schemas.micro_qualification import (
    Assessment,
    AwardingBody,
    CompetencyLink,
    LearningOutcome,
    Level,
    MicroQualification,
    Workload,
)

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.+?)\s*$")


class ImportedCredential(BaseModel):
    """A credential read from a file: the micro_qualification it certifies, the learner's part."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["elm", "ob3"]
    micro_qualification: MicroQualification
    learner: str | None = None
    issued: str | None = None
    grade: str | None = None
    alignments: list[CompetencyLink] = []


def read_credential(data: str | bytes, *, file: str | None = None) -> ImportedCredential:
    """Parse and read; InputError naming the path inside the document when it cannot be imported."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}", file=file) from exc
    if not isinstance(doc, dict):
        raise InputError("a credential is a JSON object", file=file)
    root = At(doc, "", file)
    kind = _format(root)
    try:
        return read_ob3(root) if kind == "ob3" else read_elm(root)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"unsupported value: {first['msg']}", file=file, field=where) from exc


def _format(root: At) -> str:
    contexts = root.value.get("@context", [])
    contexts = [contexts] if isinstance(contexts, str) else contexts
    urls = " ".join(c for c in contexts if isinstance(c, str))
    types = root.types()
    if "imsglobal.org/spec/ob" in urls or types & {
        "OpenBadgeCredential",
        "AchievementCredential",
        "Achievement",
    }:
        return "ob3"
    if "data.europa.eu/snb" in urls or types & elm_read.SPEC_TYPES:
        return "elm"
    raise root.error(
        "neither an Open Badges 3.0 nor an ELM 3 credential (@context and type unknown)"
    )


def read_elm(root: At) -> ImportedCredential:
    claim, spec = elm_read.locate(root)
    lang_node = spec.get("language")
    lang = vocab.language_code(elm_read._id(lang_node) or "ENG") if lang_node else "en"
    title_node = spec.get("title") or (claim.get("title") if claim else None)
    if title_node is None:
        raise spec.error("missing the title (title)")
    own, others = elm_read.notes(spec, lang)
    assessment, grade_scheme = elm_read.assessment(claim, spec, lang)
    mode = spec.get("mode") or _activity_mode(claim)
    body_holder = claim.get("awardedBy") if claim else spec.get("awardingOpportunity")
    mq = MicroQualification(
        title=title_node.lang_text(lang)[0],
        language=lang,
        awarding_body=elm_read.awarding_body(claim, spec, root, lang),
        learning_outcomes=elm_read.outcomes(spec, lang),
        workload=elm_read.workload(spec),
        level=elm_read.level(spec, lang),
        assessment=assessment,
        participation=_participation(mode, lang),
        quality_assurance=elm_read.quality_assurance(
            spec,
            body_holder.get("awardingBody") if body_holder else None,
            own.get("quality_assurance"),
            lang,
        ),
        fields_of_education=elm_read.iso_codes(spec),
        prerequisites=_note_text(spec.get("entryRequirement"), lang),
        grade_scheme=grade_scheme,
        stackability=elm_read.stackability(spec, own.get("stackability")),
        further_information=own.get("further_information") or _further(others, claim, lang),
    )
    return ImportedCredential(
        format="elm",
        micro_qualification=mq,
        learner=_plain(root, "credentialSubject", "fullName"),
        issued=_plain(root, "validFrom") or _plain(root, "issuanceDate"),
        grade=_grade(claim, lang),
    )


def _further(others: list[str], claim: At | None, lang: str) -> str | None:
    """Notes without an Annex I subject, else the learning activity's description."""
    activity = claim.get("influencedBy") if claim else None
    described = activity.get("description") if activity else None
    return "\n".join(others) or (described.lang_text(lang)[0] if described else None)


def _grade(claim: At | None, lang: str) -> str | None:
    done = claim.get("provenBy") if claim else None
    return _note_text(done.get("grade") if done else None, lang)


def _activity_mode(claim: At | None) -> At | None:
    activity = claim.get("influencedBy") if claim else None
    spec = activity.get("specifiedBy") if activity else None
    return spec.get("mode") if spec else None


def _participation(mode: At | None, lang: str) -> Any:
    if mode is None:
        return None
    label = elm_read._label(mode, lang) or elm_read._id(mode) or ""
    return vocab.participation_of(elm_read._id(mode) or "") or vocab.participation_of(label)


def _note_text(note: At | None, lang: str) -> str | None:
    literal = note.get("noteLiteral") if note else None
    return literal.lang_text(lang)[0] if literal else None


def _plain(root: At, *keys: str) -> str | None:
    """Text at a key path: a string, or a language map's preferred text."""
    node: At | None = root
    for key in keys:
        node = node.get(key) if node else None
    if node is None:
        return None
    return node.lang_text()[0] if isinstance(node.first().value, dict) else node.string()


def read_ob3(root: At) -> ImportedCredential:
    ach = (
        root if "Achievement" in root.types() else root.req("credentialSubject").req("achievement")
    )
    name = ach.req("name", "the achievement's name").string()
    ext = ach.get(EXTENSION_TERM)
    mq = _from_extension(ext, name) if ext is not None else _from_standard(root, ach, name)
    links = _ob3_links(ach)
    return ImportedCredential(
        format="ob3",
        micro_qualification=mq,
        learner=_plain(root, "credentialSubject", "name"),
        issued=_plain(root, "validFrom"),
        alignments=links,
    )


def _from_extension(ext: At, name: str) -> MicroQualification:
    try:
        return MicroQualification.model_validate({**ext.obj(), "title": name})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            f"unsupported value: {first['msg']}",
            file=ext.file,
            field=ext.path + "." + ".".join(str(p) for p in first["loc"]),
        ) from exc


def _from_standard(root: At, ach: At, name: str) -> MicroQualification:
    narrative = ach.req("criteria", "the achievement's criteria").req(
        "narrative", "the criteria narrative"
    )
    text = narrative.string()
    lang = ach.opt("inLanguage") or "en"
    outcomes = [
        LearningOutcome(text=m.group(1), lang=lang)
        for line in text.splitlines()
        if (m := _BULLET.match(line))
    ]
    if not outcomes:
        raise narrative.error(
            "no learning outcomes: expected them as a Markdown list in the narrative"
        )
    assessment = next(
        (
            line.split(":", 1)[1].strip()
            for line in text.splitlines()
            if line.startswith("Assessment:")
        ),
        "",
    )
    credits = ach.get("creditsAvailable")
    eqf = next(
        (vocab.eqf_level(a.targetUrl) for a in _alignments(ach) if a.targetType == EQF_TARGET_TYPE),
        None,
    )
    return MicroQualification(
        title=name,
        language=lang,
        awarding_body=_ob3_body(ach.get("creator") or root.get("issuer")),
        learning_outcomes=outcomes,
        workload=Workload(ects=float(credits.value)) if credits else None,
        level=Level(eqf=eqf) if eqf else None,
        assessment=Assessment(type=assessment) if assessment else None,
        further_information=ach.opt("description"),
    )


class _Alignment(BaseModel):
    targetUrl: str
    targetName: str = ""
    targetFramework: str = ""
    targetType: str = ""


def _alignments(ach: At) -> list[_Alignment]:
    found = ach.get("alignment")
    out = []
    for item in found.items() if found else []:
        try:
            out.append(_Alignment.model_validate(item.obj(), strict=False))
        except ValidationError as exc:
            raise item.error(f"unsupported alignment: {exc.errors()[0]['msg']}") from exc
    return out


def _ob3_links(ach: At) -> list[CompetencyLink]:
    return [
        CompetencyLink(
            framework=a.targetFramework or "unknown", competency_id=a.targetUrl, label=a.targetName
        )
        for a in _alignments(ach)
        if a.targetType != EQF_TARGET_TYPE
    ]


def _ob3_body(profile: At | None) -> AwardingBody | None:
    if profile is None or not isinstance(profile.first().value, dict):
        return None
    address = profile.get("address")
    return AwardingBody(
        name=profile.opt("name") or "",
        country=address.opt("addressCountryCode") if address else None,
        region=address.opt("addressRegion") if address else None,
        url=profile.opt("url"),
    )
