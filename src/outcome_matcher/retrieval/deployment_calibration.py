"""A deployment's own calibration of a framework, refitted on its reviewers' decisions.

`outcome-matcher calibrate` writes <data_dir>/calibrations/<framework>.json only when the refit
beats the shipped calibration on held-out programmes; services.calibration_for then prefers it
for that framework. The record says what it was fitted on, from how many decisions and when.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from outcome_matcher.retrieval.calibration import Calibration


@dataclass(frozen=True)
class CalibrationRecord:
    """An activated refit and the held-out evidence that it is better."""

    framework: str
    calibration: Calibration
    n_decisions: int  # decisions it was fitted on (the held-out ones not counted)
    n_held_out: int
    fitted: str  # ISO 8601 time of the refit
    ece_before: float | None  # the shipped calibration on the held-out decisions (None: none)
    ece_after: float
    log_loss_before: float | None
    log_loss_after: float

    def summary(self) -> dict[str, Any]:
        """What the API and UI show: everything but the curve's parameters."""
        data = asdict(self)
        data.pop("calibration")
        data["fitted_on"] = self.calibration.fitted_on
        return data


def record_path(data_dir: Path, framework: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in framework)
    return data_dir / "calibrations" / f"{safe}.json"


def save_record(data_dir: Path, record: CalibrationRecord) -> Path:
    path = record_path(data_dir, record.framework)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(record), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def load_record(data_dir: Path, framework: str) -> CalibrationRecord | None:
    """The framework's activated refit, or None when there is none."""
    path = record_path(data_dir, framework)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    cal = dict(data.pop("calibration"))
    for name in ("weights", "features", "fit_sets", "knots_in", "knots_out"):
        cal[name] = tuple(cal.get(name, ()))
    return CalibrationRecord(calibration=Calibration(**cal), **data)
