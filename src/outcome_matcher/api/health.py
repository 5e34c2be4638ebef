"""Liveness and identity of the loaded model and indexes (no authentication)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from outcome_matcher import __version__
from outcome_matcher.api.deps import MatcherDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(matcher: MatcherDep) -> dict[str, Any]:
    """Model and index fingerprints, so clients can tell which model answered."""
    return {
        "status": "ok",
        "version": __version__,
        "model": {"name": matcher.encoder.name, "fingerprint": matcher.encoder.fingerprint},
        "indexes": {
            name: {
                "fingerprint": index.meta.fingerprint,
                "framework_version": index.meta.framework_version,
                "competencies": index.meta.n_competencies,
                "vectors": index.meta.n_vectors,
                "partial": index.meta.partial,  # the full index is still being built
            }
            for name, index in sorted(matcher.indexes.items())
        },
        "unavailable": {name: err.message for name, err in sorted(matcher.unavailable.items())},
    }
