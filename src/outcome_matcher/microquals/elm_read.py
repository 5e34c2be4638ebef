"""Read an ELM 3 / Europass credential or Qualification (compacted JSON-LD, as EDC issues it)."""

from __future__ import annotations

from typing import Any

from outcome_matcher.microquals import vocab
from outcome_matcher.microquals.elm import NOTE_SUBJECTS
from outcome_matcher.microquals.jsonpath import At
from outcome_matcher.schemas.micro_qualification import (
    Assessment,
    AwardingBody,
    CompetencyLink,
    LearningOutcome,
    Level,
    NationalLevel,
    Stackability,
    Workload,
)

SPEC_TYPES = {"Qualification", "LearningAchievementSpecification"}
_SUBJECT_OF = {vocab.OM_BASE + "annex-i:" + key: key for key in NOTE_SUBJECTS}


def _label(node: At | None, lang: str) -> str | None:
    """A concept's prefLabel (or a node's title) as plain text."""
    if node is None:
        return None
    found = node.get("prefLabel") or node.get("title")
    return found.lang_text(lang)[0] if found else None


def _id(node: At | None) -> str | None:
    if node is None:
        return None
    value = node.first().value
    if isinstance(value, str):
        return value
    return value.get("id") if isinstance(value, dict) else None


def locate(root: At) -> tuple[At | None, At]:
    """(claim, specification): a credential's first claim and what specifies it, or a bare spec."""
    if root.types() & SPEC_TYPES:
        return None, root
    claim = root.req("credentialSubject", "the credential subject").req("hasClaim", "a claim")
    return claim, claim.req("specifiedBy", "the claim's specification (Qualification)")


def outcomes(spec: At, lang: str) -> list[LearningOutcome]:
    found = spec.req("learningOutcome", "learning outcomes")
    out = []
    for item in found.items():
        if not isinstance(item.value, dict):
            raise item.error("unsupported learning outcome: expected a LearningOutcome object")
        text, text_lang = item.req("title", "the outcome's title").lang_text(lang)
        kind = (_id(item.get("dcType")) or "").removeprefix(vocab.OM_BASE + "outcome-kind:")
        links = [
            _link(s, lang) for key in ("relatedESCOSkill", "relatedSkill") for s in _all(item, key)
        ]
        out.append(
            LearningOutcome.model_validate(
                {"text": text, "lang": text_lang, "kind": kind or None, "links": links}
            )
        )
    return out


def _all(node: At, key: str) -> list[At]:
    found = node.get(key)
    return found.items() if found else []


def _link(skill: At, lang: str) -> CompetencyLink:
    uri = _id(skill)
    if not uri:
        raise skill.error("a related skill needs an id (its URI)")
    scheme = _id(skill.get("inScheme")) or ""
    if scheme.startswith(vocab.OM_BASE + "framework:"):
        framework = scheme.removeprefix(vocab.OM_BASE + "framework:")
    elif uri.startswith(vocab.ESCO_PREFIX):
        framework = "esco"
    else:
        framework = scheme or uri.rsplit("/", 1)[0]
    return CompetencyLink(framework=framework, competency_id=uri, label=_label(skill, lang) or "")


def awarding_body(claim: At | None, spec: At, root: At, lang: str) -> AwardingBody | None:
    candidates = [
        claim.get("awardedBy") if claim else None,
        spec.get("awardingOpportunity"),
    ]
    org = next((c.get("awardingBody") for c in candidates if c and c.get("awardingBody")), None)
    org = org or root.get("issuer")
    if org is None or not isinstance(org.first().value, dict):
        return None
    name = org.get("legalName") or org.get("prefLabel") or org.get("name")
    location = org.get("location")
    address = location.get("address") if location else None
    country = _id(address.get("countryCode")) if address else None
    region = None
    if location:
        geo = location.get("geographicName")
        region = geo.lang_text(lang)[0] if geo else _label(location.get("spatialCode"), lang)
    home = org.get("homepage")
    url = home.get("contentURL") if home else None
    return AwardingBody(
        name=name.lang_text(lang)[0] if name else "",
        country=vocab.country_code(country) if country else None,
        region=region,
        url=url.string() if url else None,
    )


def workload(spec: At) -> Workload | None:
    ects = None
    for credit in _all(spec, "creditPoint"):
        if _id(credit.get("framework")) == vocab.ECTS_URI and credit.get("point"):
            ects = float(credit.req("point").string())
    volume = spec.get("volumeOfLearning")
    hours = vocab.hours_of(volume.string()) if volume else None
    return Workload(ects=ects, hours=hours) if ects or hours else None


def level(spec: At, lang: str) -> Level | None:
    eqf = vocab.eqf_level(_id(spec.get("eqfLevel")) or "")
    nqf = spec.get("nqfLevel")
    national = _national(_id(nqf) or "", _label(nqf, lang)) if nqf else None
    return Level(eqf=eqf, national=national) if eqf or national else None


def _national(uri: str, label: str | None) -> NationalLevel:
    parts = uri.removeprefix(vocab.OM_BASE + "nqf:").split(":")
    if len(parts) == 2 and parts[0] in vocab.SCALE_NAMES and parts[1].isdigit():
        return NationalLevel.model_validate({"scale": parts[0], "value": int(parts[1])})
    return NationalLevel(scale="other", label=label, uri=uri or None)


def notes(node: At, lang: str) -> tuple[dict[str, str], list[str]]:
    """Our Annex I notes by subject, and the other notes' texts."""
    known: dict[str, str] = {}
    other: list[str] = []
    for note in _all(node, "additionalNote"):
        text = note.req("noteLiteral").lang_text(lang)[0]
        subject = _SUBJECT_OF.get(_id(note.get("subject")) or "")
        if subject:
            known[subject] = text
        else:
            other.append(text)
    return known, other


def assessment(claim: At | None, spec: At, lang: str) -> tuple[Assessment | None, str | None]:
    """The assessment and the grading scheme's title."""
    done = claim.get("provenBy") if claim else None
    las = (done.get("specifiedBy") if done else None) or spec.get("provenBy")
    if las is None:
        return None, None
    kind = _label(las, lang) or _label(las.get("dcType"), lang) or ""
    text = las.get("description")
    supervision = _label(done.get("idVerification"), lang) if done else None
    supervision = supervision or notes(las, lang)[0].get("supervision")
    scheme = _label(las.get("gradingScheme"), lang)
    found = Assessment(
        type=kind, description=text.lang_text(lang)[0] if text else None, supervision=supervision
    )
    return found, scheme


def stackability(spec: At, note: str | None) -> Stackability | None:
    if note:
        towards = note.removeprefix("stackable towards:").strip()
        return (
            Stackability(kind="stand_alone")
            if note == "stand-alone"
            else Stackability(kind="stackable", towards=towards)
        )
    partial = spec.get("isPartialQualification")
    if partial is None or not isinstance(partial.value, bool):
        return None
    part_of = spec.get("isPartOf")
    towards = (
        _label(part_of, "en") if part_of else None
    ) or "a qualification not named in the credential"
    return (
        Stackability(kind="stackable", towards=towards)
        if partial.value
        else Stackability(kind="stand_alone")
    )


def quality_assurance(spec: At, org_holder: At | None, note: str | None, lang: str) -> str | None:
    if note:
        return note
    for holder in (spec, org_holder):
        accreditation = holder.get("accreditation") if holder else None
        if accreditation:
            return _label(accreditation, lang) or _label(accreditation.get("dcType"), lang)
    return None


def iso_codes(spec: At) -> list[str]:
    ids: list[Any] = [_id(area) for area in _all(spec, "thematicArea")]
    return [
        i.removeprefix(vocab.ISCED_F_BASE)
        for i in ids
        if isinstance(i, str) and i.startswith(vocab.ISCED_F_BASE)
    ]
