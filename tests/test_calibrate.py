"""`calibrate`: refit on decisions, held out by programme, activated only when better."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError
from outcome_matcher.learning.decided import decided_candidates
from outcome_matcher.learning.recalibrate import refit, split_by_programme
from outcome_matcher.retrieval.calibration import load_calibration
from outcome_matcher.retrieval.deployment_calibration import load_record, record_path
from outcome_matcher.retrieval.matcher import Matcher, group_by_module
from outcome_matcher.store import DecisionCreate, Store, UserInfo

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
FRAMEWORK = "example"
MODEL = "multilingual-e5-small-esco"


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
    for name in ("software_developer_en.yaml", "software_developer_ru_kk_uz.yaml"):
        services.add_catalogue(store, CORPORA / "samples" / name, name=None, max_chars=2000)
    matcher = services.load_matcher(settings, store, tiny_encoder)
    # The shipped e5 calibration over the tiny model's scores: badly calibrated, as a
    # deployment whose reviewers judge differently from the public crosswalks would be.
    matcher.calibration = load_calibration(MODEL)
    yield Env(store, matcher, settings, store.add_user("ann", "reviewer")[0])
    store.close()


def _decide_all(env: Env, *, per_programme: int | None = None, own_bar: bool = False) -> int:
    """Reviewers accept the links scoring in the top third, reject the rest."""
    ids = [c.id for c in env.store.get_competencies(FRAMEWORK)]
    made = 0
    programmes = env.store.list_programmes()
    scored = [
        env.matcher.score_programme(
            FRAMEWORK, group_by_module(env.store.get_programme_outcomes(p.code, p.catalogue)), ids
        )
        for p in programmes
    ]
    everything = sorted(c.score for cells in scored for c in cells.values())
    for p, cells in zip(programmes, scored, strict=True):
        left = per_programme
        # One bar for every programme (reviewers who agree), or each programme its own.
        pool = sorted(c.score for c in cells.values()) if own_bar else everything
        cut = pool[2 * len(pool) // 3]
        for (module, cid), cell in sorted(cells.items()):
            if left is not None:
                if left == 0:
                    break
                left -= 1
            accepted = cell.score >= cut
            env.store.decide(
                DecisionCreate(
                    programme=p.code,
                    catalogue=p.catalogue,
                    module=module,
                    framework=FRAMEWORK,
                    competency_id=cid,
                    verdict="accepted" if accepted else "rejected",
                    relation="close" if accepted else None,
                    expected_version=0,
                ),
                env.user,
            )
            made += 1
    return made


def test_split_is_by_programme_and_stable() -> None:
    fit, held = split_by_programme(["a/P1", "a/P2", "b/P3", "b/P4", "a/P1"])
    assert fit.isdisjoint(held) and fit | held == {"a/P1", "a/P2", "b/P3", "b/P4"}
    assert len(held) == 1 and split_by_programme(["b/P4", "b/P3", "a/P2", "a/P1"])[1] == held
    with pytest.raises(InputError, match="at least two programmes"):
        split_by_programme(["a/P1"])


def test_too_few_decisions_says_how_many_are_missing(env: Env) -> None:
    _decide_all(env, per_programme=6)
    with pytest.raises(InputError, match=r"need 30 of each\): \d+ more accepted or partial"):
        refit(env.store, env.matcher, env.settings.data_dir, FRAMEWORK, model_name=MODEL)
    assert not record_path(env.settings.data_dir, FRAMEWORK).exists()


def test_a_better_refit_is_activated_and_used(env: Env) -> None:
    n = _decide_all(env)
    decided = decided_candidates(env.store, env.matcher, FRAMEWORK)
    assert len(decided) == n and {c.programme for c in decided} == {
        f"{p.catalogue}/{p.code}" for p in env.store.list_programmes()
    }
    assert all(1 <= c.candidate.rank <= 51 and c.candidate.gap >= 0 for c in decided)
    dry = refit(
        env.store,
        env.matcher,
        env.settings.data_dir,
        FRAMEWORK,
        model_name=MODEL,
        min_each=10,
        activate=False,
    )
    assert not dry.activated and load_record(env.settings.data_dir, FRAMEWORK) is None
    result = refit(
        env.store, env.matcher, env.settings.data_dir, FRAMEWORK, model_name=MODEL, min_each=10
    )
    r = result.record
    assert r.ece_before is not None and r.ece_after < r.ece_before
    assert result.activated and r.n_decisions + r.n_held_out == n
    assert result.before is not None and sum(row[2] for row in result.after) == r.n_held_out
    saved = load_record(env.settings.data_dir, FRAMEWORK)
    assert saved is not None and saved.calibration == r.calibration
    assert saved.n_decisions == r.n_decisions and saved.fitted == r.fitted
    # The service now prefers the refit for this framework, the shipped one elsewhere.
    settings = env.settings
    assert services.calibration_for(settings, FRAMEWORK) == r.calibration
    assert services.calibration_for(settings) == load_calibration(MODEL)
    fresh = services.load_matcher(settings, env.store, env.matcher.encoder)
    assert fresh.calibration_of(FRAMEWORK) == r.calibration
    assert fresh.threshold_of(FRAMEWORK) == r.calibration.threshold


def test_a_refit_that_does_not_transfer_is_not_activated(env: Env) -> None:
    # Each programme's reviewers draw their own line: what one teaches the refit does not hold
    # for the held-out programme, and the calibration in force stays.
    _decide_all(env, own_bar=True)
    result = refit(
        env.store, env.matcher, env.settings.data_dir, FRAMEWORK, model_name=MODEL, min_each=10
    )
    r = result.record
    assert r.ece_before is not None and r.log_loss_before is not None
    assert r.ece_after >= r.ece_before or r.log_loss_after > r.log_loss_before
    assert not result.activated and load_record(env.settings.data_dir, FRAMEWORK) is None
    assert env.matcher.calibration_of(FRAMEWORK) == load_calibration(MODEL)
