"""Ranking that remembers, in the service: the k-NN memory of reviewed outcomes
(retrieval/memory.py) fitted on the store's decisions and used by `suggest`.

An accepted link for an outcome lifts that competency for other outcomes that are
near-duplicates of it (other universities' versions of the same course), a rejected one lowers
it. The fusion's weights are fitted on the decisions outside a held-out ~30% of the programmes
(each decision's memory signal leaves out its own programme's outcome, not its twins) and
activated only when they rank the held-out programmes' decisions better (ROC AUC) than the
calibration in force; the held-out programmes play new universities, whose outcomes the memory
has never seen.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from outcome_matcher.errors import InputError
from outcome_matcher.learning.decided import DecidedCandidate, decided_candidates
from outcome_matcher.learning.recalibrate import MIN_EACH, check_enough, split_by_programme
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.retrieval.memory import DecisionMemory, Fusion, Reviewed, fit_fusion
from outcome_matcher.store import Store

MEMORY_DIR = "memory"


@dataclass(frozen=True)
class MemoryFit:
    """A fitted fusion, how it ranked the held-out decisions, and whether it is in force."""

    fusion: Fusion
    n_fit: int
    n_held_out: int
    auc_before: float
    auc_after: float
    activated: bool
    held_out_programmes: tuple[str, ...]


def memory_path(data_dir: Path, framework: str) -> Path:
    digest = hashlib.sha256(framework.encode("utf-8")).hexdigest()[:16]
    return data_dir / MEMORY_DIR / f"{digest}.json"


def build_memory(matcher: Matcher, decided: Sequence[DecidedCandidate]) -> DecisionMemory:
    """One reviewed statement per evidence outcome, with its verdicts per competency."""
    verdicts: dict[str, dict[str, int]] = defaultdict(dict)
    texts: dict[str, str] = {}
    for c in decided:
        verdicts[_key(c)][c.competency_id] = 1 if c.accepted else -1
        texts[_key(c)] = c.outcome_text
    ids = sorted(verdicts)
    vectors = (
        matcher.encoder.encode_queries([texts[i] for i in ids])
        if ids
        else np.zeros((0, 1), dtype=np.float32)
    )
    return DecisionMemory(vectors, [Reviewed(i, verdicts[i]) for i in ids])


def _key(c: DecidedCandidate) -> str:
    # Outcome ids repeat across catalogues with the same text: the memory keeps each
    # programme's statement apart, so leaving one out keeps its twins elsewhere.
    return f"{c.programme}|{c.outcome_id}"


def _signals(
    matcher: Matcher, memory: DecisionMemory, part: Sequence[DecidedCandidate], leave_out: bool
) -> list[tuple[float, float]]:
    if not part:
        return []
    queries = matcher.encoder.encode_queries([c.outcome_text for c in part])
    exclude = [_key(c) for c in part] if leave_out else None
    found = memory.signals(queries, [[c.competency_id] for c in part], exclude=exclude)
    return [row[0] for row in found]


def roc_auc(scores: Sequence[float], accepted: Sequence[bool]) -> float:
    """Probability that an accepted link outranks a rejected one (ties count half)."""
    pos = [s for s, a in zip(scores, accepted, strict=True) if a]
    neg = [s for s, a in zip(scores, accepted, strict=True) if not a]
    if not pos or not neg:
        return 0.5
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return float(wins) / (len(pos) * len(neg))


def _confidence_or_score(matcher: Matcher, c: DecidedCandidate, framework: str) -> float:
    """What ranks a link today: its calibrated confidence, or its score without a calibration."""
    found = matcher.confidence(
        c.candidate.score, gap=c.candidate.gap, rank=c.candidate.rank, framework=framework
    )
    return c.candidate.score if found is None else found


def fit_memory(
    store: Store,
    matcher: Matcher,
    data_dir: Path,
    framework: str,
    *,
    min_each: int = MIN_EACH,
    activate: bool = True,
) -> MemoryFit:
    """Fit the fusion on the decisions outside the held-out programmes; save it when it ranks
    the held-out decisions better than the calibration in force (or the raw score)."""
    in_force = matcher.memories.pop(framework, None)  # features come from the model's ranking
    try:
        decided = decided_candidates(store, matcher, framework)
    finally:
        if in_force is not None:
            matcher.memories[framework] = in_force
    fit_keys, held_keys = split_by_programme([c.programme for c in decided] or [""])
    fit = [c for c in decided if c.programme in fit_keys]
    held = [c for c in decided if c.programme in held_keys]
    check_enough(fit, min_each)
    memory = build_memory(matcher, fit)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    fusion = fit_fusion(
        [c.candidate for c in fit],
        _signals(matcher, memory, fit, leave_out=True),
        [c.accepted for c in fit],
        fitted_on=f"{len(fit)} decisions on {framework}, {now[:10]}",
    )
    truth = [c.accepted for c in held]
    before = [_confidence_or_score(matcher, c, framework) for c in held]
    signals = _signals(matcher, memory, held, leave_out=False)
    after = [fusion.probability(c.candidate, s) for c, s in zip(held, signals, strict=True)]
    auc_before, auc_after = roc_auc(before, truth), roc_auc(after, truth)
    activated = bool(activate and held and auc_after > auc_before)
    if activated:
        path = memory_path(data_dir, framework)
        fusion.save(path)
        load_memory(store, matcher, data_dir, framework)
    return MemoryFit(
        fusion,
        len(fit),
        len(held),
        auc_before,
        auc_after,
        activated,
        tuple(sorted(held_keys)),
    )


def refresh_memories(
    store: Store, matcher: Matcher, data_dir: Path, seen: dict[str, tuple[int, float]]
) -> list[str]:
    """Rebuild the memory of each framework whose decisions or activated fusion changed since
    `seen` (framework -> newest decision id and fusion file time when last built, updated
    here), so a new decision or a `calibrate --memory` takes effect without a restart."""
    rebuilt = []
    for framework in list(matcher.indexes):
        path = memory_path(data_dir, framework)
        stamp = (store.latest_decision_id(framework), path.stat().st_mtime if path.is_file() else 0)
        if seen.get(framework) != stamp and (path.is_file() or framework in matcher.memories):
            load_memory(store, matcher, data_dir, framework)
            rebuilt.append(framework)
        seen[framework] = stamp
    return rebuilt


def load_memory(store: Store, matcher: Matcher, data_dir: Path, framework: str) -> bool:
    """Put the framework's activated fusion and a memory of all its current decisions into
    the matcher's rankings; False when no fusion was activated for it."""
    path = memory_path(data_dir, framework)
    if not path.is_file():
        matcher.memories.pop(framework, None)
        return False
    try:
        fusion = Fusion.load(path)
    except (ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
        raise InputError(
            f"unreadable decision memory {path}: {exc}; refit it with calibrate --memory",
            file=str(path),
        ) from exc
    matcher.memories.pop(framework, None)  # the features come from the model's own ranking
    decided = decided_candidates(store, matcher, framework)
    matcher.memories[framework] = (build_memory(matcher, decided), fusion)
    return True
