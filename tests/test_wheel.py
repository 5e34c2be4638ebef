"""A built wheel carries its shipped artifacts: installed into a fresh venv, the default model
builds from them and its calibration loads (no repository checkout needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import outcome_matcher

REPO = Path(outcome_matcher.__file__).resolve().parents[2]
# No PYTHONPATH: the fresh venv must find the package only where the wheel put it.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
PIP_WHEEL = (sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q")
CHECK = """
import json, sys
from pathlib import Path
import outcome_matcher
from outcome_matcher.config import Settings
from outcome_matcher.encoders import ensure_model
from outcome_matcher.services import calibration_for
settings = Settings(data_dir=Path(sys.argv[1]))
model = ensure_model(settings)
calibration = calibration_for(settings)
print(json.dumps({"package": outcome_matcher.__file__, "model": str(model),
                  "calibration": calibration.model_name if calibration else None}))
"""


@pytest.mark.real_model
@pytest.mark.skipif(not (REPO / "pyproject.toml").is_file(), reason="needs the source tree")
def test_the_wheel_installs_and_loads_the_default_model_and_calibration(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([*PIP_WHEEL, "-w", str(wheels), str(REPO)], check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("outcome_matcher-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The dependencies come from this environment's site-packages (a plain path entry, so
    # its editable-install .pth is not processed); the package itself only from the wheel.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # --ignore-installed: this environment's own (editable) install is visible through deps.pth.
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed"]
    subprocess.run([*pip, str(wheel)], check=True, env=CLEAN_ENV)
    result = subprocess.run(
        [str(python), "-c", CHECK, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=CLEAN_ENV,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["package"].startswith(str(env_dir)), found
    assert Path(found["model"]) == tmp_path / "data" / "models" / "multilingual-e5-small-esco"
    assert (Path(found["model"]) / "adapter_info.json").is_file()
    assert found["calibration"] == "multilingual-e5-small-esco"
