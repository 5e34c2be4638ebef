"""`outcome-matcher demo`: ESCO, the national standards and the sample programmes, imported
once, ready to review in seconds: ESCO's first index holds the requirements of the standards
the samples are paired with; its full index is a job the server builds in the background."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from outcome_matcher import services
from outcome_matcher.cli._util import app, errors, opened_store, out, tr
from outcome_matcher.cli.serve import serve_cli
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder, ensure_model, load_encoder
from outcome_matcher.frameworks.esco import bundled_label_files
from outcome_matcher.microquals.demo import TITLE, prepare_micro_qualification
from outcome_matcher.schemas import FrameworkFormat
from outcome_matcher.services.index_jobs import index_meta
from outcome_matcher.store import Store
from outcome_matcher.store.public import FrameworkInfo
from outcome_matcher.web.pairings import DEFAULT_STANDARD_LABELS

log = logging.getLogger(__name__)

DEMO_FRAMEWORK = "esco"
DEMO_USER = "admin"
# Indexed first (hundreds of texts, seconds): the ESCO standards the home page pairs the
# sample programmes with, so they can be reviewed while the full index (133,714 texts) builds.
FIRST_STANDARDS: tuple[str, ...] = DEFAULT_STANDARD_LABELS


@dataclass(frozen=True)
class NationalFramework:
    """A national standard of the demo: framework name, path under corpora/, format."""

    name: str
    path: str
    format: FrameworkFormat
    label: str


# The Russian demo: the NEFU courses against 06.026 and 06.001 (web/pairings.py pairs them),
# and the illustrative Kazakh standard in the table template.
NATIONAL_FRAMEWORKS: tuple[NationalFramework, ...] = (
    NationalFramework(
        "ru-ps", "ru_professional_standards", "profstandard", "Russian professional standards"
    ),
    NationalFramework(
        "kz-ps", "standards/kk_software_developer.xlsx", "table", "Kazakh standard (illustrative)"
    ),
)
NATIONAL_CATALOGUES: tuple[str, ...] = ("ru_courses_nefu",)


@dataclass
class DemoState:
    """What the demo set up, for the message printed before serving."""

    imported: list[str] = field(default_factory=list)
    token: str | None = None
    token_file: Path | None = None
    # Full index builds queued for the server (job ids): it runs them in the background.
    index_jobs: list[str] = field(default_factory=list)


def default_corpora_dir() -> Path:
    """The repository's corpora/ (editable install), else ./corpora."""
    repo = Path(__file__).resolve().parents[3] / "corpora"
    return repo if repo.is_dir() else Path.cwd() / "corpora"


def prepare_demo(settings: Settings, store: Store, encoder: Encoder, corpora: Path) -> DemoState:
    """Import what is missing; running it twice changes nothing."""
    state = DemoState()
    known = {info.name: info for info in store.list_frameworks()}
    _add_esco(settings, store, encoder, corpora, known, state)
    _add_national(settings, store, encoder, corpora, known, state)
    samples = sorted((corpora / "samples").glob("*.yaml"))
    national = [corpora / name for name in NATIONAL_CATALOGUES if (corpora / name).is_dir()]
    for sample in samples + national:
        result = services.add_catalogue(store, sample, name=None, max_chars=settings.max_text_chars)
        state.imported.append(f"{sample.name}: {result.summary()}")
    if not store.list_users():
        _, token = store.add_user(DEMO_USER, "admin")
        state.token = token
        state.token_file = _save_token(settings.data_dir, token)
    else:
        state.token_file = settings.data_dir / "admin-token.txt"
    _micro_qualification(settings, store, encoder, state)
    return state


def _micro_qualification(
    settings: Settings, store: Store, encoder: Encoder, state: DemoState
) -> None:
    """One designed micro_qualification, owned by the first admin (once)."""
    owner = next((u for u in store.list_users() if u.role == "admin"), None)
    if owner is None:
        return
    matcher = services.load_matcher(settings, store, encoder, frameworks=[DEMO_FRAMEWORK])
    key = prepare_micro_qualification(store, matcher, framework=DEMO_FRAMEWORK, owner=owner)
    if key is not None:
        state.imported.append(f"micro-qualification {TITLE!r} ({key})")


def _add_esco(
    settings: Settings,
    store: Store,
    encoder: Encoder,
    corpora: Path,
    known: dict[str, FrameworkInfo],
    state: DemoState,
) -> None:
    """ESCO stored with its first index (built now when missing or made by another model),
    and its full index queued as a job while the saved one is partial."""
    if DEMO_FRAMEWORK not in known:
        services.add_framework(
            store,
            encoder,
            settings,
            name=DEMO_FRAMEWORK,
            path=corpora / "esco_v1.1.1_en",
            format="esco",
            version="v1.1.1",
            extra_labels=_labels(corpora),
            first_standards=FIRST_STANDARDS,
        )
        state.imported.append("ESCO v1.1.1 (en)")
    meta = index_meta(settings, DEMO_FRAMEWORK)
    if meta is None or meta.fingerprint != encoder.fingerprint:
        # Built by another model (e.g. before the default changed): index anew, keep decisions.
        services.index_first(store, encoder, settings, DEMO_FRAMEWORK, FIRST_STANDARDS)
        state.imported.append(f"{DEMO_FRAMEWORK} reindexed for model {encoder.name}")
        meta = index_meta(settings, DEMO_FRAMEWORK)
    if meta is not None and meta.partial:
        state.index_jobs.append(services.queue_full_index(store, DEMO_FRAMEWORK, DEMO_USER).id)


def _add_national(
    settings: Settings,
    store: Store,
    encoder: Encoder,
    corpora: Path,
    known: dict[str, FrameworkInfo],
    state: DemoState,
) -> None:
    """The national standards present under corpora/ (small: seconds each), once."""
    for spec in NATIONAL_FRAMEWORKS:
        path = corpora / spec.path
        stale = known.get(spec.name)
        if stale is not None and stale.index_fingerprint != encoder.fingerprint:
            services.reindex_framework(store, encoder, settings, spec.name)
            state.imported.append(f"{spec.name} reindexed for model {encoder.name}")
        if stale is None and path.exists():
            services.add_framework(
                store, encoder, settings, name=spec.name, path=path, format=spec.format
            )
            state.imported.append(f"{spec.label} ({spec.name})")


def _labels(corpora: Path) -> list[Path]:
    """ESCO labels in other languages (bundled), which help non-English outcomes match."""
    return bundled_label_files(corpora)


def _save_token(data_dir: Path, token: str) -> Path:
    """Keep the first admin token in a user-only file so the demo user can log in again."""
    path = data_dir / "admin-token.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return path


@app.command("demo")
def demo_cli(
    corpora: Annotated[Path | None, typer.Option(help="bundled data directory")] = None,
    serve: Annotated[bool, typer.Option(help="start the service afterwards")] = True,
) -> None:
    """Import ESCO, the national standards and the sample programmes, then serve them.

    The samples can be reviewed at once against their paired standards (indexed first); the
    server builds ESCO's full index in the background (progress on the home page and in
    `frameworks list`). A second run rebuilds nothing that is up to date.
    """
    settings = Settings()
    with errors():
        ensure_model(settings)
        with opened_store(settings, migrate=True) as store:
            state = prepare_demo(
                settings, store, load_encoder(settings), corpora or default_corpora_dir()
            )
    t = tr(settings)
    for line in state.imported:
        out.print(t.gettext("imported %(what)s") % {"what": line})
    if state.index_jobs:
        building = t.gettext(
            "ESCO's full index is built in the background once the server runs (job %(job)s): "
            "its progress is on the home page and in `outcome-matcher frameworks list`"
        )
        out.print(building % {"job": ", ".join(state.index_jobs)})
    if state.token:
        out.print(t.gettext("admin token (also saved to %(path)s):") % {"path": state.token_file})
        typer.echo(state.token)
    else:
        saved = t.gettext("log in with the admin token saved in %(path)s")
        out.print(saved % {"path": state.token_file})
    url = f"http://{settings.host}:{settings.port}/"
    out.print(t.gettext("open %(url)s (API docs at /docs)") % {"url": url})
    if serve:
        serve_cli(None, None)
