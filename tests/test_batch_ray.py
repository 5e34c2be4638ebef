"""--engine ray in local mode writes the same bytes as the local engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from batch_support import FRAMEWORK, make_env, write_jsonl
from outcome_matcher.batch import AlignOptions, align
from outcome_matcher.batch.output import JSONL, MANIFEST, PARQUET, TIMINGS


@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.mark.ray
def test_ray_engine_matches_local_engine(
    ray_local: None, tmp_path: Path, tiny_model_dir: Path
) -> None:
    env = make_env(tmp_path, tiny_model_dir)
    src = write_jsonl(tmp_path / "in.jsonl", 60)
    kw = {"settings": env.settings, "store": env.store, "encoder": env.encoder}
    local = AlignOptions(framework=FRAMEWORK, chunk_size=8)
    ray = AlignOptions(framework=FRAMEWORK, chunk_size=8, engine="ray", workers=2)
    align([src], local, tmp_path / "local", **kw)  # type: ignore[arg-type]
    result = align([src], ray, tmp_path / "ray", **kw)  # type: ignore[arg-type]
    for name in (JSONL, PARQUET, MANIFEST):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "ray" / name).read_bytes()
    assert result.timings["engine"] == "ray"
    assert (tmp_path / "ray" / TIMINGS).is_file()
    env.store.close()
