"""Command line (spaCy's pattern): `_util` owns the Typer app and the shared helpers; each
module adds one command or command group, a thin wrapper over a plain, tested function."""

from outcome_matcher.cli import (  # noqa: F401  (each module registers its commands)
    adapt,
    align,
    calibrate,
    catalogues,
    db,
    decisions,
    demo,
    evaluate,
    frameworks,
    labels,
    microquals,
    report,
    serve,
    setup,
    suggest,
    users,
)
from outcome_matcher.cli._util import app

__all__ = ["app"]
