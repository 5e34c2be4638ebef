"""Load each professional-standard XML file and print its load time and sizes.

Columns: load time (grain "function"), standards (each standard plus one per ОТФ), units
(ОТФ), competencies (ТФ), texts (labour actions, skills, knowledge, other), vectors (what a
multi-vector index would embed: one label plus one per text), and the competencies at the
"item" grain. With --store, also the time to import each into a fresh SQLite store
(`store ms`, grain "function").

Usage: python scripts/profstandard_stats.py [--store] [PATH ...]  (files or folders of .xml)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from outcome_matcher.frameworks.profstandard import load_profstandard
from outcome_matcher.schemas import Framework
from outcome_matcher.store import Store

DEFAULT = Path("/work/shared/corpora/ru_professional_standards")


def files_of(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.xml")) if path.is_dir() else [path]
    return found


def store_ms(fw: Framework, directory: Path) -> float:
    """Milliseconds to import `fw` into a fresh SQLite store (migrations excluded)."""
    with Store.open(f"sqlite:///{directory / (fw.name + '.sqlite3')}", migrate=True) as store:
        start = time.perf_counter()
        store.add_framework(fw)
        return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--store", action="store_true", help="also time a store import")
    args = parser.parse_args()
    columns = ["file", "ms", "standards", "units", "competencies", "texts", "vectors", "items"]
    columns += ["store ms"] if args.store else []
    with tempfile.TemporaryDirectory(prefix="profstandard_stats_") as scratch:
        print_table(args.paths, columns, Path(scratch) if args.store else None)


def print_table(paths: list[Path], columns: list[str], scratch: Path | None) -> None:
    """One markdown row per file and a total row; store times when `scratch` is given."""
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    totals = [0.0] * (len(columns) - 1)
    for path in files_of(paths):
        start = time.perf_counter()
        fw = load_profstandard(path, name=path.stem)
        ms = (time.perf_counter() - start) * 1000
        whole = [s for s in fw.standards if s.level is None]
        n_texts = sum(len(c.texts) for c in fw.competencies)
        items = load_profstandard(path, name=path.stem, grain="item")
        row = [ms, len(fw.standards), sum(len(s.units) for s in whole), len(fw.competencies),
               n_texts, len(fw.competencies) + n_texts, len(items.competencies)]  # fmt: skip
        row += [store_ms(fw, scratch)] if scratch is not None else []
        totals = [t + v for t, v in zip(totals, row, strict=True)]
        print(f"| {path.name} | " + " | ".join(f"{v:.0f}" for v in row) + " |")
    print("| total | " + " | ".join(f"{v:.0f}" for v in totals) + " |")


if __name__ == "__main__":
    main()
