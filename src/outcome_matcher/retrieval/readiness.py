"""Whether a framework's index answers everything yet: its build status, and the error that
says so when a search needs competencies a partial (first) index does not hold yet."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from outcome_matcher.errors import IndexNotReadyError
from outcome_matcher.i18n.translator import N_

# ready: the full index; queued / building: a full build waits for a server or runs;
# failed: the last full build failed; partial: only the first standards' requirements are
# indexed and no build is under way; missing: no index at all.
IndexState = Literal["ready", "queued", "building", "failed", "partial", "missing"]
# A client asked to come back after the ETA, but not sooner than this nor later than that.
RETRY_MIN, RETRY_MAX = 5, 300

# Each says what still works: reviews against the standards indexed first.
BUILDING = N_(
    "the full index of framework %(framework)s is not ready yet (%(percent)d%% built): "
    "suggestions over all its competencies wait for it; reviews against the standards indexed "
    "first work now"
)
FAILED = N_(
    "the full index of framework %(framework)s could not be built (%(error)s): suggestions over "
    "all its competencies wait for it; run `outcome-matcher frameworks reindex %(framework)s`"
)
WITHOUT = N_(
    "framework %(framework)s has only a partial index and no build under way: run "
    "`outcome-matcher frameworks reindex %(framework)s`; reviews against the standards indexed "
    "first work now"
)


@dataclass(frozen=True)
class IndexStatus:
    """How far a framework's index is: `progress` is the share of the full build done."""

    framework: str
    state: IndexState
    progress: float = 1.0
    rows_done: int | None = None
    rows_total: int | None = None
    eta_seconds: float | None = None
    job_id: str | None = None
    error: str | None = None

    @property
    def percent(self) -> int:
        """Whole percent, rounded down: 100 only when the build is done."""
        return min(math.floor(self.progress * 100), 100)

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    def label(self) -> str:
        """`ready`, `building 42%`, `queued`, `failed`, ... (the `frameworks list` column)."""
        return f"building {self.percent}%" if self.state == "building" else self.state

    def not_ready(self) -> IndexNotReadyError:
        """The error a search that needs the full index gets, with the build's progress."""
        values: dict[str, Any] = {"framework": self.framework}
        if self.state == "failed":
            msgid, values["error"] = FAILED, self.error or "unknown error"
        elif self.state in ("queued", "building"):
            msgid = BUILDING
            values["percent"] = self.percent
        else:
            msgid = WITHOUT
        error = IndexNotReadyError(
            msgid % values,
            retry_after=self._retry_after(),
            framework=self.framework,
            state=self.state,
            progress=self.percent,
            rows_done=self.rows_done,
            rows_total=self.rows_total,
            eta_seconds=self.eta_seconds,
            job_id=self.job_id,
        )
        error.translatable(msgid, None, **values)
        return error

    def _retry_after(self) -> int | None:
        if self.state not in ("queued", "building"):
            return None
        eta = self.eta_seconds if self.eta_seconds is not None else RETRY_MIN
        return int(min(max(eta, RETRY_MIN), RETRY_MAX))
