"""Server-side rules for a decision: how confident the machine was, and when a reason is due."""

from __future__ import annotations

from typing import Literal

from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.retrieval.matcher import CellScore, Matcher, group_by_module
from outcome_matcher.store import DecisionCreate, Store

Band = Literal["high", "medium", "low"]

HIGH_CONFIDENCE = 0.8
# Without a calibration, "high" means this far above the operating threshold on the raw score.
UNCALIBRATED_MARGIN = 0.05


def confidence_band(
    matcher: Matcher,
    score: float,
    margin: float = UNCALIBRATED_MARGIN,
    framework: str | None = None,
) -> Band:
    """high: confidence >= 0.8 (or score >= threshold + margin uncalibrated); low: under the
    operating threshold; medium in between (the framework's calibration when it has one)."""
    confidence = matcher.confidence(score, framework=framework)
    threshold = matcher.threshold_of(framework)
    high = confidence >= HIGH_CONFIDENCE if confidence is not None else score >= threshold + margin
    if high:
        return "high"
    return "low" if score < threshold else "medium"


def link_score(store: Store, matcher: Matcher, d: DecisionCreate) -> CellScore | None:
    """The matcher's score for the decided module–competency link (None if it cannot score it)."""
    modules = group_by_module(store.get_module_outcomes(d.programme, d.module, d.catalogue))
    if not modules:
        raise NotFoundError(
            f"unknown module {d.module!r} in programme {d.programme!r}",
            programme=d.programme,
            module=d.module,
        )
    # None when the competency left the framework: a re-review, nothing to compare against.
    scores = matcher.score_programme(d.framework, modules, [d.competency_id])
    return scores.get((d.module, d.competency_id))


def check_reason(d: DecisionCreate, band: Band | None) -> None:
    """A reason is required to reject a high-confidence link or accept a low-confidence one."""
    if d.reason.strip() or band is None or d.verdict == "withdrawn":
        return
    if d.verdict == "rejected" and band == "high":
        why = "rejecting a high-confidence suggestion needs a reason"
    elif d.verdict != "rejected" and band == "low":
        why = f"{'accepting' if d.verdict == 'accepted' else 'partly accepting'} a "
        why += "low-confidence suggestion needs a reason"
    else:
        return
    raise InputError(why, field="reason", band=band)


def enforce_reason_rule(store: Store, matcher: Matcher, d: DecisionCreate) -> Band | None:
    """Score the link server-side and apply the reason rule; returns the band it fell in."""
    cell = link_score(store, matcher, d)
    band = confidence_band(matcher, cell.score, framework=d.framework) if cell else None
    check_reason(d, band)
    return band
