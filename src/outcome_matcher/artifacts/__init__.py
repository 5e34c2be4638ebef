"""Small learned artifacts shipped inside the package: per model, its calibration and adapter.

They are package data (read with importlib.resources), so a wheel or a non-editable install
carries them; the model cards that describe them are in the repository's models/ folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def artifact_dir(model_name: str) -> Path:
    """The folder of a model's shipped artifacts (it may not exist for every model)."""
    # Package data of a regular install are plain files, so the Traversable is a real path
    # (peft and json need paths, not readers).
    return Path(str(resources.files(__name__).joinpath(model_name)))


def calibration_file(model_name: str) -> Path:
    return artifact_dir(model_name) / "calibration.json"


def adapter_dir(model_name: str) -> Path:
    """The LoRA adapter of an adapted model (e.g. multilingual-e5-small-esco)."""
    return artifact_dir(model_name) / "adapter"
