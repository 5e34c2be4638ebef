"""Shared helpers for the store tests: SQLite and PostgreSQL (a schema per test), sample data."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from outcome_matcher.schemas import (
    Catalogue,
    Competency,
    Framework,
    Module,
    Outcome,
    Programme,
    Requirement,
    Standard,
    outcome_id,
)
from outcome_matcher.store import Store

PG_URL = os.environ.get(
    "OUTCOME_MATCHER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

# Use as `@pytest.fixture(params=BACKENDS)`: SQLite always, PostgreSQL marked `postgres`.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@functools.cache
def pg_problem() -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it can."""
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means: skip, and say how to fix it
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()
    return None


@contextmanager
def backend_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty database; PostgreSQL gets a fresh schema, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    problem = pg_problem()
    if problem:
        pytest.skip(
            f"PostgreSQL not reachable at {PG_URL} ({problem}); set "
            "OUTCOME_MATCHER_TEST_POSTGRES_URL=postgresql+psycopg://user@host:5432/db to run these"
        )
    schema = f"om_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def open_store(backend: str, tmp_path: Path) -> Iterator[Store]:
    with backend_url(backend, tmp_path) as url, Store.open(url, migrate=True) as store:
        yield store


def competency(i: int, label: str | None = None, description: str = "") -> Competency:
    return Competency(
        id=f"http://example.org/skill/{i}",
        label=label or f"skill {i}",
        alt_labels=(f"alt {i}",),
        description=description or f"does thing {i}",
        type="skill",
        broader=("http://example.org/skill/group",),
        labels_by_lang={"fr": (f"compétence {i}",)},
    )


def framework(name: str = "demo", version: str = "1", n: int = 5, **changes: str) -> Framework:
    """A small framework; `changes` maps competency index (as str) to a new label."""
    comps = tuple(competency(i, changes.get(str(i))) for i in range(n))
    standard = Standard(
        id="dev",
        label="Software developer",
        requirements=(
            Requirement(competency_id=comps[0].id, essential=True),
            Requirement(competency_id=comps[1].id, essential=True, unit="U1"),
            Requirement(competency_id=comps[2].id, essential=False),
        ),
    )
    other = Standard(id="ops", label="Operator", requirements=())
    return Framework(
        name=name,
        version=version,
        format="csv",
        source="test",
        competencies=comps,
        standards=(standard, other),
    )


def outcome(programme: str, module: str, text_: str, position: int = 0) -> Outcome:
    return Outcome(id=outcome_id(programme, module, text_), text=text_, position=position)


def catalogue(name: str = "uni", texts: dict[str, list[str]] | None = None) -> Catalogue:
    """One programme P1 with modules (code -> outcome texts)."""
    texts = (
        texts if texts is not None else {"M1": ["designs databases", "writes SQL"], "M2": ["tests"]}
    )
    modules = tuple(
        Module(
            code=code,
            title=f"Module {code}",
            credits=6.0,
            outcomes=tuple(outcome("P1", code, t, i) for i, t in enumerate(ts)),
        )
        for code, ts in texts.items()
    )
    return Catalogue(
        name=name,
        institution="Test University",
        version="2025",
        programmes=(Programme(code="P1", title="Informatics", modules=modules),),
    )
