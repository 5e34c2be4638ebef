"""Top-k ESCO suggestions for a few statements from the evaluation's cached ESCO index.

The same index (all fields, every bundled label language), settings and fusion as
`python -m outcome_matcher.evaluation`, so a candidate adapter installed in a scratch data
directory (OUTCOME_MATCHER_DATA_DIR) can be read without importing ESCO into a store and
building the service index. Run the evaluation first; otherwise this builds the index.

    OUTCOME_MATCHER_DATA_DIR=/tmp/cand python scripts/suggest_eval_index.py "text" ...
"""

from __future__ import annotations

import argparse

from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index
from outcome_matcher.evaluation.dev_sets import (
    DEFAULT_CORPORA,
    ESCO,
    EscoOptions,
    load_esco_framework,
)
from outcome_matcher.retrieval.matcher import Matcher, matcher_options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", nargs="+")
    parser.add_argument("--top-k", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    encoder = load_encoder(settings)
    caching = CachingEncoder(encoder, settings.data_dir / "evaluation" / "vectors")
    esco = EscoOptions()
    framework = load_esco_framework(DEFAULT_CORPORA, esco.other_langs)
    index, _ = cached_index(
        framework, caching, settings.data_dir / "evaluation" / "indexes", fields=esco.fields
    )
    matcher = Matcher(encoder, **matcher_options(settings))
    matcher.add_index(ESCO, index)
    for text, hits in zip(args.texts, matcher.suggest(ESCO, args.texts, args.top_k), strict=True):
        print(text)
        for rank, s in enumerate(hits, 1):
            print(f"  {rank}. {s.label} (score {s.score:.3f}; matched: {s.evidence})")


if __name__ == "__main__":
    main()
