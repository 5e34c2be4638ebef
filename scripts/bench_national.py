"""Import each professional-standard XML as its own framework, with indexing, and time it.

The numbers of issue 13's closing note: per standard the seconds of `frameworks add NAME FILE
--format profstandard` (load, embed, store, save the index; the model loaded once before),
its competencies (work functions), texts (labour actions, skills, knowledge, other) and index
vectors. Then, with --coverage, the Russian demo's coverage: the NEFU catalogue against 06.026
and 06.001 (essential requirements covered, confirmed, suggested at the operating point).

Usage: OUTCOME_MATCHER_DATA_DIR=/tmp/natdata python scripts/bench_national.py [--coverage]
    [DIR]  (DIR: a folder of .xml files; default the shared corpus)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder, set_threads
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.review.programme import load_review
from outcome_matcher.store import Store

DEFAULT = Path("/work/shared/corpora/ru_professional_standards")
NEFU = Path(__file__).resolve().parents[1] / "corpora" / "ru_courses_nefu"


def import_times(settings: Settings, store: Store, folder: Path) -> None:
    encoder = load_encoder(settings)
    print("| file | standard | seconds | competencies | texts | vectors |")
    print("|---|---|---|---|---|---|")
    totals = [0.0, 0, 0, 0]
    for path in sorted(folder.glob("*.xml")):
        name = "ps-" + path.stem.rsplit("_", 1)[-1]
        start = time.perf_counter()
        services.add_framework(
            store, encoder, settings, name=name, path=path, format="profstandard"
        )
        seconds = time.perf_counter() - start
        framework = store.load_framework(name)
        texts = sum(len(c.texts) for c in framework.competencies)
        meta = FrameworkIndex.load_meta(services.index_dir(settings, name))
        code = framework.standards[0].id if framework.standards else "-"
        row = [seconds, len(framework.competencies), texts, meta.n_vectors]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"| {path.name} | {code} | {seconds:.1f} | {row[1]} | {texts} | {meta.n_vectors} |")
    print(f"| total | | {totals[0]:.1f} | {totals[1]} | {totals[2]} | {totals[3]} |")


def demo_coverage(settings: Settings, store: Store, folder: Path) -> None:
    encoder = load_encoder(settings)
    services.add_framework(
        store, encoder, settings, name="ru-ps", path=folder, format="profstandard", replace=True
    )
    services.add_catalogue(store, NEFU, name=None, max_chars=settings.max_text_chars)
    matcher = services.load_matcher(settings, store, encoder, frameworks=["ru-ps"])
    print(f"threshold (calibrated operating point): {matcher.threshold:.4f}")
    for standard in ("06.026", "06.001"):
        review = load_review(
            store, matcher, programme="NEFU-IT", framework="ru-ps", standard=standard
        )
        s = review.coverage.summary
        covered = s.essential_confirmed + s.essential_suggested
        print(
            f"NEFU-IT x {standard}: essential covered {covered} of {s.essential} "
            f"(confirmed {s.essential_confirmed}, suggested {s.essential_suggested})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--coverage", action="store_true", help="the demo's coverage instead")
    args = parser.parse_args()
    base = Settings()
    set_threads(base.threads)
    with tempfile.TemporaryDirectory(prefix="bench_national_") as scratch:
        # The data dir's model, a scratch store and indexes: the real data dir stays untouched.
        (Path(scratch) / "models").symlink_to(base.models_dir.resolve())
        settings = base.model_copy(update={"data_dir": Path(scratch), "database_url": None})
        with Store.open(settings.db_url, migrate=True) as store:
            if args.coverage:
                demo_coverage(settings, store, args.folder)
            else:
                import_times(settings, store, args.folder)


if __name__ == "__main__":
    main()
