"""The k-NN decision memory in the service: fitted on decisions held out by programme,
activated only when better, re-ranking suggestions, rebuilt when decisions change."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError
from outcome_matcher.learning.remember import (
    fit_memory,
    load_memory,
    memory_path,
    refresh_memories,
)
from outcome_matcher.retrieval.matcher import Matcher, group_by_module
from outcome_matcher.retrieval.memory import FUSION_FEATURES
from outcome_matcher.store import DecisionCreate, Store, UserInfo

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
FRAMEWORK = "example"
# Three universities teaching the same programme (the same outcomes, word for word).
UNIVERSITIES = ("uni-a", "uni-b", "uni-c")


@dataclass
class Env:
    store: Store
    matcher: Matcher
    settings: Settings
    user: UserInfo


@pytest.fixture()
def env(tiny_encoder: Encoder, tmp_path: Path) -> Iterator[Env]:
    settings = Settings(data_dir=tmp_path / "data")
    store = Store.open(settings.db_url, migrate=True)
    csv = CORPORA / "standards" / "example_software_developer_level6.csv"
    services.add_framework(store, tiny_encoder, settings, name=FRAMEWORK, path=csv, format="csv")
    for name in UNIVERSITIES:
        sample = CORPORA / "samples" / "software_developer_en.yaml"
        services.add_catalogue(store, sample, name=name, max_chars=2000)
    matcher = services.load_matcher(settings, store, tiny_encoder)
    yield Env(store, matcher, settings, store.add_user("ann", "reviewer")[0])
    store.close()


def _council_accepts(competency_id: str) -> bool:
    """The reviewers' judgement, which the random tiny model cannot know: only the memory of
    their earlier decisions can."""
    return hashlib.sha256(competency_id.encode()).digest()[0] % 2 == 0


def _decide(env: Env, catalogue: str, module: str, competency_id: str) -> None:
    accepted = _council_accepts(competency_id)
    env.store.decide(
        DecisionCreate(
            programme="BSC-SD",
            catalogue=catalogue,
            module=module,
            framework=FRAMEWORK,
            competency_id=competency_id,
            verdict="accepted" if accepted else "rejected",
            relation="close" if accepted else None,
            expected_version=0,
        ),
        env.user,
    )


def _decide_programmes(env: Env, catalogues: tuple[str, ...]) -> None:
    ids = [c.id for c in env.store.get_competencies(FRAMEWORK)]
    for catalogue in catalogues:
        modules = group_by_module(env.store.get_programme_outcomes("BSC-SD", catalogue))
        for module, cid in sorted(env.matcher.score_programme(FRAMEWORK, modules, ids)):
            _decide(env, catalogue, module, cid)


def test_memory_is_fitted_held_out_and_reranks_near_duplicates(env: Env) -> None:
    _decide_programmes(env, UNIVERSITIES)
    data_dir = env.settings.data_dir
    dry = fit_memory(env.store, env.matcher, data_dir, FRAMEWORK, min_each=5, activate=False)
    assert not dry.activated and not memory_path(data_dir, FRAMEWORK).exists()
    found = fit_memory(env.store, env.matcher, data_dir, FRAMEWORK, min_each=5)
    assert len(found.held_out_programmes) == 1
    # The held-out university's verdicts are its twins': the memory ranks them, the model not.
    assert found.auc_after > 0.9 > found.auc_before
    assert found.activated and memory_path(data_dir, FRAMEWORK).is_file()
    weights = dict(zip(FUSION_FEATURES, found.fusion.weights, strict=True))
    assert weights["memory_pos"] > 0 > weights["memory_neg"]

    # Live: an outcome the reviewers decided elsewhere gets their accepted competencies first.
    assert FRAMEWORK in env.matcher.memories
    outcome = env.store.get_programme_outcomes("BSC-SD", "uni-c")[0]
    memory, _ = env.matcher.memories[FRAMEWORK]
    verdicts = {
        cid: v for r in memory.reviewed if r.id.endswith("|" + outcome.outcome_id)
        for cid, v in r.verdicts.items()
    }  # fmt: skip
    remembered = env.matcher.suggest(FRAMEWORK, [outcome.text], top_k=50)[0]
    without = env.matcher.memories.pop(FRAMEWORK)
    plain = env.matcher.suggest(FRAMEWORK, [outcome.text], top_k=50)[0]
    env.matcher.memories[FRAMEWORK] = without
    order = [s.competency_id for s in remembered]
    assert sorted(order) == sorted(s.competency_id for s in plain)
    accepted = [order.index(c) for c, v in verdicts.items() if v > 0 and c in order]
    rejected = [order.index(c) for c, v in verdicts.items() if v < 0 and c in order]
    assert accepted and rejected and max(accepted) < min(rejected)


def test_memory_rebuilds_when_decisions_change(env: Env) -> None:
    _decide_programmes(env, UNIVERSITIES[:2])
    data_dir = env.settings.data_dir
    seen: dict[str, tuple[int, float]] = {}
    assert refresh_memories(env.store, env.matcher, data_dir, seen) == []  # none activated
    assert fit_memory(env.store, env.matcher, data_dir, FRAMEWORK, min_each=5).activated
    assert refresh_memories(env.store, env.matcher, data_dir, seen) == [FRAMEWORK]
    assert refresh_memories(env.store, env.matcher, data_dir, seen) == []  # nothing changed
    before = len(env.matcher.memories[FRAMEWORK][0])
    ids = [c.id for c in env.store.get_competencies(FRAMEWORK)]
    module = env.store.get_programme_outcomes("BSC-SD", "uni-c")[0].module_code
    _decide(env, "uni-c", module, ids[0])
    assert refresh_memories(env.store, env.matcher, data_dir, seen) == [FRAMEWORK]
    assert len(env.matcher.memories[FRAMEWORK][0]) == before + 1
    memory_path(data_dir, FRAMEWORK).write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="unreadable decision memory"):
        load_memory(env.store, env.matcher, data_dir, FRAMEWORK)
    memory_path(data_dir, FRAMEWORK).unlink()
    assert not load_memory(env.store, env.matcher, data_dir, FRAMEWORK)
    assert FRAMEWORK not in env.matcher.memories


def test_calibrate_memory_learns_from_the_whole_framework(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from outcome_matcher.cli import app

    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(tmp_path / "data"))
    args = ["calibrate", "--framework", FRAMEWORK, "--memory", "--standard", "X"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2  # an input error, as every command reports one
    assert "leave out --standard" in " ".join(result.stderr.split())
