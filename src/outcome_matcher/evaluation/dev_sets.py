"""The development gold sets under the shared corpora, and one call that evaluates them all."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder, load_encoder
from outcome_matcher.errors import InputError
from outcome_matcher.evaluation.baselines import (
    BM25,
    LABEL_ONLY,
    LABEL_ONLY_FIELDS,
    LexicalRanker,
    labels_only,
)
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index
from outcome_matcher.evaluation.gold import (
    BA_COLUMNS,
    VDAB_FR_COLUMNS,
    GoldSet,
    load_decorte,
    load_esco_mapping,
)
from outcome_matcher.evaluation.melo import MELO_PREFIX, load_melo
from outcome_matcher.evaluation.report import EvaluationReport
from outcome_matcher.evaluation.runner import DEFAULT_DEPTH, MatcherRanker, Ranker, evaluate
from outcome_matcher.evaluation.users_sets import (
    PS_DIR,
    PS_FRAMEWORK,
    PS_TF,
    PS_TITLES,
    XL_TECH_DIR,
    XL_TECH_SETS,
    load_ps_tf,
    load_ps_titles,
    load_xl_tech,
    read_dev_standards,
    work_functions_framework,
)
from outcome_matcher.frameworks import load_esco_occupations, load_framework
from outcome_matcher.retrieval.calibration import Calibration, load_calibration
from outcome_matcher.retrieval.index import DEFAULT_FIELDS, FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher, matcher_options
from outcome_matcher.schemas import Framework

log = logging.getLogger(__name__)

DEFAULT_CORPORA = Path("/work/shared/corpora")
ESCO = "esco"
ESCO_DIR = "esco_v1.1.1_en"
ESCO_OCCUPATIONS = "esco-occupations"
# Other-language labels: German, French, Dutch (from ESCO), and Russian, Kazakh, Uzbek
# (machine-translated for this project, unreviewed: esco_labels_ru_kk_uz/SOURCE.md).
ESCO_LABELS = (
    "esco_multilingual_labels/esco_labels_multilingual.csv.gz",
    "esco_labels_ru_kk_uz/esco_labels_ru_kk_uz.csv.gz",
)
# Occupation labels in the users' languages only: the multilingual file's 20 EU languages
# would add 300,000 vectors for Russian job titles that read none of them.
OCCUPATION_LABELS = ("esco_labels_ru_kk_uz/esco_labels_ru_kk_uz.csv.gz",)
# Occupations are indexed by their preferred labels in every language (11,817 vectors); their
# 30,000 alternative labels and descriptions are left out to keep a cold run in budget.
OCCUPATION_FIELDS = ("label", "other_lang_label")
DECORTE_SETS = {
    "tech": "decorte_skill_extraction/tech_validation_annotations.csv",
    "house": "decorte_skill_extraction/house_validation_annotations.csv",
}
MAPPING_SETS = {
    "de_ba": ("competence_to_esco_skill/de_ba_kompetenzen_esco_dev.csv.gz", BA_COLUMNS),
    "be_vdab_fr": ("competence_to_esco_skill/be_vdab_competent_esco_dev.csv.gz", VDAB_FR_COLUMNS),
}
MELO_SETS = tuple(
    MELO_PREFIX + name
    for name in (
        "est_q_et_c_et",
        "est_q_et_c_en",
        "fra_q_fr_c_fr",
        "fra_q_fr_c_en",
        "ita_q_it_c_it",
        "ita_q_it_c_en",
        "deu_q_de_c_de",
        "usa_q_en_c_en",
    )
)
USERS_SETS = (*XL_TECH_SETS, PS_TF, PS_TITLES)
DEV_SETS = (*DECORTE_SETS, *MAPPING_SETS, *USERS_SETS, *MELO_SETS)
BASELINES = (BM25, LABEL_ONLY)


@dataclass(frozen=True)
class EscoOptions:
    """How the ESCO index is built: which texts become vectors, which other languages join."""

    fields: tuple[str, ...] = DEFAULT_FIELDS
    # None: every language of the multilingual label file; () none.
    other_langs: tuple[str, ...] | None = None


def select_sets(names: Sequence[str] | None) -> list[str]:
    """Dev set names in canonical order; 'melo' selects every MELO set, 'decorte' TECH and HOUSE."""
    if not names:
        return list(DEV_SETS)
    groups = {
        "melo": MELO_SETS,
        "decorte": tuple(DECORTE_SETS),
        "mapping": tuple(MAPPING_SETS),
        "xl-tech": XL_TECH_SETS,
        "users": USERS_SETS,
    }
    wanted: set[str] = set()
    for name in names:
        key = name.strip().lower()
        if key in groups:
            wanted.update(groups[key])
        elif key in DEV_SETS or MELO_PREFIX + key in DEV_SETS:
            wanted.add(key if key in DEV_SETS else MELO_PREFIX + key)
        else:
            raise InputError(f"unknown set {name!r}; known: {', '.join(DEV_SETS)}", field="sets")
    return [s for s in DEV_SETS if s in wanted]


def load_esco_framework(corpora_dir: Path, other_langs: Collection[str] | None) -> Framework:
    """ESCO v1.1.1 skills, with labels in `other_langs` (None: all available) as extra texts."""
    labels = [corpora_dir / p for p in ESCO_LABELS if (corpora_dir / p).is_file()]
    use_labels = bool(labels) and (other_langs is None or len(other_langs) > 0)
    framework = load_framework(
        corpora_dir / ESCO_DIR,
        "esco",
        name=ESCO,
        version="1.1.1",
        extra_labels=labels if use_labels else None,
    )
    return _keep_langs(framework, other_langs if use_labels else None)


def load_occupations_framework(corpora_dir: Path, other_langs: Collection[str] | None) -> Framework:
    """ESCO v1.1.1 occupations as competencies, with Russian, Kazakh, Uzbek labels."""
    labels = [corpora_dir / p for p in OCCUPATION_LABELS if (corpora_dir / p).is_file()]
    use_labels = bool(labels) and (other_langs is None or len(other_langs) > 0)
    framework = load_esco_occupations(
        corpora_dir / ESCO_DIR,
        name=ESCO_OCCUPATIONS,
        version="1.1.1",
        extra_labels=labels if use_labels else None,
    )
    return _keep_langs(framework, other_langs if use_labels else None)


def _keep_langs(framework: Framework, other_langs: Collection[str] | None) -> Framework:
    """Only the other-language labels in `other_langs` (None: all of them)."""
    if other_langs is None:
        return framework
    keep = set(other_langs)
    competencies = tuple(
        c.model_copy(
            update={"labels_by_lang": {k: v for k, v in c.labels_by_lang.items() if k in keep}}
        )
        for c in framework.competencies
    )
    return framework.model_copy(update={"competencies": competencies})


def load_esco_sets(names: Sequence[str], corpora_dir: Path, esco: Framework) -> list[GoldSet]:
    """The Decorte and mapping-table sets among `names`, ranked against the ESCO index."""
    known = {c.id for c in esco.competencies}
    sets: list[GoldSet] = []
    for name in names:
        if name in DECORTE_SETS:
            sets.append(
                load_decorte(corpora_dir / DECORTE_SETS[name], esco, name=name, framework_name=ESCO)
            )
        elif name in MAPPING_SETS:
            path, columns = MAPPING_SETS[name]
            sets.append(
                load_esco_mapping(
                    corpora_dir / path, columns, known, name=name, framework_name=ESCO
                )
            )
    return sets


def run_all_dev_sets(
    settings: Settings,
    corpora_dir: Path = DEFAULT_CORPORA,
    model: str | None = None,
    *,
    sets: Sequence[str] | None = None,
    esco: EscoOptions | None = None,
    threshold: float | None = None,
    depth: int = DEFAULT_DEPTH,
    encoder: Encoder | None = None,
    calibrated: bool = False,
    baselines: bool = False,
) -> EvaluationReport:
    """Build (or load from the data dir's cache) the ESCO and MELO indexes and evaluate the sets.

    With `calibrated`, the model's shipped calibration gives each candidate a confidence, the
    threshold metrics are taken at its operating point and each set gets a reliability table.
    With `baselines`, every set also gets a BM25-only row and a label-only row (embeddings of
    the preferred labels in the framework's language, nothing fused).
    """
    start = time.perf_counter()
    if model is not None:
        settings = settings.model_copy(update={"model": model})
    esco = esco or EscoOptions()
    names = select_sets(sets)
    encoder = encoder or load_encoder(settings)
    caching = CachingEncoder(encoder, settings.data_dir / "evaluation" / "vectors")
    indexes = _Indexes(caching, settings.data_dir / "evaluation" / "indexes", baselines)
    calibration = _calibration(settings) if calibrated else None
    matcher = Matcher(encoder, calibration=calibration, **matcher_options(settings))
    gold_sets: list[GoldSet] = []
    if any(n in DECORTE_SETS or n in MAPPING_SETS or n in XL_TECH_SETS for n in names):
        framework = load_esco_framework(corpora_dir, esco.other_langs)
        indexes.add(ESCO, framework, esco.fields)
        gold_sets += load_esco_sets(names, corpora_dir, framework)
        if any(n in XL_TECH_SETS for n in names):
            decorte = corpora_dir / DECORTE_SETS["tech"]
            xl = load_xl_tech(corpora_dir / XL_TECH_DIR, decorte, framework, ESCO)
            gold_sets += [s for s in xl if s.name in names]
    if PS_TF in names or PS_TITLES in names:
        records = read_dev_standards(corpora_dir / PS_DIR)
        if PS_TF in names:
            indexes.add(PS_FRAMEWORK, work_functions_framework(records), ("label",))
            gold_sets.append(load_ps_tf(records))
        if PS_TITLES in names:
            occupations = load_occupations_framework(corpora_dir, esco.other_langs)
            indexes.add(ESCO_OCCUPATIONS, occupations, OCCUPATION_FIELDS)
            gold_sets.append(load_ps_titles(records, occupations, ESCO_OCCUPATIONS))
    for name in names:
        if name in MELO_SETS:
            melo = load_melo(
                corpora_dir / "melo_occupation_linking" / name.removeprefix(MELO_PREFIX)
            )
            indexes.add(melo.corpus.name, melo.corpus, ("label",))
            gold_sets.append(melo.gold)
    for name, index in indexes.default.items():
        matcher.add_index(name, index)
    gold_sets.sort(key=lambda s: names.index(s.name))
    config = _config(settings, corpora_dir, esco, matcher)
    report = evaluate(
        gold_sets,
        matcher,
        ESCO,
        threshold=threshold,
        depth=depth,
        config=config,
        calibrated=calibrated,
        baselines=_baselines(settings, encoder, indexes) if baselines else None,
    )
    return report.model_copy(
        update={
            "index_seconds": indexes.seconds,
            "total_seconds": round(time.perf_counter() - start, 2),
        }
    )


class _Indexes:
    """The cached indexes of one run: the default ones and, for the baseline, label-only ones."""

    def __init__(self, encoder: CachingEncoder, cache_dir: Path, label_only: bool) -> None:
        self.encoder = encoder
        self.cache_dir = cache_dir
        self.label_only = label_only
        self.default: dict[str, FrameworkIndex] = {}
        self.labels: dict[str, FrameworkIndex] = {}
        self.seconds: dict[str, float] = {}

    def add(self, name: str, framework: Framework, fields: Sequence[str]) -> None:
        index, seconds = cached_index(framework, self.encoder, self.cache_dir, fields=fields)
        self.default[name] = index
        self.seconds[name] = round(seconds, 2)
        if self.label_only:
            if tuple(fields) == LABEL_ONLY_FIELDS and not _has_other_langs(framework):
                self.labels[name] = index
            else:
                self.labels[name], _ = cached_index(
                    labels_only(framework), self.encoder, self.cache_dir, fields=LABEL_ONLY_FIELDS
                )


def _has_other_langs(framework: Framework) -> bool:
    return any(c.labels_by_lang for c in framework.competencies)


def _baselines(settings: Settings, encoder: Encoder, indexes: _Indexes) -> dict[str, Ranker]:
    options = matcher_options(settings)
    label_only = Matcher(encoder, dict(indexes.labels))
    return {
        BM25: LexicalRanker(
            indexes.default,
            analyzers=options["analyzers"],
            other_languages=options["lexical_other_languages"],
        ),
        LABEL_ONLY: MatcherRanker(label_only),
    }


def _calibration(settings: Settings) -> Calibration:
    calibration = load_calibration(settings.model)
    if calibration is None:
        raise InputError(
            f"no calibration for {settings.model}: run scripts/fit_calibration.py",
            field="threshold",
        )
    return calibration


def _config(
    settings: Settings, corpora_dir: Path, esco: EscoOptions, matcher: Matcher
) -> dict[str, str]:
    config = {
        "threads": str(settings.threads),
        "batch_size": str(settings.batch_size),
        "corpora_dir": str(corpora_dir),
        "lexical": str(settings.lexical),
        "label_fusion": str(settings.label_fusion),
        "lexical_analyzers": settings.lexical_analyzers,
        "lexical_other_languages": str(settings.lexical_other_languages),
        "esco_fields": ",".join(esco.fields),
        "esco_other_langs": "all"
        if esco.other_langs is None
        else ",".join(esco.other_langs) or "none",
    }
    if matcher.calibration is not None:
        config["calibration"] = matcher.calibration.fitted_on
    for name, index in matcher.indexes.items():
        config[f"{name}.vectors"] = str(index.meta.n_vectors)
        config[f"{name}.competencies"] = str(index.meta.n_competencies)
    return config
