"""int8 ONNX encoder backend: export (torch.onnx), dynamic quantisation and an Encoder over it."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.encoders.base import EmbeddingCache, Kind, checked_texts, model_fingerprint
from outcome_matcher.errors import ModelNotBuiltError
from outcome_matcher.fileio import atomic_directory

log = logging.getLogger(__name__)

ONNX_FILE = "model.int8.onnx"
# The weights sit beside the graph as external data, which onnxruntime memory-maps: a
# session then holds ~40 MB of its own instead of a ~400 MB copy, and worker processes
# share the pages of one file.
ONNX_DATA = "model.int8.onnx.data"
BUILD_INFO = "onnx_build.json"
RECIPE_VERSION = 2  # bump when the export, quantisation or file layout changes
OPSET = 17
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def build_onnx_model(model_dir: Path, target: Path, *, force: bool = False) -> Path:
    """Export a sentence-transformers BERT (mean pooling, normalised) to int8 ONNX in `target`."""
    source = model_fingerprint(model_dir)
    if not force and _up_to_date(target, source, recipe_version=RECIPE_VERSION):
        return target
    started = time.perf_counter()
    with atomic_directory(target) as tmp:
        max_length, prompts = _export_fp32(model_dir, tmp / "model.fp32.onnx")
        _quantise(tmp / "model.fp32.onnx", tmp / "model.int8.inline.onnx")
        (tmp / "model.fp32.onnx").unlink()
        _externalise(tmp / "model.int8.inline.onnx", tmp / ONNX_FILE)
        (tmp / "model.int8.inline.onnx").unlink()
        shutil.copyfile(model_dir / "tokenizer.json", tmp / "tokenizer.json")
        info = {
            "source_fingerprint": source,
            "recipe_version": RECIPE_VERSION,
            "opset": OPSET,
            "max_length": max_length,
            "prompts": prompts,
        }
        (tmp / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    log.info("built int8 ONNX model at %s in %.1fs", target, time.perf_counter() - started)
    return target


def _up_to_date(target: Path, source: str, **expected: object) -> bool:
    """A complete build of `source` whose build info has the `expected` recipe fields."""
    info_path = target / BUILD_INFO
    files = (info_path, target / ONNX_FILE, target / ONNX_DATA)
    if not all(f.is_file() for f in files):
        return False
    info = json.loads(info_path.read_text(encoding="utf-8"))
    wanted = {"source_fingerprint": source, **expected}
    return all(info.get(key) == value for key, value in wanted.items())


def _export_fp32(model_dir: Path, path: Path, *, pool: bool = True) -> tuple[int, dict[str, str]]:
    """Trace BERT + mean pooling + L2 normalisation into one ONNX graph (output `embedding`);
    without `pool`, BERT up to its last hidden state (output `hidden`, pooled outside)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from torch.jit._trace import TracerWarning

    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    _check_pipeline(st)
    wrapper = _exported_module()(st[0].auto_model, pool).eval()
    dummy = {name: torch.ones((2, 8), dtype=torch.int64) for name in _INPUTS}
    dummy["token_type_ids"] = torch.zeros((2, 8), dtype=torch.int64)
    output = "embedding" if pool else "hidden"
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, output)}
    if pool:
        axes[output] = {0: "batch"}
    # The tracer warns about Python-level shape checks in transformers' attention code; the
    # dynamic axes cover them, and the agreement test checks the exported graph.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", TracerWarning)
        # The legacy exporter is deprecated, but the dynamo one needs onnxscript (not pinned).
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")
        torch.onnx.export(
            wrapper,
            (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]),
            str(path),
            input_names=list(_INPUTS),
            output_names=[output],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,  # the dynamo exporter needs onnxscript, which is not in the pinned stack
        )
    prompts = {k: v for k, v in (st.prompts or {}).items() if v}
    return int(st.max_seq_length or 512), prompts


def _check_pipeline(st: Any) -> None:
    names = [type(module).__name__ for module in st]
    pooling = getattr(st[1], "pooling_mode", None) if len(names) > 1 else None
    if names[:1] != ["Transformer"] or "Pooling" not in names or "Normalize" not in names:
        raise ModelNotBuiltError(
            f"cannot export modules {names}: need Transformer, Pooling, Normalize"
        )
    if pooling not in (None, "mean"):
        raise ModelNotBuiltError(f"cannot export pooling mode {pooling!r}: only mean pooling")


def _exported_module() -> type:
    import torch

    class Exported(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module, pool: bool) -> None:
            super().__init__()
            self.bert, self.pool = bert, pool

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            if not self.pool:  # a constant while tracing: the graph has one branch
                return out.last_hidden_state  # type: ignore[no-any-return]
            mask = attention_mask.unsqueeze(-1).to(out.last_hidden_state.dtype)
            summed = (out.last_hidden_state * mask).sum(dim=1)
            mean = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    return Exported


def _quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Only the MatMul weights, per channel: quantising the 250k-row embedding table or using
    # one scale per tensor cost cosine agreement (min 0.97) for no speed. reduce_range keeps
    # AVX2 (no VNNI) u8 x s8 products from saturating: mean cosine 0.995 to torch fp32.
    quantize_dynamic(
        str(source),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=True,
        op_types_to_quantize=["MatMul"],
    )


def _externalise(source: Path, target: Path) -> None:
    """Save the graph at `target` with its weights in ONNX_DATA beside it."""
    import onnx

    model = onnx.load(str(source))
    onnx.save_model(
        model,
        str(target),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=ONNX_DATA,
        size_threshold=1024,
    )


class OnnxEncoder:
    """An Encoder over an int8 ONNX folder from build_onnx_model; same prefixes as torch."""

    def __init__(
        self,
        directory: Path,
        *,
        name: str | None = None,
        threads: int = 2,
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
    ) -> None:
        self.directory = Path(directory)
        if not (self.directory / BUILD_INFO).is_file():
            raise ModelNotBuiltError(
                f"no ONNX model at {directory}; run `outcome-matcher setup --onnx`",
                model_dir=str(directory),
            )
        info = json.loads((self.directory / BUILD_INFO).read_text(encoding="utf-8"))
        self.name = name or self.directory.name
        self.batch_size = batch_size
        self.threads = threads
        self.prompts: dict[str, str] = dict(info.get("prompts", {}))
        self.fingerprint = _onnx_fingerprint(self.directory)
        self.cache = cache if cache is not None else EmbeddingCache()
        self._tokenizer = _tokenizer(self.directory / "tokenizer.json", int(info["max_length"]))
        self._session = _session(self.directory / ONNX_FILE, threads)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        # A static build (onnx_static) ends at the hidden state: batches of equal token
        # length, pooled per row, so a vector does not depend on its batch-mates.
        self.batch_independent = info.get("output") == "hidden"

    def __repr__(self) -> str:
        return f"OnnxEncoder(name={self.name!r}, fingerprint={self.fingerprint!r})"

    def encode_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed search-side statements (e5 adds `query: `)."""
        return self._encode(texts, "query")

    def encode_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed indexed statements (e5 adds `passage: `)."""
        return self._encode(texts, "passage")

    def _encode(self, texts: Sequence[str], kind: Kind) -> NDArray[np.float32]:
        items = checked_texts(texts)
        out = np.empty((len(items), self.dim), dtype=np.float32)
        keys = [self.cache.key(self.fingerprint, kind, t) for t in items]
        missing = [i for i, key in enumerate(keys) if not _fill(out, i, self.cache.get(key))]
        for chunk in self._batches(items, missing, kind):
            vectors = self.run([items[i] for i in chunk], kind)
            for i, vec in zip(chunk, vectors, strict=True):
                out[i] = vec
                self.cache.put(keys[i], vec.copy())
        return out

    def _batches(self, items: list[str], missing: list[int], kind: Kind) -> list[list[int]]:
        """Positions to encode together: equal token lengths (static), similar (dynamic)."""
        if self.batch_independent:
            prefix = self.prompts.get(kind, "")
            prefixed = [prefix + items[i] for i in missing]
            groups = length_groups(self._tokenizer, prefixed)
            return [
                [missing[j] for j in group[start : start + self.batch_size]]
                for group in groups.values()
                for start in range(0, len(group), self.batch_size)
            ]
        # Similar lengths in one batch waste less padding; positions keep the caller's order.
        missing.sort(key=lambda i: len(items[i]))
        return [
            missing[start : start + self.batch_size]
            for start in range(0, len(missing), self.batch_size)
        ]

    def run(self, texts: list[str], kind: Kind) -> NDArray[np.float32]:
        """Embed one batch as it comes: no cache, no reordering.

        A static build needs texts of equal token length here (what `_batches` gives).
        """
        prefix = self.prompts.get(kind, "")
        encodings = self._tokenizer.encode_batch([prefix + t for t in texts])
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (vectors,) = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
        if self.batch_independent:
            if not bool(feeds["attention_mask"].all()):
                raise ValueError("a static ONNX batch must hold texts of one token length")
            return pool_rows(np.asarray(vectors, dtype=np.float32))
        return np.asarray(vectors, dtype=np.float32)


def length_groups(tokenizer: Any, texts: list[str]) -> dict[int, list[int]]:
    """Positions of `texts` by token count (padding not counted), shortest first."""
    groups: dict[int, list[int]] = {}
    for i, encoding in enumerate(tokenizer.encode_batch(texts)):
        groups.setdefault(sum(encoding.attention_mask), []).append(i)
    return dict(sorted(groups.items()))


def pool_rows(hidden: NDArray[np.float32]) -> NDArray[np.float32]:
    """Mean over the tokens (no padding), L2-normalised, one row at a time.

    A reduction over the whole batch may round differently with its shape; per row, a
    row's bytes depend on that row alone.
    """
    out = np.empty((hidden.shape[0], hidden.shape[2]), dtype=np.float32)
    count = np.float32(hidden.shape[1])
    for i in range(hidden.shape[0]):
        mean = hidden[i].sum(axis=0, dtype=np.float32) / count
        out[i] = mean / np.float32(np.sqrt(np.dot(mean, mean)))
    return out


def _fill(out: NDArray[np.float32], i: int, vec: NDArray[np.float32] | None) -> bool:
    if vec is None:
        return False
    out[i] = vec
    return True


def _onnx_fingerprint(directory: Path) -> str:
    """Its own fingerprint: int8 vectors differ from the torch model's, so indexes must too."""
    digest = hashlib.sha256(b"onnx-int8\0")
    for name in (ONNX_FILE, ONNX_DATA, "tokenizer.json", BUILD_INFO):
        digest.update(name.encode() + b"\0")
        with (directory / name).open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _tokenizer(path: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=max_length)
    # Padded positions are masked out of attention and pooling, so the id only must exist.
    ids = [tok.token_to_id(t) for t in ("<pad>", "[PAD]")]
    pad = next((i for i in ids if i is not None), 0)
    tok.enable_padding(pad_id=pad)
    return tok


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    # Explicit counts: the default takes every core, which oversubscribes beside FAISS.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
