"""Fold a LoRA adapter into a copy of the base model folder (the set-up step runs this)."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

from outcome_matcher.fileio import atomic_directory

logger = logging.getLogger(__name__)

WEIGHTS = "model.safetensors"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
MERGE_INFO = "adapter_info.json"


def adapter_digest(adapter_dir: Path) -> str:
    """sha256 over the adapter's weights and config: what decides the merged model."""
    digest = hashlib.sha256()
    for name in (ADAPTER_WEIGHTS, "adapter_config.json"):
        digest.update(name.encode() + b"\0" + (adapter_dir / name).read_bytes())
    return digest.hexdigest()


def merged_state_dict(base_dir: Path, adapter_dir: Path) -> dict[str, Any]:
    """The base transformer's weights with W += (alpha / r) * B @ A folded in, by peft."""
    import torch
    from peft import PeftModel
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # setup draws its own
    base = AutoModel.from_pretrained(str(base_dir), local_files_only=True, dtype=torch.float32)
    with warnings.catch_warnings():
        # peft 0.21 calls a transformers method that transformers 5 deprecates; not ours to fix.
        warnings.filterwarnings("ignore", category=FutureWarning, module="transformers")
        merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    return {k: v.detach().contiguous() for k, v in merged.state_dict().items()}


def build_adapted_model(
    base_dir: Path, adapter_dir: Path, target_dir: Path, *, force: bool = False
) -> Path:
    """target_dir = base_dir with the adapter merged into its weights; idempotent.

    Everything but the weights (tokenizer, pooling, prompts) is copied unchanged, so the
    adapted model is used exactly like the base one, by torch and by the ONNX export.
    """
    from safetensors.torch import save_file

    expected = {"base": _base_info(base_dir), "adapter_sha256": adapter_digest(adapter_dir)}
    if not force and _info(target_dir) == expected:
        return target_dir
    started = time.perf_counter()
    with atomic_directory(
        target_dir, finished=lambda: _info(target_dir) == expected, mode=0o755
    ) as tmp:
        shutil.copytree(base_dir, tmp, dirs_exist_ok=True, ignore=shutil.ignore_patterns(WEIGHTS))
        save_file(merged_state_dict(base_dir, adapter_dir), str(tmp / WEIGHTS), {"format": "pt"})
        (tmp / MERGE_INFO).write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
    logger.info("merged adapter into %s in %.1fs", target_dir, time.perf_counter() - started)
    return target_dir


def _base_info(base_dir: Path) -> Any:
    path = base_dir / "build_info.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _info(target_dir: Path) -> Any:
    path = target_dir / MERGE_INFO
    if not (path.is_file() and (target_dir / WEIGHTS).is_file()):
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
