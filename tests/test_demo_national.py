"""The Russian demo and the national-standards walk-through: standard, NEFU catalogue, matrix,
queue and report, over the API and the reviewer UI, on the tiny model."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from conftest import ROLES, ApiEnv
from outcome_matcher import services
from outcome_matcher.app import create_app
from outcome_matcher.cli.demo import prepare_demo
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.schemas import FrameworkFormat
from outcome_matcher.store import Store
from test_demo import _esco_cut

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
NEFU = CORPORA / "ru_courses_nefu"
XML_06_026 = CORPORA / "ru_professional_standards" / "ProfessionalStandarts_564.xml"
KZ_XLSX = CORPORA / "standards" / "kk_software_developer.xlsx"
PROGRAMME = "NEFU-IT"


def _national_corpora(target: Path) -> Path:
    _esco_cut(target / "esco_v1.1.1_en", n_skills=10)
    (target / "samples").mkdir()
    shutil.copy(CORPORA / "samples" / "software_developer_en.yaml", target / "samples")
    shutil.copytree(NEFU, target / "ru_courses_nefu")
    shutil.copytree(CORPORA / "ru_professional_standards", target / "ru_professional_standards")
    (target / "standards").mkdir()
    shutil.copy(KZ_XLSX, target / "standards")
    return target


def test_prepare_demo_adds_the_russian_demo_once(tiny_encoder: Encoder, tmp_path: Path) -> None:
    corpora = _national_corpora(tmp_path / "corpora")
    settings = Settings(data_dir=tmp_path / "data")
    with Store.open(settings.db_url, migrate=True) as store:
        first = prepare_demo(settings, store, tiny_encoder, corpora)
        assert any("(ru-ps)" in line for line in first.imported)
        assert any("(kz-ps)" in line for line in first.imported)
        assert any(line.startswith("ru_courses_nefu: ") for line in first.imported)
        infos = {f.name: f for f in store.list_frameworks()}
        assert infos["ru-ps"].n_competencies == 50 and infos["kz-ps"].n_competencies == 5
        assert [p.code for p in store.list_programmes("NEFU IT courses")] == [PROGRAMME]
        again = prepare_demo(settings, store, tiny_encoder, corpora)
        assert not any("ps)" in line for line in again.imported)
        assert any(
            line.startswith("ru_courses_nefu: ") and "+0 ~0" in line for line in again.imported
        )
        assert len(store.list_frameworks()) == 3


@pytest.fixture()
def demo_env(tiny_encoder: Encoder, tmp_path: Path) -> Iterator[ApiEnv]:
    """The demo's data served by the app, one user per role."""
    corpora = _national_corpora(tmp_path / "corpora")
    settings = Settings(data_dir=tmp_path / "data")
    store = Store.open(settings.db_url, migrate=True)
    prepare_demo(settings, store, tiny_encoder, corpora)
    matcher = services.load_matcher(settings, store, tiny_encoder)
    tokens = {role: store.add_user(f"{role}-user", role)[1] for role in ROLES}
    with TestClient(create_app(settings, matcher=matcher, store=store)) as client:
        yield ApiEnv(client, store, settings, tokens)
    store.close()


def _home_links(env: ApiEnv) -> dict[str, list[dict[str, list[str]]]]:
    """Each programme card's matrix links on the home page, by programme code."""
    env.client.post("/login", data={"token": env.tokens["reviewer"], "next": "/"})
    page = env.client.get("/")
    assert page.status_code == 200
    found: dict[str, list[dict[str, list[str]]]] = {}
    for part in page.text.split('href="/matrix?')[1:]:
        query = parse_qs(part.split('"', 1)[0].replace("&amp;", "&"))
        found.setdefault(query["programme"][0], []).append(query)
    return found


def test_home_pairs_nefu_with_06_026_and_06_001(demo_env: ApiEnv) -> None:
    links = _home_links(demo_env)
    nefu = {(q["framework"][0], q["standard"][0]) for q in links[PROGRAMME]}
    assert {("ru-ps", "06.026"), ("ru-ps", "06.001"), ("kz-ps", "KZ-EX.01")} <= nefu
    english = {q["standard"][0] for code, qs in links.items() if code != PROGRAMME for q in qs}
    assert "06.026" not in english
    # One click: the matrix link opens the coverage matrix, levels shown on the Russian NQF.
    [query] = [q for q in links[PROGRAMME] if q["standard"] == ["06.026"]]
    matrix = demo_env.client.get("/matrix", params={k: v[0] for k, v in query.items()})
    assert matrix.status_code == 200
    assert "НКР 6 / EQF 6" not in matrix.text  # English UI by default
    assert "RU NQF 6 / EQF 6" in matrix.text
    demo_env.client.post("/language", data={"lang": "ru", "next": "/"})
    russian = demo_env.client.get("/matrix", params={k: v[0] for k, v in query.items()})
    assert "НКР 6 / EQF 6" in russian.text


def _api(env: ApiEnv, path: str, **params: Any) -> Any:
    response = env.client.get(path, params=params, headers=env.auth("reviewer"))
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize(
    ("path", "format", "standard", "scale", "shown"),
    [
        (XML_06_026, "profstandard", "06.026", "ru_nqf", "НКР 6 / EQF 6"),
        (KZ_XLSX, "table", "KZ-EX.01", "kz_nqf", "НРК РК 4 / EQF 4"),
    ],
)
def test_a_council_imports_reviews_and_downloads_the_report(
    api_env: ApiEnv, path: Path, format: FrameworkFormat, standard: str, scale: str, shown: str
) -> None:
    """Done when of issue 13: a real standard file, the NEFU catalogue, matrix, queue, report."""
    env = api_env
    encoder = env.client.app.state.matcher.encoder  # type: ignore[attr-defined]
    info = services.add_framework(
        env.store, encoder, env.settings, name="national", path=path, format=format
    )
    assert info.n_competencies > 0
    services.add_catalogue(env.store, NEFU, name=None, max_chars=2000)
    env.client.app.state.matcher = services.load_matcher(env.settings, env.store, encoder)  # type: ignore[attr-defined]
    params = {"framework": "national", "standard": standard}
    matrix = _api(env, f"/programmes/{PROGRAMME}/matrix", **params).json()
    assert len(matrix["modules"]) == 13
    levels = {(r["level_scale"], r["eqf"]) for r in matrix["requirements"]}
    assert all(s == scale and e in range(1, 9) for s, e in levels), levels
    queue = _api(env, f"/programmes/{PROGRAMME}/review-queue", **params).json()
    assert queue, "the queue offers links to decide"
    first = queue[0]
    assert first["level_scale"] == scale and first["eqf"] in range(1, 9)
    body = {
        "programme": PROGRAMME,
        "module": first["cell"]["module_code"],
        "framework": "national",
        "competency_id": first["cell"]["competency_id"],
        "verdict": "accepted",
        "relation": "close",
        "reason": "проверено",
        "expected_version": 0,
    }
    saved = env.client.post("/decisions", json=body, headers=env.auth("reviewer"))
    assert saved.status_code == 201, saved.text
    url = f"/programmes/{PROGRAMME}/report"
    html = _api(env, url, **params, lang="ru")
    assert html.headers["content-type"].startswith("text/html")
    assert '<html lang="ru">' in html.text and shown in html.text
    xlsx = _api(env, url, **params, format="xlsx", lang="ru")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) >= 2
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert any(scale in row for row in rows[1:]), "the level's scale is in the workbook"
