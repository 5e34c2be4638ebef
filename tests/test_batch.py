"""align(): outputs, record format, determinism, standards, the store run and run keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from batch_support import FRAMEWORK, BatchEnv, make_env, write_jsonl
from outcome_matcher.batch import AlignOptions, align
from outcome_matcher.batch.output import JSONL, MANIFEST, PARQUET, TIMINGS
from outcome_matcher.errors import ConflictError


@pytest.fixture()
def env(tmp_path: Path, tiny_model_dir: Path) -> Iterator[BatchEnv]:
    built = make_env(tmp_path, tiny_model_dir)
    yield built
    built.store.close()


def run(env: BatchEnv, inputs: list[Path], out: Path, **options: object) -> dict[str, object]:
    opts = AlignOptions(framework=FRAMEWORK, **options)  # type: ignore[arg-type]
    result = align(inputs, opts, out, settings=env.settings, store=env.store, encoder=env.encoder)
    return result.manifest


def test_align_writes_suggest_records_with_programme_and_module(env: BatchEnv) -> None:
    src = write_jsonl(env.tmp / "in.jsonl", 25)
    manifest = run(env, [src], env.tmp / "out", top_k=3, chunk_size=10)
    lines = (env.tmp / "out" / JSONL).read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert list(first) == ["id", "programme", "module", "suggestions"]
    assert (first["id"], first["programme"], first["module"]) == ("o0", "P0", "M0")
    assert len(first["suggestions"]) == 3
    assert set(first["suggestions"][0]) == {
        "competency_id",
        "label",
        "score",
        "confidence",
        "evidence",
    }
    assert [json.loads(line)["id"] for line in lines] == [f"o{i}" for i in range(25)]
    table = pq.read_table(env.tmp / "out" / PARQUET)
    assert table.num_rows == 25 and table.column_names == list(first)
    assert table.to_pylist()[0] == first
    assert manifest["counts"] == {"rows": 25, "suggestions": 75, "chunks": 3}
    assert manifest["model"]["fingerprint"] == env.encoder.fingerprint  # type: ignore[index]


def test_same_input_gives_byte_identical_outputs(env: BatchEnv) -> None:
    src = write_jsonl(env.tmp / "in.jsonl", 40)
    for out in ("a", "b"):
        run(env, [src], env.tmp / out, chunk_size=7)
    for name in (JSONL, PARQUET, MANIFEST):
        assert (env.tmp / "a" / name).read_bytes() == (env.tmp / "b" / name).read_bytes(), name
    timings = json.loads((env.tmp / "a" / TIMINGS).read_text(encoding="utf-8"))
    assert timings["engine"] == "local" and timings["rows_per_second"] > 0


def test_worker_processes_write_the_bytes_of_an_in_process_run(env: BatchEnv) -> None:
    src = write_jsonl(env.tmp / "in.jsonl", 50)
    seen: list[tuple[int, int]] = []
    for out, workers in (("one", 1), ("pool", 2)):
        opts = AlignOptions(framework=FRAMEWORK, chunk_size=6, workers=workers)
        result = align(
            [src],
            opts,
            env.tmp / out,
            settings=env.settings,
            store=env.store,
            encoder=env.encoder,
            progress=lambda done, total: seen.append((done, total)),
        )
        assert result.timings["workers"] == workers
    for name in (JSONL, PARQUET, MANIFEST):
        assert (env.tmp / "one" / name).read_bytes() == (env.tmp / "pool" / name).read_bytes()
    assert seen[-1] == (50, 50)


def test_catalogue_yaml_rows_carry_outcome_ids_and_go_to_the_store(env: BatchEnv) -> None:
    from outcome_matcher import services

    services.add_catalogue(env.store, env.tmp / "cat.yaml", name=None, max_chars=2000)
    out = env.tmp / "out"
    opts = AlignOptions(framework=FRAMEWORK, top_k=2, to_store=True)
    result = align(
        [env.tmp / "cat.yaml"],
        opts,
        out,
        settings=env.settings,
        store=env.store,
        encoder=env.encoder,
    )
    records = [json.loads(x) for x in (out / JSONL).read_text(encoding="utf-8").splitlines()]
    assert {(r["programme"], r["module"]) for r in records} == {("BSC-SD", "DB"), ("BSC-SD", "QA")}
    assert result.run_id is not None
    info = env.store.get_suggestion_run(result.run_id)
    assert info.framework == FRAMEWORK and info.model_fingerprint == env.encoder.fingerprint
    stored = env.store.latest_suggestions("BSC-SD", FRAMEWORK)
    assert len(stored) == 2 * len(records)
    # A re-run of the finished directory does not store the run twice.
    again = align(
        [env.tmp / "cat.yaml"],
        opts,
        out,
        settings=env.settings,
        store=env.store,
        encoder=env.encoder,
    )
    assert again.run_id == result.run_id


def test_standard_limits_suggestions_to_its_requirements(env: BatchEnv) -> None:
    src = write_jsonl(env.tmp / "in.jsonl", 5)
    standard = env.store.list_standards(FRAMEWORK)[0]
    required = {
        r.competency_id for r in env.store.get_standard(FRAMEWORK, standard.key).requirements
    }
    run(env, [src], env.tmp / "out", standard=standard.key, top_k=10)
    for line in (env.tmp / "out" / JSONL).read_text(encoding="utf-8").splitlines():
        suggestions = json.loads(line)["suggestions"]
        assert {s["competency_id"] for s in suggestions} == required
        scores = [s["score"] for s in suggestions]
        assert scores == sorted(scores, reverse=True)


def test_other_inputs_in_the_same_directory_are_refused(env: BatchEnv) -> None:
    out = env.tmp / "out"
    run(env, [write_jsonl(env.tmp / "a.jsonl", 5)], out)
    with pytest.raises(ConflictError, match="restart"):
        run(env, [write_jsonl(env.tmp / "b.jsonl", 6)], out)
    manifest = run(env, [env.tmp / "b.jsonl"], out, restart=True)
    assert manifest["counts"]["rows"] == 6  # type: ignore[index]


def test_lexical_setting_is_part_of_the_run(env: BatchEnv) -> None:
    src = write_jsonl(env.tmp / "in.jsonl", 5)
    out = env.tmp / "out"
    assert env.settings.lexical  # the default, as for `suggest`
    assert run(env, [src], out)["lexical"] is True
    env.settings = env.settings.model_copy(update={"lexical": False})
    with pytest.raises(ConflictError, match="restart"):
        run(env, [src], out)  # other settings: never mixed into the same directory
    assert run(env, [src], out, restart=True)["lexical"] is False


def test_persistent_cache_is_used_and_changes_nothing(env: BatchEnv) -> None:
    from outcome_matcher.encoders import SentenceTransformerEncoder
    from outcome_matcher.encoders.disk_cache import DiskEmbeddingCache

    src = write_jsonl(env.tmp / "in.jsonl", 30)
    run(env, [src], env.tmp / "plain")
    cache = DiskEmbeddingCache(env.tmp / "cache.sqlite3", maxsize=0)
    cached = SentenceTransformerEncoder(
        env.encoder.model_dir, name="tiny", batch_size=1, cache=cache
    )
    opts = AlignOptions(framework=FRAMEWORK)
    for out in ("c1", "c2"):
        align([src], opts, env.tmp / out, settings=env.settings, store=env.store, encoder=cached)
    assert cache.hits >= 30  # the second run read every vector back from disk
    for name in (JSONL, PARQUET):
        plain = (env.tmp / "plain" / name).read_bytes()
        assert plain == (env.tmp / "c2" / name).read_bytes() == (env.tmp / "c1" / name).read_bytes()
    cache.close()
