"""Micro-qualifications in the store: versions kept, four-eyes sign-off, publish, audit log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from microquals_support import complete
from outcome_matcher.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from outcome_matcher.store import Store, UserInfo, downgrade, upgrade
from outcome_matcher.store.microquals import MicroQualsRepo
from outcome_matcher.store.tables import Base
from outcome_matcher.store.tables_microquals import (
    MicroQualificationRow,
    MicroQualificationSignOffRow,
    MicroQualificationVersionRow,
)
from test_store_support import BACKENDS, backend_url

MQ_TABLES = {
    MicroQualificationRow.__tablename__,
    MicroQualificationVersionRow.__tablename__,
    MicroQualificationSignOffRow.__tablename__,
}


class MQStore(Store, MicroQualsRepo):
    """The Store with the micro-qualification repository mixed in (as the integrator will)."""


DESIGNER = UserInfo(name="dana", role="designer")
REVIEWER = UserInfo(name="rui", role="reviewer")
AUDITOR = UserInfo(name="ada", role="auditor")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MQStore]:
    with backend_url(request.param, tmp_path) as url:
        # Store.open is typed to return Store; this subclass adds the micro-qualification repo.
        st = cast(MQStore, MQStore.open(url, migrate=True))
        for user in (DESIGNER, REVIEWER, AUDITOR):
            st.add_user(user.name, user.role)
        st.add_user("admin", "admin")
        try:
            yield st
        finally:
            st.close()


def test_migration_matches_the_tables(store: MQStore) -> None:
    with store.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) >= MQ_TABLES
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if any(t in str(d) for t in MQ_TABLES)] == []


def test_each_save_is_a_new_version(store: MQStore) -> None:
    draft = complete(quality_assurance=None)
    first = store.create_micro_qualification(draft, caller=DESIGNER)
    assert (first.id, first.version, first.owner, first.status) == ("mq-test-1", 1, "dana", "draft")
    second = store.update_micro_qualification(first.id, complete(), caller=DESIGNER)
    assert second.version == 2
    old = store.get_micro_qualification(first.id, version=1)
    assert old.micro_qualification.quality_assurance is None
    assert second.micro_qualification.missing_mandatory() == []
    assert [v.version for v in store.micro_qualification_versions(first.id)] == [1, 2]
    assert [r.id for r in store.list_micro_qualifications()] == ["mq-test-1"]


def test_publish_needs_every_element_and_another_reviewer(store: MQStore) -> None:
    key = store.create_micro_qualification(complete(quality_assurance=""), caller=DESIGNER).id
    with pytest.raises(InputError) as info:
        store.publish_micro_qualification(key, caller=DESIGNER)
    assert info.value.context["missing"] == ["quality_assurance"]
    store.update_micro_qualification(key, complete(), caller=DESIGNER)
    with pytest.raises(ConflictError, match="no approving sign-off"):
        store.publish_micro_qualification(key, caller=DESIGNER)
    with pytest.raises(ForbiddenError):
        store.sign_off_micro_qualification(key, caller=DESIGNER)
    signed = store.sign_off_micro_qualification(key, caller=REVIEWER, comment="checked")
    assert [(o.version, o.reviewer, o.verdict) for o in signed.signoffs] == [(2, "rui", "approved")]
    published = store.publish_micro_qualification(key, caller=DESIGNER)
    assert (published.status, published.version) == ("published", 3)
    assert store.get_micro_qualification(key, version=2).status == "draft"
    assert [r.id for r in store.list_micro_qualifications(status="published")] == [key]
    with pytest.raises(ConflictError, match="published already"):
        store.publish_micro_qualification(key, caller=DESIGNER)


def test_an_admin_owner_cannot_sign_off_their_own(store: MQStore) -> None:
    admin = UserInfo(name="admin", role="admin")
    key = store.create_micro_qualification(complete(), caller=admin).id
    with pytest.raises(ForbiddenError, match="another reviewer"):
        store.sign_off_micro_qualification(key, caller=admin)


def test_a_sign_off_is_for_one_version(store: MQStore) -> None:
    key = store.create_micro_qualification(complete(), caller=DESIGNER).id
    store.sign_off_micro_qualification(key, caller=REVIEWER)
    store.update_micro_qualification(key, complete(title="Changed"), caller=DESIGNER)
    with pytest.raises(ConflictError):
        store.publish_micro_qualification(key, caller=DESIGNER)
    assert (
        store.publish_micro_qualification(key, caller=DESIGNER, require_signoff=False).title
        == "Changed"
    )


def test_roles_are_enforced(store: MQStore) -> None:
    with pytest.raises(ForbiddenError, match="role auditor"):
        store.create_micro_qualification(complete(), caller=AUDITOR)
    with pytest.raises(ForbiddenError, match="unknown user"):
        store.create_micro_qualification(complete(), caller=UserInfo(name="ghost", role="admin"))
    key = store.create_micro_qualification(complete(), caller=DESIGNER).id
    with pytest.raises(ForbiddenError):
        store.sign_off_micro_qualification(key, caller=AUDITOR)
    with pytest.raises(ConflictError):
        store.create_micro_qualification(complete(), caller=DESIGNER)
    with pytest.raises(NotFoundError):
        store.get_micro_qualification("nope")


def test_writes_are_audited(store: MQStore) -> None:
    key = store.create_micro_qualification(complete(), caller=DESIGNER).id
    store.update_micro_qualification(key, complete(quality_assurance=None), caller=DESIGNER)
    store.sign_off_micro_qualification(key, caller=REVIEWER, verdict="rejected")
    entries = store.audit_entries(entity="micro_qualification", entity_key=key)
    assert [(e.action, e.actor) for e in reversed(entries)] == [
        ("micro_qualification.create", "dana"),
        ("micro_qualification.update", "dana"),
        ("micro_qualification.sign_off", "rui"),
    ]
    assert entries[1].detail["missing"] == ["quality_assurance"]


@contextmanager
def _tables(url: str) -> Iterator[set[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_migration_goes_down_and_up(tmp_path: Path) -> None:
    with backend_url("sqlite", tmp_path) as url:
        MQStore.open(url, migrate=True).close()
        downgrade(url, "0002")
        with _tables(url) as names:
            assert not MQ_TABLES & names
        upgrade(url)
        with _tables(url) as names:
            assert names >= MQ_TABLES
