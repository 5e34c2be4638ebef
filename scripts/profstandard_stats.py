"""Load each professional-standard XML file and print its load time and sizes.

Columns: load time (grain "function"), standards (each standard plus one per ОТФ), units
(ОТФ), competencies (ТФ), texts (labour actions, skills, knowledge, other), vectors (what a
multi-vector index would embed: one label plus one per text), and the competencies at the
"item" grain.

Usage: python scripts/profstandard_stats.py [PATH ...]  (files or folders of .xml)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from outcome_matcher.frameworks.profstandard import load_profstandard

DEFAULT = Path("/work/shared/corpora/ru_professional_standards")


def files_of(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.xml")) if path.is_dir() else [path]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    args = parser.parse_args()
    columns = ("file", "ms", "standards", "units", "competencies", "texts", "vectors", "items")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    totals = [0.0] * (len(columns) - 1)
    for path in files_of(args.paths):
        start = time.perf_counter()
        fw = load_profstandard(path, name=path.stem)
        ms = (time.perf_counter() - start) * 1000
        whole = [s for s in fw.standards if s.level is None]
        n_texts = sum(len(c.texts) for c in fw.competencies)
        items = load_profstandard(path, name=path.stem, grain="item")
        row = [ms, len(fw.standards), sum(len(s.units) for s in whole), len(fw.competencies),
               n_texts, len(fw.competencies) + n_texts, len(items.competencies)]  # fmt: skip
        totals = [t + v for t, v in zip(totals, row, strict=True)]
        print(f"| {path.name} | {ms:.0f} | " + " | ".join(str(v) for v in row[1:]) + " |")
    print("| total | " + f"{totals[0]:.0f} | " + " | ".join(str(int(v)) for v in totals[1:]) + " |")


if __name__ == "__main__":
    main()
