"""`calibrate`: refit the confidence model on the deployment's decisions, check it on held-out
programmes against the calibration in force, and activate it only when it is better.

The split is by programme, never by link: links of one programme share modules, reviewers and
habits, so a link-level split would let the refit see its own test. Better means a lower
expected calibration error and no higher log loss on the held-out programmes' decisions.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from outcome_matcher.errors import InputError
from outcome_matcher.learning.decided import DecidedCandidate, decided_candidates
from outcome_matcher.retrieval.calibration import (
    Calibration,
    Candidate,
    expected_calibration_error,
    fit_calibration,
    reliability_table,
)
from outcome_matcher.retrieval.deployment_calibration import CalibrationRecord, save_record
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.store import Store

HELD_OUT_SHARE = 0.3
MIN_EACH = 30
Reliability = list[tuple[float, float, int, float]]


@dataclass(frozen=True)
class Refit:
    """The outcome of a refit: the record (activated or not) and the held-out tables."""

    record: CalibrationRecord
    activated: bool
    before: Reliability | None
    after: Reliability
    held_out_programmes: tuple[str, ...]


def split_by_programme(programmes: Sequence[str]) -> tuple[set[str], set[str]]:
    """(fit, held out): a stable, hash-ordered ~30% of the programmes is held out."""
    ordered = sorted(set(programmes), key=lambda p: hashlib.sha256(p.encode()).hexdigest())
    if len(ordered) < 2:
        raise InputError(
            "calibration needs decisions in at least two programmes: one is held out to "
            "check the refit",
            field="framework",
        )
    n_held = max(1, round(HELD_OUT_SHARE * len(ordered)))
    return set(ordered[n_held:]), set(ordered[:n_held])


def check_enough(fit: Sequence[DecidedCandidate], min_each: int) -> None:
    """InputError saying how many accepted/partial or rejected decisions are missing."""
    positives = sum(c.accepted for c in fit)
    negatives = len(fit) - positives
    missing = []
    if positives < min_each:
        missing.append(f"{min_each - positives} more accepted or partial")
    if negatives < min_each:
        missing.append(f"{min_each - negatives} more rejected")
    if missing:
        raise InputError(
            f"not enough decisions to refit (outside the held-out programmes: {positives} "
            f"accepted or partial, {negatives} rejected; need {min_each} of each): "
            + " and ".join(missing),
            field="framework",
        )


def log_loss(confidences: Sequence[float], accepted: Sequence[bool]) -> float:
    eps = 1e-4
    total = 0.0
    for p, y in zip(confidences, accepted, strict=True):
        q = min(max(p, eps), 1 - eps)
        total -= math.log(q if y else 1 - q)
    return total / max(len(confidences), 1)


def _confidences(cal: Calibration, part: Sequence[DecidedCandidate]) -> list[float]:
    return [
        cal.confidence(c.candidate.score, gap=c.candidate.gap, rank=c.candidate.rank) for c in part
    ]


def fit_decisions(
    candidates: Sequence[Candidate], accepted: Sequence[bool], model_name: str, fitted_on: str
) -> Calibration:
    """The full feature set; on the score alone when gap and rank leave the score a
    non-positive weight (few, collinear decisions), since confidence must rise with it."""
    try:
        return fit_calibration(candidates, accepted, model_name=model_name, fitted_on=fitted_on)
    except ValueError:
        return fit_calibration(
            candidates, accepted, model_name=model_name, fitted_on=fitted_on, features=("score",)
        )


def refit(
    store: Store,
    matcher: Matcher,
    data_dir: Path,
    framework: str,
    *,
    model_name: str,
    standard: str | None = None,
    min_each: int = MIN_EACH,
    activate: bool = True,
) -> Refit:
    """Refit on the decisions outside the held-out programmes; save it when it is better."""
    decided = decided_candidates(store, matcher, framework, standard)
    fit_keys, held_keys = split_by_programme([c.programme for c in decided] or [""])
    fit = [c for c in decided if c.programme in fit_keys]
    held = [c for c in decided if c.programme in held_keys]
    check_enough(fit, min_each)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    fitted_on = f"{len(fit)} decisions on {framework}" + (f" ({standard})" if standard else "")
    new = fit_decisions(
        [c.candidate for c in fit],
        [c.accepted for c in fit],
        model_name,
        f"{fitted_on}, {now[:10]}",
    )
    truth = [c.accepted for c in held]
    current = matcher.calibration_of(framework)
    before = _confidences(current, held) if current else None
    after = _confidences(new, held)
    record = CalibrationRecord(
        framework=framework,
        calibration=new,
        n_decisions=len(fit),
        n_held_out=len(held),
        fitted=now,
        ece_before=expected_calibration_error(before, truth) if before else None,
        ece_after=expected_calibration_error(after, truth),
        log_loss_before=log_loss(before, truth) if before else None,
        log_loss_after=log_loss(after, truth),
    )
    better = record.ece_before is None or (
        record.ece_after < record.ece_before
        and record.log_loss_after <= (record.log_loss_before or math.inf)
    )
    if better and activate and held:
        save_record(data_dir, record)
        matcher.framework_calibrations[framework] = new
    return Refit(
        record,
        bool(better and activate and held),
        reliability_table(before, truth) if before else None,
        reliability_table(after, truth),
        tuple(sorted(held_keys)),
    )
