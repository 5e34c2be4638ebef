"""Lead-in phrases ("On completion the student is able to:") stripped before outcome statements."""

from __future__ import annotations

import re
from functools import lru_cache

# Per language: an optional time clause, the learner, and the ability phrase. Word order
# decides how they combine: SVO languages need the ability phrase ("students will be able
# to"), SOV languages (kk, uz, et) put the verb last, so the learner alone is the lead-in,
# and German puts the modal before or after the learner.
_TIME = {
    "en": r"(?:up)?on\b|after\b|by\s+the\s+end\b|at\s+the\s+end\b|having\b|following\b",
    "ru": r"по\s+(?:окончании|завершении|итогам)|после\b|в\s+результате|в\s+конце",
    "kk": r"\w+\s+(?:аяқтағаннан|меңгергеннен|оқығаннан)\s+кейін|\w+\s+соңында",
    "uz": r"\w+\s+(?:tugatgandan|o['‘’ʻ]zlashtirgandan|yakunlagandan)\s+so['‘’ʻ]ng"
    r"|\w+\s+(?:тугатгандан|ўзлаштиргандан|якунлагандан)\s+сўнг",
    "et": r"(?:aine|mooduli|kursuse|õppeaine|õppekava)\s+(?:edukalt\s+)?läbinud"
    r"|(?:aine|mooduli|kursuse)\s+lõpuks",
    "fr": r"à\s+l['’]issue\b|à\s+la\s+fin\b|au\s+terme\b|après\b|en\s+fin\s+de\b",
    "it": r"al\s+termine\b|alla\s+fine\b|a\s+conclusione\b|dopo\b|al\s+completamento\b",
    "de": r"nach\b|am\s+ende\b|mit\s+(?:dem\s+)?abschluss\b",
}
_WHO = {
    "en": r"(?:the\s+|a\s+|each\s+)?(?:students?|learners?|graduates?|participants?|trainees?)",
    "ru": r"(?:студент\w*|обучающи\w+|выпускник\w*|слушател\w+|учащи\w+)",
    "kk": r"(?:білім\s+алушы(?:лар)?|студент(?:тер)?|түлек(?:тер)?)",
    "uz": r"(?:talaba(?:lar)?|o['‘’ʻ]quvchi(?:lar)?|tinglovchi(?:lar)?|талаба(?:лар)?"
    r"|ўқувчи(?:лар)?)",
    "et": r"(?:üliõpilane|üliõpilased|õppija|õppijad|õpilane|õpilased|lõpetaja|lõpetajad)",
    "fr": r"(?:l['’]\s*|les\s+|chaque\s+)?(?:étudiant|apprenant|élève|stagiaire|diplômé)e?s?"
    r"(?:\s*\(e\))?",
    "it": r"(?:lo\s+|la\s+|il\s+|gli\s+|le\s+|ogni\s+)?(?:studente|studentessa|studenti|allievo"
    r"|allievi|discente|discenti|laureato|laureati)",
    "de": r"(?:die\s+|der\s+|jede[rs]?\s+)?(?:studierenden?|studenten|student(?:in)?|"
    r"teilnehmenden|teilnehmer(?:innen)?|absolvent(?:inn)?en|lernenden)",
}
_CAN = {
    "en": r"(?:(?:will|should|shall|must)\s+(?:be\s+able\s+to|be\s+capable\s+of|demonstrate"
    r"\s+(?:the\s+)?ability\s+to)|(?:is|are)\s+able\s+to|can|will|should)",
    "ru": r"(?:(?:должен|должна|должны|будет|будут)\s+(?:уметь|быть\s+способ\w+|способ\w+|"
    r"в\s+состоянии|знать\s+и\s+уметь)|сможет|смогут|способ\w+|может|могут|умеет|умеют)",
    "et": r"(?:oskab|oskavad|suudab|suudavad|on\s+võimeline|on\s+võimelised)",
    "fr": r"(?:(?:sera|seront|est|sont|doit|doivent|devra|devront)\s+(?:capables?|en\s+mesure|"
    r"aptes?)\s+(?:de\s+|d['’]\s*)|peut|peuvent|pourra|pourront|saura|sauront)",
    "it": r"(?:(?:sarà|saranno|è|sono|dovrà|dovranno)\s+(?:in\s+grado|capac[ei])\s+di"
    r"|saprà|sapranno|potrà|potranno)",
    "de": r"(?:können|kann|werden|sollen|sind\s+in\s+der\s+lage|ist\s+in\s+der\s+lage|"
    r"sind\s+fähig|ist\s+fähig)",
}
_SOV = {"kk", "uz", "et"}
_END = r"\s*(?:[:：\-–—]\s*|\s+|$)"


def _pattern(lang: str) -> str:
    time = rf"(?:(?:{_TIME[lang]})[^.;:!?]{{0,100}}?,?\s*)?"
    who, can = _WHO[lang], _CAN.get(lang)
    if lang == "de":
        # "Nach dem Modul können die Studierenden:" or "Die Studierenden können ..."
        return rf"^{time}(?:{can}\s+{who}|{who}\s+{can}){_END}"
    if lang in _SOV:
        ability = rf"(?:\s+{can})?" if can else ""
        return rf"^{time}{who}{ability}{_END}"
    return rf"^{time}{who}\s+{can}{_END}"


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(_pattern(lang), re.IGNORECASE) for lang in _WHO)


# A heading ending in a colon is a lead-in when it mentions a learner or completion.
_COLON_HEAD = re.compile(r"^([^:：]{0,200})[:：]\s*")
_HEAD_WORDS = re.compile(
    r"student|learner|graduate|complet|able\s+to|студент|обучающ|выпускник|слушател|окончани|"
    r"завершени|освоени|білім\s+алушы|аяқта|talaba|tugat|талаба|тугат|üliõpila|õppija|läbinud|"
    r"étudiant|apprenant|l['’]issue|studente|studenti|termine|studierende|abschluss|absolvent",
    re.IGNORECASE,
)


def strip_lead_in(text: str) -> str:
    """`text` without a leading "students will be able to"-style phrase, in any language."""
    head = _COLON_HEAD.match(text)
    if head and _HEAD_WORDS.search(head.group(1)):
        return text[head.end() :].strip()
    # Patterns overlap across languages (the Kazakh learner "студент" is also Russian), so
    # the longest lead-in wins.
    ends = [found.end() for pattern in _compiled() if (found := pattern.match(text))]
    return text[max(ends) :].strip() if ends else text
