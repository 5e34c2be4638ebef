"""Does matching by outcome kind help? A dev check on the 11 real professional standards.

Each work function (ТФ) keeps half of its labour actions, skills and knowledge items (every
other one, per kind) as its index texts; the other half are the queries, each a statement of
a known kind (a knowledge item stands for a знать outcome, a skill or labour action for a
уметь outcome) whose target is its own work function among all of the standards' (held out:
a query's text is never in the index). The index's exact scoring (score_competencies, the
coverage matrix's path) ranks every work function with and without the kind penalty; MRR and
R@10 with bootstrap 95% intervals (evaluation.metrics).

Usage: OUTCOME_MATCHER_DATA_DIR=/tmp/natdata python scripts/dev_outcome_kind.py [DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder, set_threads
from outcome_matcher.evaluation.metrics import Ratio, bootstrap, recall_at_k, reciprocal_rank
from outcome_matcher.frameworks import load_framework
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.schemas import Competency, CompetencyText, Framework

DEFAULT = Path("/work/shared/corpora/ru_professional_standards")
# The statement kind a query stands for (OTHER_KIND is keyed by outcome kinds).
OUTCOME_KIND = {"knowledge": "knowledge", "skill": "skill", "labour_action": "skill"}
PENALTIES = (0.0, 0.01, 0.02, 0.03, 0.05, 1.0)


def split(framework: Framework) -> tuple[Framework, list[tuple[str, str, str]]]:
    """The framework with half of each kind's texts, and (text, kind, target id) queries."""
    kept: list[Competency] = []
    queries: list[tuple[str, str, str]] = []
    for c in framework.competencies:
        texts: list[CompetencyText] = []
        seen: dict[str, int] = {}
        for t in c.texts:
            n = seen.get(t.kind, 0)
            seen[t.kind] = n + 1
            if n % 2 == 1 and t.kind in OUTCOME_KIND:
                queries.append((t.text, OUTCOME_KIND[t.kind], c.id))
            else:
                texts.append(t)
        kept.append(c.model_copy(update={"texts": tuple(texts)}))
    # A query repeated verbatim in another function's kept texts would be found, not matched.
    indexed = {t.text for c in kept for t in c.texts}
    queries = [q for q in queries if q[0] not in indexed]
    return framework.model_copy(update={"competencies": tuple(kept)}), queries


def evaluate(scores: np.ndarray, ids: list[str], targets: list[str], label: str) -> None:
    order = np.argsort(-scores, axis=1, kind="stable")
    ranked = [[ids[j] for j in row[:100]] for row in order.tolist()]
    rr = [reciprocal_rank(r, frozenset({t})) for r, t in zip(ranked, targets, strict=True)]
    r10 = [recall_at_k(r, frozenset({t}), 10) for r, t in zip(ranked, targets, strict=True)]
    ones = np.ones(len(rr))
    mrr, r_at_10 = bootstrap(Ratio(np.array(rr), ones)), bootstrap(Ratio(np.array(r10), ones))
    print(
        f"| {label} | {mrr.value:.3f} [{mrr.low:.3f}, {mrr.high:.3f}] "
        f"| {r_at_10.value:.3f} [{r_at_10.low:.3f}, {r_at_10.high:.3f}] |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    settings = Settings()
    set_threads(settings.threads)
    encoder = load_encoder(settings)
    framework, queries = split(load_framework(args.folder, "profstandard", name="dev"))
    start = time.perf_counter()
    index = FrameworkIndex.build(framework, encoder, batch_size=settings.batch_size)
    vectors = encoder.encode_queries([q for q, _, _ in queries])
    print(
        f"{len(index.competency_ids)} work functions, {index.meta.n_vectors} index vectors, "
        f"{len(queries)} queries; encoded in {time.perf_counter() - start:.0f} s ({encoder.name})"
    )
    ids = list(index.competency_ids)
    kinds = [k for _, k, _ in queries]
    targets = [t for _, _, t in queries]
    print("| kind penalty | MRR [95% CI] | R@10 [95% CI] |\n|---|---|---|")
    for penalty in PENALTIES:
        scores, _ = index.score_competencies(vectors, ids, kinds, penalty)
        evaluate(scores, ids, targets, f"{penalty:g}" if penalty < 1 else "restrict")
    for kind in ("knowledge", "skill"):
        picked = [i for i, k in enumerate(kinds) if k == kind]
        for penalty in (0.0, 0.02, 1.0):
            scores, _ = index.score_competencies(
                vectors[picked], ids, [kinds[i] for i in picked], penalty
            )
            evaluate(scores, ids, [targets[i] for i in picked], f"{kind} only, {penalty:g}")


if __name__ == "__main__":
    main()
