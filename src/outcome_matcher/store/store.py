"""The Store facade: one object over every repository, opened on a database URL."""

from __future__ import annotations

from types import TracebackType

from outcome_matcher.store.audit_log import AuditRepo
from outcome_matcher.store.catalogues import CataloguesRepo
from outcome_matcher.store.decision_import import DecisionImportRepo
from outcome_matcher.store.decisions import DecisionsRepo
from outcome_matcher.store.engine import make_engine
from outcome_matcher.store.framework_queries import FrameworkQueries
from outcome_matcher.store.frameworks import FrameworksRepo
from outcome_matcher.store.jobs import JobsRepo
from outcome_matcher.store.label_reviews import LabelReviewsRepo
from outcome_matcher.store.microquals import MicroQualsRepo
from outcome_matcher.store.migrate import check_at_head, run_migration
from outcome_matcher.store.sessions import SessionsRepo
from outcome_matcher.store.signoff import SignOffRepo
from outcome_matcher.store.suggestions import SuggestionsRepo
from outcome_matcher.store.users import UsersRepo


class Store(
    FrameworksRepo,
    FrameworkQueries,
    CataloguesRepo,
    SuggestionsRepo,
    DecisionsRepo,
    DecisionImportRepo,
    LabelReviewsRepo,
    SignOffRepo,
    UsersRepo,
    SessionsRepo,
    MicroQualsRepo,
    AuditRepo,
    JobsRepo,
):
    """Persistent state: SQLite file by default, PostgreSQL for multi-reviewer deployments."""

    @classmethod
    def open(cls, url: str, *, migrate: bool = False) -> Store:
        """Connect (StoreUnavailableError if the database cannot be reached); a schema that is
        not this code's is refused. With `migrate` (`db upgrade`, `setup`, `serve`, `demo`
        and tests) the schema is brought up to date first."""
        engine = make_engine(url)
        try:
            if migrate:
                run_migration(engine, "upgrade", "head")
            else:
                check_at_head(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
