"""`python -m outcome_matcher.evaluation`: evaluate the dev sets with a chosen index setup."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import get_args

from outcome_matcher.config import ModelName, Settings
from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.evaluation.cache import seed_from_index
from outcome_matcher.evaluation.dev_sets import DEFAULT_CORPORA, EscoOptions, run_all_dev_sets
from outcome_matcher.evaluation.report import format_markdown, format_table, write_report
from outcome_matcher.index import DEFAULT_FIELDS, parse_fields


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m outcome_matcher.evaluation")
    parser.add_argument(
        "--sets", nargs="*", help="dev set names or groups (melo, decorte, mapping)"
    )
    parser.add_argument("--model", choices=get_args(ModelName))
    parser.add_argument("--fields", default=",".join(DEFAULT_FIELDS), help="ESCO texts to index")
    parser.add_argument(
        "--other-langs", default="all", help="ESCO label languages to add: all, none or de,fr,nl"
    )
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        help="operating threshold on the score, or 'calibrated' (the model's calibration: "
        "precision and recall at its operating point and a reliability table)",
    )
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--output", type=Path, help="write the JSON report here")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--lexical",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fuse BM25 over the labels for sentences (default: OUTCOME_MATCHER_LEXICAL, on)",
    )
    parser.add_argument(
        "--seed-index",
        type=Path,
        help="a built framework index (e.g. DATA_DIR/indexes/esco) whose vectors to reuse",
    )
    return parser


def _threshold(value: str) -> float | str:
    if value == "calibrated":
        return value
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number or 'calibrated', not {value!r}") from None


def _langs(value: str) -> tuple[str, ...] | None:
    if value == "all":
        return None
    return () if value == "none" else tuple(v.strip() for v in value.split(",") if v.strip())


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings()
    if args.lexical is not None:
        settings = settings.model_copy(update={"lexical": args.lexical})
    try:
        esco = EscoOptions(fields=parse_fields(args.fields), other_langs=_langs(args.other_langs))
        if args.seed_index:
            added = seed_from_index(args.seed_index, settings.data_dir / "evaluation" / "vectors")
            logging.getLogger(__name__).info("seeded %d vectors from %s", added, args.seed_index)
        calibrated = args.threshold == "calibrated"
        report = run_all_dev_sets(
            settings,
            args.corpora,
            args.model,
            sets=args.sets,
            esco=esco,
            threshold=None if calibrated else args.threshold,
            calibrated=calibrated,
        )
    except OutcomeMatcherError as error:
        parser.error(error.message)
    if args.output:
        write_report(report, args.output)
    sys.stdout.write(format_markdown(report) if args.markdown else format_table(report))
    sys.stdout.write(f"index seconds: {report.index_seconds}\ntotal: {report.total_seconds} s\n")


if __name__ == "__main__":
    main()
