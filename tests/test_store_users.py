"""Store: users, hashed tokens, authentication and the audit trail of user writes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from outcome_matcher.errors import AuthError, ConflictError, NotFoundError
from outcome_matcher.store import Store, UserInfo
from outcome_matcher.store.tables import Base
from test_store_support import BACKENDS, open_store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        yield s


def _all_stored_text(store: Store) -> str:
    """Every value in every table, as one string."""
    parts: list[str] = []
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"')):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_tokens_are_stored_hashed(store: Store) -> None:
    user, token = store.add_user("rita", "reviewer")
    second = store.create_token("rita")
    assert user == UserInfo(name="rita", role="reviewer", active=True)
    assert len(token) >= 40 and token != second
    stored = _all_stored_text(store)
    assert token not in stored and second not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_authenticate_and_revoke(store: Store) -> None:
    _, token = store.add_user("rita", "reviewer")
    assert store.authenticate(token).name == "rita"
    assert store.authenticate(token).role == "reviewer"  # second use: last_used not rewritten
    with pytest.raises(AuthError):
        store.authenticate("not-a-token")
    store.revoke_token(token)
    store.revoke_token(token)  # idempotent
    with pytest.raises(AuthError, match="invalid, expired or revoked"):
        store.authenticate(token)
    with pytest.raises(NotFoundError):
        store.revoke_token("never-issued")


def test_deactivated_user_cannot_authenticate(store: Store) -> None:
    _, token = store.add_user("rita", "designer")
    store.set_user_active("rita", False)
    with pytest.raises(AuthError):
        store.authenticate(token)
    assert store.set_user_active("rita", True).active
    assert store.authenticate(token).role == "designer"


def test_user_queries(store: Store) -> None:
    store.add_user("zed", "auditor")
    store.add_user("ann", "admin")
    assert [u.name for u in store.list_users()] == ["ann", "zed"]
    assert store.get_user("zed").role == "auditor"
    with pytest.raises(ConflictError, match="already exists"):
        store.add_user("ann", "reviewer")
    with pytest.raises(NotFoundError):
        store.get_user("nobody")
    with pytest.raises(NotFoundError):
        store.create_token("nobody")


def test_user_writes_are_audited(store: Store) -> None:
    _, token = store.add_user("rita", "reviewer", actor="ann")
    store.create_token("rita", actor="ann")
    store.revoke_token(token, actor="ann")
    store.set_user_active("rita", False, actor="ann")
    entries = store.audit_entries(entity="user", entity_key="rita")
    assert [e.action for e in entries] == [
        "user.deactivate",
        "token.revoke",
        "token.create",
        "user.add",
    ]
    assert {e.actor for e in entries} == {"ann"}
    assert entries[-1].detail == {"role": "reviewer"}
    assert all(e.at.tzinfo is not None for e in entries)
