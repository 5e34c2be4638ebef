"""Train a LoRA adapter for the e5 encoder on framework-derived pairs (in-batch negatives)."""

from __future__ import annotations

import json
import logging
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outcome_matcher.adaptation.pairs import Pair, batches, mix

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

ADAPTER_CONFIG = "adapter_config.json"
TRAINING_FILE = "training.json"


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the adapter; written beside it as training.json."""

    rank: int = 16
    alpha: int = 32
    # Attention projections and both feed-forward layers of every block (not the pooler,
    # which mean pooling never reads); embeddings stay frozen (250k x 384, multilingual).
    target_modules: str = (
        r".*encoder\.layer\.\d+\.(attention\.self\.(query|key|value)|attention\.output\.dense"
        r"|intermediate\.dense|output\.dense)"
    )
    learning_rate: float = 2e-4
    warmup: float = 0.05
    batch_size: int = 64
    max_tokens: int = 48
    # e5 was trained with temperature 0.01; a little warmer keeps LoRA updates gentle.
    temperature: float = 0.02
    epochs: int = 1
    quotas: tuple[tuple[str, int], ...] = (
        ("skill_desc", 6000),
        ("skill_alt", 5000),
        ("skill_lang", 5000),
        ("occ_lang", 10000),
        ("occ_alt", 2000),
    )
    seed: int = 13
    threads: int = 2


# The ESCO recipe (the adapter shipped until 2026-12-01): trained from the base model.
ESCO_QUOTAS = TrainConfig.quotas
# The synthetic recipe continues from the ESCO adapter: machine-written sentences and ru/kk/uz
# labels with hard negatives, and a replay of the ESCO kinds so that what they taught stays.
SYNTHETIC_QUOTAS: tuple[tuple[str, int], ...] = (
    ("syn_sentence", 9000),
    ("skill_tr", 2400),
    ("occ_tr", 600),
    ("skill_desc", 1000),
    ("skill_alt", 1000),
    ("skill_lang", 500),
    ("occ_lang", 500),
)


def synthetic_config(*, scale: float = 1.0, threads: int = 2) -> TrainConfig:
    """The synthetic recipe, every quota times `scale` (the learning curve's sizes)."""
    quotas = tuple((k, round(n * scale)) for k, n in SYNTHETIC_QUOTAS)
    # Half the ESCO recipe's rate: the run starts from a trained adapter, not from zero.
    return TrainConfig(quotas=quotas, learning_rate=1e-4, threads=threads)


def _lora(
    model: SentenceTransformer, config: TrainConfig, base_dir: Path, start: Path | None
) -> Any:
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model

    lora = LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=0.0,
        target_modules=config.target_modules,
        bias="none",
    )
    # LoRA layers are injected into the transformer in place, so the sentence-transformers
    # forward trains them; the returned PeftModel is what saves the adapter alone.
    transformer = model[0].auto_model
    assert isinstance(transformer, torch.nn.Module)
    if start is None:
        return get_peft_model(transformer, lora)
    # Continue from a trained adapter (its rank and targets). Its config names the base by
    # name only; the local folder keeps peft from looking that name up on the hub when saving.
    peft_model = PeftModel.from_pretrained(transformer, str(start), is_trainable=True)
    peft_model.peft_config["default"].base_model_name_or_path = str(base_dir)
    return peft_model


def _embed(model: SentenceTransformer, texts: list[str]) -> torch.Tensor:
    embeddings: torch.Tensor = model(model.preprocess(texts))["sentence_embedding"]
    return embeddings


def _loss(
    model: SentenceTransformer, batch: Sequence[Pair], config: TrainConfig, prompts: dict[str, str]
) -> torch.Tensor:
    import torch

    # Columns: every pair's positive, then the hard negatives the pairs carry. A negative
    # that is another anchor's own concept would be a false negative for it: masked.
    negatives = [p for p in batch if p.negative]
    texts = [p.positive for p in batch] + [p.negative for p in negatives]
    column_concept = [p.concept for p in batch] + [p.negative_of for p in negatives]
    queries = _embed(model, [prompts["query"] + p.anchor for p in batch])
    passages = _embed(model, [prompts["passage"] + t for t in texts])
    scores = queries @ passages.T / config.temperature
    clash = torch.tensor(
        [[j >= len(batch) and c == p.concept for j, c in enumerate(column_concept)] for p in batch]
    )
    scores = scores.masked_fill(clash, float("-inf"))
    labels = torch.arange(len(batch))
    return torch.nn.functional.cross_entropy(scores, labels)


def train_adapter(
    base_dir: Path,
    pairs: Sequence[Pair],
    out_dir: Path,
    config: TrainConfig,
    *,
    start: Path | None = None,
) -> dict[str, Any]:
    """Fit LoRA weights on `pairs` and save the adapter (a few MB) into out_dir.

    With `start` (an adapter folder) training continues from its weights, and the report
    keeps the start's own training report, so the whole recipe stays on record.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    from outcome_matcher.encoders.adapter import adapter_digest

    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    model = SentenceTransformer(str(base_dir), device="cpu", local_files_only=True)
    model.max_seq_length = config.max_tokens  # the tokenizer truncates to it
    prompts = {k: v or "" for k, v in {"query": "", "passage": "", **(model.prompts or {})}.items()}
    started_from = _start_info(start, adapter_digest) if start is not None else None
    peft_model = _lora(model, config, base_dir, start)
    chosen = mix(pairs, dict(config.quotas), seed=config.seed)
    plan = [
        b
        for epoch in range(config.epochs)
        for b in batches(chosen, config.batch_size, seed=config.seed + epoch)
    ]
    started = time.perf_counter()
    losses = _fit(model, plan, config, prompts)
    out_dir.mkdir(parents=True, exist_ok=True)
    peft_model.save_pretrained(str(out_dir))
    _name_base(out_dir / ADAPTER_CONFIG, base_dir.name)
    report = {
        "config": asdict(config),
        "start": started_from,
        "pairs": dict(Counter(p.kind for p in chosen)),
        "hard_negatives": sum(1 for p in chosen if p.negative),
        "steps": len(plan),
        "seconds": round(time.perf_counter() - started, 1),
        "first_loss": round(sum(losses[:20]) / max(1, len(losses[:20])), 4),
        "last_loss": round(sum(losses[-20:]) / max(1, len(losses[-20:])), 4),
    }
    (out_dir / TRAINING_FILE).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def _start_info(start: Path, digest: Any) -> dict[str, Any]:
    # Read before training: out_dir may be the start folder itself.
    path = start / TRAINING_FILE
    previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    return {"adapter_sha256": digest(start), "training": previous}


def _name_base(config_path: Path, name: str) -> None:
    # peft records the base folder's absolute path; the model's name is what travels.
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = name
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _fit(
    model: SentenceTransformer, plan: list[list[Pair]], config: TrainConfig, prompts: dict[str, str]
) -> list[float]:
    """One optimiser step per batch (AdamW, warm-up then cosine); the loss of every step."""
    import torch
    from tqdm import tqdm

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.01)
    warmup = max(1, int(config.warmup * len(plan)))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: _lr_factor(step, warmup, len(plan))
    )
    # Eval mode switches dropout off: one epoch over a few thousand pairs does not overfit a
    # low-rank update, and dropout's random masks cost a fifth of the CPU time.
    model.eval()
    losses: list[float] = []
    progress = tqdm(plan, desc="training adapter", unit="batch", mininterval=2.0)
    for step, batch in enumerate(progress, start=1):
        loss = _loss(model, batch, config, prompts)
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        losses.append(loss.item())
        if step % 20 == 0 or step == len(plan):
            recent = losses[-20:]
            progress.set_postfix(loss=f"{sum(recent) / len(recent):.4f}", refresh=False)
    return losses


def _lr_factor(step: int, warmup: int, total: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
