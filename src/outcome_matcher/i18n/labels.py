"""English names of the vocabulary's codes (statuses, verdicts, ...), marked for translation."""

from __future__ import annotations

from outcome_matcher.i18n.translator import N_, Translator

# Codes stay English in data and URLs; only these names are shown and translated.
STATUS: dict[str, str] = {
    "confirmed": N_("confirmed"),
    "partial": N_("partial"),
    "pending": N_("awaiting a second reviewer"),
    "suggested": N_("suggested"),
    "rejected": N_("rejected"),
    "none": N_("no suggestion"),
    "gap": N_("gap"),
}
VERDICT: dict[str, str] = {
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "partial": N_("partial"),
    "withdrawn": N_("withdrawn"),
}
RELATION: dict[str, str] = {
    "exact": N_("exact match"),
    "close": N_("close match"),
    "broad": N_("broader competency"),
    "narrow": N_("narrower competency"),
    "related": N_("related"),
}
ROLE: dict[str, str] = {
    "admin": N_("administrator"),
    "designer": N_("programme designer"),
    "reviewer": N_("reviewer"),
    "auditor": N_("auditor"),
}
COMPETENCY_TYPE: dict[str, str] = {
    "knowledge": N_("knowledge"),
    "skill": N_("skill"),
    "competence": N_("competence"),
}
BLOOM: tuple[str, ...] = (
    N_("remember"),
    N_("understand"),
    N_("apply"),
    N_("analyse"),
    N_("evaluate"),
    N_("create"),
)
SIGN_OFF: dict[str, str] = {
    "complete": N_("complete"),
    "in progress": N_("in progress"),
    "not started": N_("not started"),
}
LEVEL_CHECK: dict[str, str] = {
    "ok": N_("at the expected level"),
    "lower": N_("lower level"),
    "unknown": N_("level unknown"),
}
CHANGE: dict[str, str] = {
    "gained": N_("gained"),
    "lost": N_("lost"),
    "strengthened": N_("strengthened"),
    "weakened": N_("weakened"),
    "unchanged": N_("unchanged"),
}
GROUPS: dict[str, str] = {"essential": N_("essential"), "optional": N_("optional")}
MQ_STATUS: dict[str, str] = {"draft": N_("draft"), "published": N_("published")}
EVIDENCE: dict[str, str] = {
    "confirmed": N_("confirmed"),
    "partial": N_("partial"),
    "suggestion": N_("suggested"),
}
RECOGNITION: dict[str, str] = {"replace": N_("could replace"), "credit": N_("could credit")}
PARTICIPATION: dict[str, str] = {
    "online": N_("online"),
    "onsite": N_("onsite"),
    "blended": N_("blended"),
}
SIGNOFF_VERDICT: dict[str, str] = {"approved": N_("approved"), "rejected": N_("rejected")}
# The mandatory Annex I elements, by the names MicroQualification.missing_mandatory() returns.
ELEMENT: dict[str, str] = {
    "title": N_("Title"),
    "awarding_body": N_("Awarding body"),
    "awarding_body.country": N_("Country or region of the awarding body"),
    "learning_outcomes": N_("Learning outcomes"),
    "workload": N_("Workload"),
    "level": N_("Level"),
    "assessment": N_("Assessment"),
    "participation": N_("Form of participation"),
    "quality_assurance": N_("Quality assurance"),
}
TABLES: dict[str, dict[str, str]] = {
    "status": STATUS,
    "verdict": VERDICT,
    "relation": RELATION,
    "role": ROLE,
    "type": COMPETENCY_TYPE,
    "sign_off": SIGN_OFF,
    "level_check": LEVEL_CHECK,
    "change": CHANGE,
    "group": GROUPS,
    "mq_status": MQ_STATUS,
    "evidence": EVIDENCE,
    "recognition": RECOGNITION,
    "participation": PARTICIPATION,
    "signoff": SIGNOFF_VERDICT,
    "element": ELEMENT,
}


def label(tr: Translator, table: str, code: str | None) -> str:
    """The translated name of `code` in `table` ('status', 'verdict', ...); unknown codes as is."""
    if not code:
        return ""
    name = TABLES[table].get(code)
    return tr.gettext(name) if name else code


def bloom(tr: Translator, level: int | None) -> str:
    """A Bloom level's name ('apply' in the interface language), '-' when unknown."""
    return tr.gettext(BLOOM[level - 1]) if level and 1 <= level <= len(BLOOM) else "-"


# A level as the reader's ministry writes its scale: "НКР 6" in Russian, "ҰБШ 6" in Kazakh.
SCALE: dict[str, str] = {
    "eqf": N_("EQF %(level)s"),
    "ru_nqf": N_("RU NQF %(level)s"),
    "kz_nqf": N_("KZ NQF %(level)s"),
    "uz_nqf": N_("UZ NQF %(level)s"),
}


def level(tr: Translator, text: str | None, scale: str | None, eqf: int | None = None) -> str:
    """A requirement's level with its scale and, off the EQF, its EQF level: "НКР 6 / EQF 6"."""
    if not text:
        return ""
    own = SCALE.get(scale or "")
    shown = tr.gettext(own) % {"level": text} if own else text
    if eqf is not None and scale != "eqf":
        shown += " / " + tr.gettext(SCALE["eqf"]) % {"level": eqf}
    return shown
