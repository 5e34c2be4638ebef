"""`adapt --from-decisions`: a candidate adapter from decisions, installed only if it holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from outcome_matcher import services
from outcome_matcher.adaptation.refresh import (
    DECISION_KIND,
    REPORT_FILE,
    DevCheck,
    DevScores,
    RefreshResult,
    _reasons,
    decided_links,
    decision_pairs,
    refresh_adapter,
)
from outcome_matcher.adaptation.train import TrainConfig
from outcome_matcher.config import Settings
from outcome_matcher.encoders import (
    E5_ESCO_NAME,
    Encoder,
    SentenceTransformerEncoder,
    active_adapter_dir,
    installed_adapter_dir,
)
from outcome_matcher.errors import InputError
from outcome_matcher.evaluation.gold import GoldQuery, GoldSet
from outcome_matcher.evaluation.runner import evaluate
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.store import DecisionCreate, Store

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
FRAMEWORK = "example"
TINY = TrainConfig(
    rank=2, alpha=4, batch_size=8, learning_rate=5e-2, quotas=((DECISION_KIND, 10_000),)
)


@dataclass
class Env:
    store: Store
    settings: Settings
    encoder: SentenceTransformerEncoder


@pytest.fixture()
def env(tiny_encoder: SentenceTransformerEncoder, tmp_path: Path) -> Iterator[Env]:
    settings = Settings(data_dir=tmp_path / "data")
    store = Store.open(settings.db_url, migrate=True)  # a real SQLite file in the data dir
    csv = CORPORA / "standards" / "example_software_developer_level6.csv"
    services.add_framework(store, tiny_encoder, settings, name=FRAMEWORK, path=csv, format="csv")
    for name in ("software_developer_en.yaml", "software_developer_ru_kk_uz.yaml"):
        services.add_catalogue(store, CORPORA / "samples" / name, name=None, max_chars=2000)
    yield Env(store, settings, tiny_encoder)
    store.close()


def _decide(env: Env, per_module: int) -> None:
    """In every module, a reviewer accepts the first competencies and rejects the next ones."""
    user = env.store.add_user("ann", "reviewer")[0]
    ids = [c.id for c in env.store.get_competencies(FRAMEWORK)]
    for p in env.store.list_programmes():
        modules = env.store.get_programme(p.code, p.catalogue).modules
        for m_i, module in enumerate(modules):
            for k in range(per_module):
                cid = ids[(3 * m_i + k) % len(ids)]
                accepted = k % 2 == 0
                env.store.decide(
                    DecisionCreate(
                        programme=p.code,
                        catalogue=p.catalogue,
                        module=module.code,
                        framework=FRAMEWORK,
                        competency_id=cid,
                        verdict="accepted" if accepted else "rejected",
                        relation="close" if accepted else None,
                        evidence_outcome=module.outcomes[0].id if k == 0 else None,
                        expected_version=0,
                    ),
                    user,
                )


def _dev_check(env: Env) -> DevCheck:
    """A real dev set over the stored framework: each description should find its label."""
    framework = env.store.load_framework(FRAMEWORK)
    queries = tuple(
        GoldQuery(id=c.id, text=c.description, gold=frozenset({c.id}))
        for c in framework.competencies
        if c.description
    )
    gold = GoldSet(name="example-descriptions", queries=queries, framework=FRAMEWORK)

    def check(encoder: Encoder) -> DevScores:
        matcher = Matcher(encoder)
        matcher.add_index(FRAMEWORK, FrameworkIndex.build(framework, encoder, fields=("label",)))
        mrr = evaluate([gold], matcher, FRAMEWORK).sets[0].metrics["MRR"]
        return {gold.name: (mrr.value, mrr.low)}

    return check


def test_links_and_pairs_come_from_the_decisions(env: Env) -> None:
    _decide(env, per_module=4)
    links = decided_links(env.store, env.encoder, FRAMEWORK)
    assert links and {link.accepted for link in links} == {True, False}
    pairs = decision_pairs(links)
    accepted = [link for link in links if link.accepted]
    # One pair per text of each accepted competency (label, description), negatives from
    # the same module's rejections.
    assert len(pairs) == sum(len(link.texts) for link in accepted)
    rejected_ids = {link.competency_id for link in links if not link.accepted}
    assert all(p.negative_of in rejected_ids for p in pairs if p.negative)
    assert any(p.negative for p in pairs)


def test_refresh_trains_checks_and_installs_only_when_it_holds(
    env: Env, tiny_model_dir: Path
) -> None:
    _decide(env, per_module=4)
    assert active_adapter_dir(env.settings) != installed_adapter_dir(env.settings)
    result = refresh_adapter(
        env.store,
        env.settings,
        FRAMEWORK,
        base_dir=tiny_model_dir,
        active_model_dir=tiny_model_dir,
        dev_check=_dev_check(env),
        config=TINY,
        min_accepted=3,
    )
    assert result.pairs > 0 and result.held_out_decisions > 0
    assert set(result.dev_before) == set(result.dev_after) == {"example-descriptions"}
    assert 0.0 <= result.auc_before <= 1.0 and 0.0 <= result.auc_after <= 1.0
    # The decision follows the rule, and the report on disk says the same.
    assert result.installed == (result.reasons == []) == (_reasons(result) == [])
    saved = json.loads((result.candidate_dir / REPORT_FILE).read_text(encoding="utf-8"))
    assert saved["installed"] == result.installed and saved["reasons"] == result.reasons
    assert (result.candidate_dir / "adapter" / "adapter_model.safetensors").is_file()
    assert not (result.candidate_dir / "model").exists()  # the big merged copy is not kept
    installed = installed_adapter_dir(env.settings)
    if result.installed:
        assert active_adapter_dir(env.settings) == installed
        assert (installed / "adapter_model.safetensors").read_bytes() == (
            result.candidate_dir / "adapter" / "adapter_model.safetensors"
        ).read_bytes()
    else:
        assert not installed.exists() and active_adapter_dir(env.settings) != installed
    assert installed.parent.name == "adapters" and installed.name == E5_ESCO_NAME


def test_refresh_says_how_many_decisions_are_missing(env: Env, tiny_model_dir: Path) -> None:
    _decide(env, per_module=2)
    with pytest.raises(InputError, match="more\\)"):
        refresh_adapter(
            env.store,
            env.settings,
            FRAMEWORK,
            base_dir=tiny_model_dir,
            active_model_dir=tiny_model_dir,
            dev_check=_dev_check(env),
            config=TINY,
            min_accepted=1000,
        )
    assert not installed_adapter_dir(env.settings).exists()


def _result(**changes: object) -> RefreshResult:
    base = RefreshResult(
        installed=False,
        reasons=[],
        candidate_dir=Path("c"),
        pairs=10,
        fit_decisions=10,
        held_out_decisions=4,
        held_out_programmes=["a/P"],
        auc_before=0.6,
        auc_after=0.7,
        dev_before={"tech": (0.60, 0.52)},
        dev_after={"tech": (0.55, 0.47)},
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_reasons_name_what_failed() -> None:
    assert _reasons(_result()) == []  # lower MRR, but inside the active adapter's interval
    (why,) = _reasons(_result(auc_after=0.6))
    assert "AUC 0.600 does not beat" in why
    (why,) = _reasons(_result(dev_after={"tech": (0.50, 0.4)}))
    assert "dev set tech: MRR 0.500 below" in why and "lower bound 0.520" in why


def test_the_command_names_what_it_needs(
    env: Env, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from outcome_matcher.cli import app

    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(env.settings.data_dir))
    runner = CliRunner()
    result = runner.invoke(app, ["adapt", "--from-decisions"])
    assert result.exit_code == 2 and "--framework" in result.output
    # A custom model folder has no adapter of ours to refresh.
    monkeypatch.setenv("OUTCOME_MATCHER_MODEL_PATH", str(tiny_model_dir))
    result = runner.invoke(app, ["adapt", "--from-decisions", "--framework", FRAMEWORK])
    assert result.exit_code == 2 and "only multilingual-e5-small-esco" in result.output
    assert not installed_adapter_dir(env.settings).exists()
