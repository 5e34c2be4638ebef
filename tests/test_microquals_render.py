"""The one-page HTML rendering: every element shown, text escaped, missing elements flagged."""

from __future__ import annotations

from html.parser import HTMLParser

from microquals_support import complete
from outcome_matcher.microquals.render import render_html
from outcome_matcher.schemas.micro_qualification import MicroQualification


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_page_shows_the_elements_and_evidence() -> None:
    text = _text(render_html(complete(), generated="2026-12-01"))
    for expected in (
        "Automated software testing",
        "Tallinn University",
        "Harju County, EE",
        "6 ECTS credits",
        "156 hours",
        "NQF of Kazakhstan level 6",
        "project with oral defence",
        "blended (online and onsite)",
        "stackable towards BSc Applied Informatics",
        "execute software tests — esco, exact, confidence 0.91, decision #12",
        "Знает методы тестирования",
    ):
        assert expected in text


def test_text_is_escaped_and_missing_elements_flagged() -> None:
    mq = MicroQualification(title="<script>alert(1)</script>")
    html = render_html(mq)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "missing mandatory element(s): awarding_body" in _text(html)
