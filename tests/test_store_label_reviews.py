"""Store: reviewed labels append-only (by the database too), versioned, role-checked, and used
by the next reindex in place of the machine translation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.errors import ConflictError, ForbiddenError, NotFoundError
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.schemas import Competency, Framework
from outcome_matcher.store import LabelReviewCreate, LabelReviewPublic, Store, UserInfo
from test_store_support import BACKENDS, open_store

DB = "http://example.org/skill/db"
TESTS = "http://example.org/skill/tests"


def labelled_framework() -> Framework:
    """Two competencies with machine-translated labels, as q19's ESCO loader gives them."""
    return Framework(
        name="demo",
        version="1",
        format="esco",
        competencies=(
            Competency(
                id=DB,
                label="design database scheme",
                labels_by_lang={
                    "ru": ("проектировать схему базы данных",),
                    "kk": ("дерекқор схемасын жобалау",),
                    "uz": ("ma'lumotlar bazasi sxemasini loyihalash",),
                    "fr": ("concevoir un schéma de base de données",),
                },
            ),
            Competency(id=TESTS, label="execute software tests", labels_by_lang={}),
        ),
    )


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        s.add_framework(labelled_framework())
        yield s


@pytest.fixture
def rita(store: Store) -> UserInfo:
    return store.add_user("rita", "reviewer")[0]


def review(version: int, label: str, lang: str = "ru", uri: str = DB) -> LabelReviewCreate:
    return LabelReviewCreate.model_validate(
        {
            "framework": "demo",
            "competency_id": uri,
            "lang": lang,
            "label": label,
            "reason": f"council session {version + 1}",
            "expected_version": version,
        }
    )


def test_reviews_supersede_and_keep_the_old_labels(store: Store, rita: UserInfo) -> None:
    first = store.review_label(review(0, "разрабатывать  схему\nбазы данных"), rita)
    assert (first.version, first.supersedes, first.reviewer) == (1, None, "rita")
    assert first.label == "разрабатывать схему базы данных"  # one clean line
    assert first.previous_label == "проектировать схему базы данных"  # the machine label
    second = store.review_label(review(1, "проектировать структуру базы данных"), rita)
    assert (second.version, second.supersedes) == (2, first.id)
    assert second.previous_label == first.label
    assert store.label_history("demo") == [first, second]  # nothing overwritten
    assert store.current_labels("demo") == {(DB, "ru"): second}
    assert store.current_labels("demo", [TESTS]) == {}
    # A language without a machine label can be given one; the old label is then empty.
    added = store.review_label(review(0, "dasturiy testlarni bajarish", "uz", TESTS), rita)
    assert added.previous_label == ""
    assert store.label_history("demo", competency_id=TESTS, lang="uz") == [added]
    assert [e.action for e in store.audit_entries(entity="label")] == ["label.review"] * 3


def test_a_stale_version_conflicts_with_the_current_label(store: Store, rita: UserInfo) -> None:
    store.review_label(review(0, "разрабатывать схему базы данных"), rita)
    with pytest.raises(ConflictError, match="at version 1, not 0") as err:
        store.review_label(review(0, "другое"), rita)
    assert err.value.status == 409
    current = LabelReviewPublic.model_validate(err.value.context["current"])
    assert current.label == "разрабатывать схему базы данных"
    with pytest.raises(ConflictError):
        store.review_label(review(4, "другое"), rita)
    assert len(store.label_history("demo")) == 1


def test_auditors_deactivated_users_and_unknown_targets_are_refused(
    store: Store, rita: UserInfo
) -> None:
    auditor = store.add_user("otto", "auditor")[0]
    with pytest.raises(ForbiddenError, match="has role auditor"):
        store.review_label(review(0, "x"), auditor)
    store.set_user_active("rita", False)
    with pytest.raises(ForbiddenError, match="deactivated"):
        store.review_label(review(0, "x"), rita)
    ana = store.add_user("ana", "designer")[0]
    with pytest.raises(NotFoundError, match="unknown competency"):
        store.review_label(review(0, "x", uri="http://example.org/none"), ana)
    with pytest.raises(NotFoundError, match="unknown framework"):
        store.review_label(review(0, "x").model_copy(update={"framework": "nope"}), ana)
    assert store.label_history("demo") == []


@pytest.mark.parametrize(
    "change",
    [
        {"label": "   "},
        {"reason": "\n"},
        {"label": "x" * 301},
        {"lang": "fr"},  # official ESCO translations are not the council's to change
        {"expected_version": -1},
        {"extra": 1},
    ],
)
def test_bad_input_is_refused(change: dict[str, object]) -> None:
    data = review(0, "ok").model_dump() | change
    with pytest.raises(ValidationError):
        LabelReviewCreate.model_validate(data)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE label_reviews SET label = 'rewritten'",
        "DELETE FROM label_reviews",
        "TRUNCATE label_reviews",  # PostgreSQL only
    ],
)
def test_the_database_refuses_to_rewrite_label_history(
    store: Store, rita: UserInfo, statement: str
) -> None:
    if statement.startswith("TRUNCATE") and store.dialect != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    store.review_label(review(0, "разрабатывать схему базы данных"), rita)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert [r.label for r in store.label_history("demo")] == ["разрабатывать схему базы данных"]


def test_the_next_reindex_and_a_new_version_use_the_reviewed_label(
    tiny_encoder: SentenceTransformerEncoder, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with Store.open(settings.db_url, migrate=True) as store:
        store.add_framework(labelled_framework())
        rita = store.add_user("rita", "reviewer")[0]
        services.reindex_framework(store, tiny_encoder, settings, "demo")
        before = FrameworkIndex.load(services.index_dir(settings, "demo"))
        assert "проектировать схему базы данных" in before.row_texts
        store.review_label(review(0, "разрабатывать схему базы данных"), rita)
        # Display at once; the stored machine label itself is kept.
        assert store.get_competencies("demo", [DB])[0].labels_by_lang["ru"] == (
            "проектировать схему базы данных",
        )
        services.reindex_framework(store, tiny_encoder, settings, "demo")
        after = FrameworkIndex.load(services.index_dir(settings, "demo"))
        assert "разрабатывать схему базы данных" in after.row_texts
        assert "проектировать схему базы данных" not in after.row_texts
        assert "дерекқор схемасын жобалау" in after.row_texts  # other languages untouched
        fw = services.reviewed_framework(store, "demo")
        assert fw.competencies[0].labels_by_lang["ru"] == ("разрабатывать схему базы данных",)
        assert (
            fw.competencies[0].labels_by_lang["fr"]
            == labelled_framework().competencies[0].labels_by_lang["fr"]
        )
