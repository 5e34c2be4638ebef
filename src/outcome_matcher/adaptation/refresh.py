"""Refresh the adapter from reviewers' decisions: install it only if it wins and the dev sets hold.

An accepted (or partial) link gives pairs `outcome text -> competency text` (its label and its
description, the texts the index embeds); a rejected link of the same module is their hard
negative. The decisions are split by programme (as the calibration refit does): the adapter
trains on the fit programmes, continuing from the active adapter, and must rank the held-out
programmes' accepted links above their rejected ones better than the active adapter does
(pairwise AUC), while every dev set's MRR stays within the active adapter's interval. Then it
replaces the active adapter in the data dir; otherwise it is kept aside with the reason.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from outcome_matcher.adaptation.pairs import Pair
from outcome_matcher.adaptation.train import TrainConfig, train_adapter
from outcome_matcher.config import Settings
from outcome_matcher.encoders import (
    Encoder,
    SentenceTransformerEncoder,
    installed_adapter_dir,
)
from outcome_matcher.encoders.adapter import build_adapted_model
from outcome_matcher.errors import InputError
from outcome_matcher.fileio import atomic_directory
from outcome_matcher.learning.decided import POSITIVE, current_decisions
from outcome_matcher.learning.recalibrate import split_by_programme
from outcome_matcher.schemas import Competency, Outcome
from outcome_matcher.store import DecisionPublic, Store

DECISION_KIND = "decision"
MIN_ACCEPTED = 30
REPORT_FILE = "refresh.json"
# Set name -> (MRR, lower bound of its 95% interval) for one encoder.
DevScores = dict[str, tuple[float, float]]
DevCheck = Callable[[Encoder], DevScores]


@dataclass(frozen=True)
class DecidedLink:
    """One current decision as text: the outcome that evidences it and the competency's texts."""

    programme: str
    module: str
    outcome: str
    competency_id: str
    texts: tuple[str, ...]
    accepted: bool


@dataclass
class RefreshResult:
    installed: bool
    reasons: list[str]
    candidate_dir: Path
    pairs: int
    fit_decisions: int
    held_out_decisions: int
    held_out_programmes: list[str]
    auc_before: float
    auc_after: float
    dev_before: DevScores = field(default_factory=dict)
    dev_after: DevScores = field(default_factory=dict)
    train_seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "candidate_dir": str(self.candidate_dir)}


def _competency_texts(c: Competency) -> tuple[str, ...]:
    return tuple(t for t in (c.label, c.description.strip()) if t)


def decided_links(
    store: Store, encoder: Encoder, framework: str, standard: str | None = None
) -> list[DecidedLink]:
    """The current decisions with their texts; an outcome named as evidence is used, else the
    module's outcome nearest to the competency's label (what the reviewer saw first)."""
    competencies = {c.id: c for c in store.load_framework(framework).competencies}
    links: list[DecidedLink] = []
    for key, decisions in sorted(current_decisions(store, framework, standard).items()):
        catalogue, _, code = key.partition("/")
        modules = {m.code: m for m in store.get_programme(code, catalogue).modules}
        for d in decisions:
            c = competencies.get(d.competency_id)
            module = modules.get(d.module)
            if c is None or module is None or not module.outcomes:
                continue  # the competency or the module is gone: nothing to learn from
            outcome = _evidence(d, module.outcomes, c, encoder)
            links.append(
                DecidedLink(
                    key, d.module, outcome, c.id, _competency_texts(c), d.verdict in POSITIVE
                )
            )
    return links


def _evidence(
    d: DecisionPublic, outcomes: Sequence[Outcome], c: Competency, encoder: Encoder
) -> str:
    by_id = {o.id: o.text for o in outcomes}
    if d.evidence_outcome is not None and d.evidence_outcome in by_id:
        return by_id[d.evidence_outcome]
    texts = [o.text for o in outcomes]
    if len(texts) == 1:
        return texts[0]
    scores = encoder.encode_queries(texts) @ encoder.encode_passages([c.label])[0]
    return texts[int(np.argmax(scores))]


def decision_pairs(links: Sequence[DecidedLink], *, seed: int = 13) -> list[Pair]:
    """Accepted links as pairs, each with a rejected competency of its module as negative."""
    rng = random.Random(seed)
    rejected: dict[tuple[str, str], list[DecidedLink]] = defaultdict(list)
    for link in links:
        if not link.accepted:
            rejected[(link.programme, link.module)].append(link)
    pairs: list[Pair] = []
    for link in links:
        if not link.accepted:
            continue
        negatives = rejected.get((link.programme, link.module), [])
        for i, text in enumerate(link.texts):
            if negatives:
                neg = rng.choice(negatives)
                neg_text = neg.texts[min(i, len(neg.texts) - 1)]  # label for label, etc.
                pairs.append(
                    Pair(
                        link.outcome,
                        text,
                        link.competency_id,
                        DECISION_KIND,
                        neg_text,
                        neg.competency_id,
                    )
                )
            else:
                pairs.append(Pair(link.outcome, text, link.competency_id, DECISION_KIND))
    return pairs


def link_auc(encoder: Encoder, links: Sequence[DecidedLink]) -> float:
    """How often an accepted link outscores a rejected one (ties count half): pairwise AUC.

    A link's score is the outcome's best cosine to the competency's texts, as the index
    scores a competency by its best vector.
    """
    outcomes = sorted({link.outcome for link in links})
    texts = sorted({t for link in links for t in link.texts})
    q = dict(zip(outcomes, encoder.encode_queries(outcomes), strict=True))
    p = dict(zip(texts, encoder.encode_passages(texts), strict=True))
    scores = [max(float(q[lk.outcome] @ p[t]) for t in lk.texts) for lk in links]
    pos = np.array([s for s, lk in zip(scores, links, strict=True) if lk.accepted])
    neg = np.array([s for s, lk in zip(scores, links, strict=True) if not lk.accepted])
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def _check_counts(fit: Sequence[DecidedLink], held: Sequence[DecidedLink], minimum: int) -> None:
    accepted = sum(1 for link in fit if link.accepted)
    if accepted < minimum:
        raise InputError(
            f"{accepted} accepted decisions in the training programmes, {minimum} needed "
            f"({minimum - accepted} more)",
            field="framework",
        )
    kinds = {link.accepted for link in held}
    if kinds != {True, False}:
        raise InputError(
            "the held-out programmes need both accepted and rejected decisions to check the "
            "refreshed adapter",
            field="framework",
        )


def refresh_adapter(
    store: Store,
    settings: Settings,
    framework: str,
    *,
    base_dir: Path,
    active_model_dir: Path,
    dev_check: DevCheck,
    start: Path | None = None,
    standard: str | None = None,
    replay: Sequence[Pair] = (),
    config: TrainConfig | None = None,
    min_accepted: int = MIN_ACCEPTED,
) -> RefreshResult:
    """Train a candidate adapter on the decisions, check it, and install it when it holds.

    `start` is the active adapter to continue from (None: a new LoRA on `base_dir`); `replay`
    (pairs from the frameworks, e.g. ESCO's) trains alongside the decisions so that what the
    active adapter learnt stays; `dev_check` scores an encoder on the dev sets.
    """
    active = SentenceTransformerEncoder(active_model_dir, batch_size=settings.batch_size)
    links = decided_links(store, active, framework, standard)
    fit_keys, held_keys = split_by_programme([link.programme for link in links] or [""])
    fit = [link for link in links if link.programme in fit_keys]
    held = [link for link in links if link.programme in held_keys]
    _check_counts(fit, held, min_accepted)
    pairs = decision_pairs(fit)
    config = config or refresh_config(len(pairs), bool(replay), threads=settings.threads)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = settings.data_dir / "adapters" / "candidates" / stamp
    report = train_adapter(base_dir, [*pairs, *replay], candidate / "adapter", config, start=start)
    merged = build_adapted_model(base_dir, candidate / "adapter", candidate / "model")
    new = SentenceTransformerEncoder(merged, batch_size=settings.batch_size)
    result = RefreshResult(
        installed=False,
        reasons=[],
        candidate_dir=candidate,
        pairs=len(pairs),
        fit_decisions=len(fit),
        held_out_decisions=len(held),
        held_out_programmes=sorted(held_keys),
        auc_before=link_auc(active, held),
        auc_after=link_auc(new, held),
        dev_before=dev_check(active),
        dev_after=dev_check(new),
        train_seconds=float(report["seconds"]),
    )
    result.reasons = _reasons(result)
    shutil.rmtree(candidate / "model", ignore_errors=True)  # hundreds of MB; the adapter suffices
    if not result.reasons:
        install_adapter(candidate / "adapter", installed_adapter_dir(settings))
        result.installed = True
    (candidate / REPORT_FILE).write_text(
        json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8"
    )
    return result


REPLAY_PER_KIND = 500


def refresh_config(n_pairs: int, replay: bool, *, threads: int) -> TrainConfig:
    """Two passes over the decisions (and a small replay of the framework pairs), at a quarter
    of the ESCO recipe's rate: a few hundred decisions must nudge the adapter, not rewrite it."""
    kinds = [kind for kind, _ in TrainConfig.quotas] if replay else []
    quotas = ((DECISION_KIND, n_pairs), *((kind, REPLAY_PER_KIND) for kind in kinds))
    return TrainConfig(quotas=quotas, epochs=2, learning_rate=5e-5, threads=threads)


def _reasons(r: RefreshResult) -> list[str]:
    """Why the candidate may not replace the active adapter (empty: it may)."""
    reasons = []
    if r.auc_after <= r.auc_before:
        reasons.append(
            f"held-out decisions: AUC {r.auc_after:.3f} does not beat the active adapter's "
            f"{r.auc_before:.3f}"
        )
    for name, (before, low) in sorted(r.dev_before.items()):
        after = r.dev_after.get(name, (0.0, 0.0))[0]
        if after < low:
            reasons.append(
                f"dev set {name}: MRR {after:.3f} below the active adapter's interval "
                f"({before:.3f}, lower bound {low:.3f})"
            )
    return reasons


def install_adapter(source: Path, target: Path) -> None:
    """Copy the candidate adapter over the installed one in one rename (nothing half-written)."""
    with atomic_directory(target, mode=0o755) as tmp:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
