"""Helpers for report tests: decisions in the tiny store, an HTML reader, synthetic reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

from outcome_matcher.reports.data import (
    Evidence,
    MatrixCell,
    ModuleRef,
    Provenance,
    Report,
    ReportSummary,
    RequirementReport,
    Share,
)
from outcome_matcher.store import Store
from outcome_matcher.store.public import DecisionCreate

STANDARD = "SD Software developer"
NOW = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)


def decide(
    store: Store,
    module: str,
    competency: str,
    verdict: str,
    reviewer: str = "reviewer-user",
    *,
    framework: str = "demo",
    catalogue: str | None = None,
) -> None:
    """Record a decision on a link of programme BSC-SD."""
    store.decide(
        DecisionCreate(
            programme="BSC-SD",
            catalogue=catalogue,
            module=module,
            framework=framework,
            competency_id=competency,
            verdict=verdict,  # type: ignore[arg-type]
            relation=None if verdict == "rejected" else "exact",
            expected_version=0,
        ),
        store.get_user(reviewer),
    )


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parts: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """Every element with its attributes and whole text content."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in ("meta", "br", "img", "input", "link"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            element = self._open.pop()
            element.text = " ".join("".join(element.parts).split())
            if self._open:
                self._open[-1].parts.append(" " + "".join(element.parts) + " ")
            if element.tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].parts.append(data)

    def find(self, **attrs: str) -> list[Element]:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.elements if all(e.attrs.get(k) == v for k, v in wanted.items())]

    def field(self, name: str) -> str:
        return self.find(data_field=name)[0].text

    def by_class(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.attrs.get("class", "").split()]


def synthetic_report(n_requirements: int, n_modules: int = 6) -> Report:
    """A report of any size without a model: for picture dimensions and render timings."""
    modules = tuple(ModuleRef(code=f"M{j:02d}", title=f"Module {j}") for j in range(n_modules))
    statuses = ("confirmed", "suggested", "gap")
    requirements = tuple(
        RequirementReport(
            competency_id=f"R{i}",
            label=f"requirement {i} " + "with a rather long label that must be cut " * (i % 2),
            essential=i % 3 != 0,
            unit=f"U{i // 25 + 1} Unit",
            type="skill",
            level=None,
            expected_bloom=3,
            status=statuses[i % 3],  # type: ignore[arg-type]
            over_covered=False,
            evidence=(),
            level_check="unknown",
            p_lower=None,
        )
        for i in range(n_requirements)
    )
    matrix = tuple(
        tuple(
            MatrixCell(
                status="suggested" if (i + j) % 4 == 0 else "none", score=0.7 + (i * j % 7) / 30
            )
            for j in range(n_modules)
        )
        for i in range(n_requirements)
    )
    share = Share.of(n_requirements, 0, 0)
    return Report(
        provenance=Provenance(
            programme="P",
            programme_title="Programme",
            catalogue=None,
            framework="f",
            framework_version="1",
            standard_id="S",
            standard_label="Standard",
            model_name="m",
            model_fingerprint="0" * 12,
            index_fingerprint=None,
            threshold=0.8,
            calibrated=False,
            four_eyes=False,
            generated=NOW,
            level_rule="rule",
        ),
        summary=ReportSummary(
            essential=share,
            optional=share,
            over_covered=0,
            lower_level=0,
            sign_off="not started",
            needs_review=0,
            pending=0,
        ),
        modules=modules,
        requirements=requirements,
        matrix=matrix,
    )


__all__ = ["NOW", "STANDARD", "Evidence", "Page", "decide", "synthetic_report"]
