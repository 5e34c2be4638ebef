"""Static (QDQ) int8 ONNX: vectors that do not depend on their batch-mates.

Dynamic int8 picks one activation scale per call, so a vector changes with what else is in
the batch. Here the scales are fixed at build time (MinMax over calibration texts), the
graph ends at the last hidden state, and the encoder batches only texts of equal token
length (no padding) and mean-pools each row in numpy: a text's bytes are the same alone
and in any batch. The FFN output MatMuls stay fp32: their inputs (after GELU) reach 30-70
in some layers, and quantising them cost the adapted e5 mean cosine 0.938 to torch.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.encoders.base import model_fingerprint
from outcome_matcher.encoders.onnx import (
    BUILD_INFO,
    ONNX_FILE,
    OPSET,
    _export_fp32,
    _externalise,
    _tokenizer,
    _up_to_date,
    length_groups,
)
from outcome_matcher.errors import ModelNotBuiltError
from outcome_matcher.fileio import atomic_directory

log = logging.getLogger(__name__)

RECIPE = "static-qdq"
STATIC_RECIPE_VERSION = 1
CALIBRATION_BATCH = 16


def build_static_onnx_model(
    model_dir: Path,
    target: Path,
    calibration_texts: Sequence[str],
    *,
    force: bool = False,
) -> Path:
    """Export `model_dir` to static int8 ONNX in `target`, calibrated on the given texts.

    The texts should look like what will be encoded (framework labels, descriptions and
    outcomes, in the users' languages, with the model's prompts): their activation ranges
    become the fixed scales.
    """
    if not calibration_texts:
        raise ModelNotBuiltError("static quantisation needs calibration texts")
    source = model_fingerprint(model_dir)
    if not force and _up_to_date(
        target, source, recipe=RECIPE, recipe_version=STATIC_RECIPE_VERSION
    ):
        return target
    started = time.perf_counter()
    with atomic_directory(target) as tmp:
        max_length, prompts = _export_fp32(model_dir, tmp / "model.fp32.onnx", pool=False)
        tokenizer = _tokenizer(model_dir / "tokenizer.json", max_length)
        _quantise_static(
            tmp / "model.fp32.onnx", tmp / "model.int8.qdq.onnx", tokenizer, calibration_texts
        )
        (tmp / "model.fp32.onnx").unlink()
        _externalise(tmp / "model.int8.qdq.onnx", tmp / ONNX_FILE)
        for leftover in tmp.glob("model.int8.qdq.onnx*"):
            leftover.unlink()
        for leftover in tmp.glob("model.fp32.onnx*"):
            leftover.unlink()
        shutil.copyfile(model_dir / "tokenizer.json", tmp / "tokenizer.json")
        info = {
            "source_fingerprint": source,
            "recipe": RECIPE,
            "recipe_version": STATIC_RECIPE_VERSION,
            "opset": OPSET,
            "max_length": max_length,
            "prompts": prompts,
            "output": "hidden",
            "calibration_texts": len(calibration_texts),
        }
        (tmp / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    log.info("built static int8 ONNX model at %s in %.1fs", target, time.perf_counter() - started)
    return target


def quantised_matmuls(graph: Any) -> list[str]:
    """The weight MatMuls to quantise: Q/K/V, attention output, FFN input; not FFN output.

    The attention score/context MatMuls (activation x activation) stay fp32 too.
    """
    names = [node.name for node in graph.node if node.op_type == "MatMul"]
    return [
        name
        for name in names
        if any(part in name for part in ("/self/query/", "/self/key/", "/self/value/"))
        or "/attention/output/dense/" in name
        or "/intermediate/dense/" in name
    ]


def _quantise_static(source: Path, target: Path, tokenizer: Any, texts: Sequence[str]) -> None:
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    class Reader(CalibrationDataReader):  # type: ignore[misc]
        def __init__(self) -> None:
            self._batches = iter(_feeds(tokenizer, b) for b in _length_batches(tokenizer, texts))

        def get_next(self) -> dict[str, NDArray[np.int64]] | None:
            return next(self._batches, None)

    nodes = quantised_matmuls(onnx.load(str(source), load_external_data=False).graph)
    with tempfile.TemporaryDirectory(prefix="om-calib-") as tmp:
        quantize_static(
            str(source),
            str(target),
            Reader(),
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["MatMul"],
            nodes_to_quantize=nodes,
            # Per-channel signed weights, unsigned activations (u8 x s8: the VNNI kernel);
            # MinMax: percentile clipping of these ranges was not needed once the FFN
            # output MatMuls stayed fp32 (mean cosine 0.992 to torch).
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
            use_external_data_format=True,
            calibration_cache_path=Path(tmp) / "ranges.json",
        )


def _length_batches(tokenizer: Any, texts: Sequence[str]) -> Iterator[list[str]]:
    groups = length_groups(tokenizer, list(texts))
    for group in groups.values():
        for start in range(0, len(group), CALIBRATION_BATCH):
            yield [texts[i] for i in group[start : start + CALIBRATION_BATCH]]


def _feeds(tokenizer: Any, texts: list[str]) -> dict[str, NDArray[np.int64]]:
    ids = np.array([e.ids for e in tokenizer.encode_batch(texts)], dtype=np.int64)
    return {
        "input_ids": ids,
        "attention_mask": np.ones_like(ids),
        "token_type_ids": np.zeros_like(ids),
    }
