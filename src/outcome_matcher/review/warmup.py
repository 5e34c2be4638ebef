"""Pay the service's one-time costs at start, before the first reviewers arrive.

The first review read of a process spends about half a second on one-time work: SQLAlchemy
compiles its row loaders and torch picks its kernels on the first forward pass. When twenty
reviewers open their queues at once on a fresh server, each of them pays it, under one GIL,
and the first reads took 4 s (README, "Load"). One read at start makes them ~20 ms.
"""

from __future__ import annotations

import logging
import time

from outcome_matcher.errors import IndexNotReadyError, OutcomeMatcherError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.programme import load_review, review_queue
from outcome_matcher.services.labels import all_local_labels
from outcome_matcher.store import Store

log = logging.getLogger(__name__)


def warm_up(store: Store, matcher: Matcher) -> float:
    """Encode one query and read one programme's review queue; returns the seconds spent.

    Best effort: an empty store, a framework whose index is still building or a database
    that is down is skipped (the warm-up must never keep the service from starting).
    """
    started = time.perf_counter()
    matcher.encoder.encode_queries(["warm-up"])
    try:
        _read_one_review(store, matcher)
    except OutcomeMatcherError as exc:
        log.warning("warm-up skipped: %s", exc)
    seconds = time.perf_counter() - started
    log.info("warm-up took %.2fs", seconds)
    return seconds


def _read_one_review(store: Store, matcher: Matcher) -> None:
    programmes = store.list_programmes()
    for framework in store.list_frameworks() if programmes else []:
        standards = store.list_standards(framework.name, limit=1)
        if not standards:
            continue
        p = programmes[0]
        try:
            review = load_review(
                store,
                matcher,
                programme=p.code,
                framework=framework.name,
                standard=standards[0].key,
                catalogue=p.catalogue,
            )
        except IndexNotReadyError as exc:
            log.info("warm-up skipped %s: %s", framework.name, exc)
            continue
        queue = review_queue(review)
        ids = list(dict.fromkeys(item.cell.competency_id for item in queue[:20]))
        # The queue pages also show each requirement's label in the reader's language.
        all_local_labels(store, framework.name, store.get_competencies(framework.name, ids))
        return
