"""Which calibration a framework's confidences come from, and when it was last refitted."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from outcome_matcher.api.deps import CurrentUser, MatcherDep, SettingsDep, StoreDep
from outcome_matcher.retrieval.deployment_calibration import load_record

router = APIRouter(prefix="/calibration", tags=["calibration"])


class CalibrationStatus(BaseModel):
    framework: str
    source: Literal["deployment", "shipped", "none"]
    fitted_on: str | None = None
    fitted: str | None = None  # when the deployment's refit was made (ISO 8601)
    n_decisions: int | None = None
    n_held_out: int | None = None
    ece_before: float | None = None
    ece_after: float | None = None
    threshold: float
    min_confidence: float | None = None


@router.get("")
def get_calibration(
    framework: str, store: StoreDep, matcher: MatcherDep, settings: SettingsDep, user: CurrentUser
) -> CalibrationStatus:
    """The calibration in force for `framework`: the deployment's refit or the shipped one."""
    store.get_framework_info(framework)  # 404 for an unknown framework
    calibration = matcher.calibration_of(framework)
    record = load_record(settings.data_dir, framework)
    own = record is not None and framework in matcher.framework_calibrations
    status = CalibrationStatus(
        framework=framework,
        source="deployment" if own else ("shipped" if calibration else "none"),
        fitted_on=calibration.fitted_on if calibration else None,
        threshold=matcher.threshold_of(framework),
        min_confidence=calibration.min_confidence if calibration else None,
    )
    if own and record is not None:
        status = status.model_copy(
            update={
                "fitted": record.fitted,
                "n_decisions": record.n_decisions,
                "n_held_out": record.n_held_out,
                "ece_before": record.ece_before,
                "ece_after": record.ece_after,
            }
        )
    return status
