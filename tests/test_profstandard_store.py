"""Professional standards in the store: texts, units and levels round-trip; new editions flag."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from outcome_matcher.frameworks import load_framework
from outcome_matcher.frameworks.profstandard import load_profstandard
from outcome_matcher.store import DecisionCreate, Store, UserInfo
from outcome_matcher.store.engine import make_engine
from outcome_matcher.store.tables import Base
from test_store_support import BACKENDS, catalogue, open_store

BUNDLED = Path(__file__).parents[1] / "corpora" / "ru_professional_standards"
PROGRAMMER = BUNDLED / "ProfessionalStandarts_4.xml"
KAZAKH = Path(__file__).parents[1] / "corpora" / "standards" / "kk_software_developer.xlsx"
GWF = "ThirdSection/WorkFunctions/GeneralizedWorkFunctions/GeneralizedWorkFunction"
PWF = "ParticularWorkFunctions/ParticularWorkFunction"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        yield s


def test_migration_0003_matches_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    Store.open(url, migrate=True).close()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert ctx.get_current_revision() is not None
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()
    assert {"competency_texts", "competency_scales", "standard_units", "standard_levels"} <= set(
        Base.metadata.tables
    )


@pytest.mark.parametrize("grain", ["function", "item"])
def test_a_loaded_framework_round_trips(store: Store, grain: str) -> None:
    fw = load_framework(BUNDLED, "profstandard", name="ИТ", grain=grain)  # type: ignore[arg-type]
    info = store.add_framework(fw)
    assert info.n_competencies == len(fw.competencies) and info.n_standards == len(fw.standards)
    back = store.load_framework("ИТ")
    assert back == fw  # texts, units with every attribute, levels and scales included
    tf = back.competencies[0]
    assert tf.texts and tf.level_scale == "ru_nqf"
    standard = store.get_standard("ИТ", "06.026/G")
    assert (standard.level, standard.level_scale) == ("7", "ru_nqf")
    assert standard.units[0].job_titles
    some = store.get_competencies("ИТ", [fw.competencies[5].id])
    assert some[0].texts == fw.competencies[5].texts


def test_a_kazakh_table_standard_round_trips(store: Store) -> None:
    fw = load_framework(KAZAKH, "table", name="KZ")
    store.add_framework(fw)
    assert store.load_framework("KZ") == fw
    assert {c.level_scale for c in fw.competencies} == {"kz_nqf"}


def _new_edition(tmp_path: Path) -> Path:
    """06.001 re-edited: one labour action reworded, one sub-level raised, one ТФ renamed,
    one ТФ dropped."""
    tree = ET.parse(PROGRAMMER)
    root = tree.getroot()
    standard = root.find("ProfessionalStandarts/ProfessionalStandart")
    assert standard is not None
    functions = standard.findall(f"{GWF}/{PWF}")
    action = functions[0].find("LaborActions/LaborAction")
    assert action is not None
    action.text = "Составление формализованных описаний решений задач"
    level = functions[1].find("SubQualification")
    assert level is not None
    level.text = "4"
    name = functions[2].find("NameTF")
    assert name is not None
    name.text = "Интеграция программных модулей и компонент"
    parent = standard.find(f"{GWF}[1]/ParticularWorkFunctions")
    assert parent is not None
    parent.remove(functions[3])
    date = standard.find("DateOfApproval")
    assert date is not None
    date.text = "20.07.2022"
    out = tmp_path / "06.001_2022.xml"
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out


def _decide(store: Store, user: UserInfo, uri: str) -> None:
    store.decide(
        DecisionCreate.model_validate(
            {
                "programme": "P1",
                "module": "M1",
                "framework": "Программист",
                "competency_id": uri,
                "verdict": "accepted",
                "relation": "close",
                "reason": "covered",
                "expected_version": 0,
            }
        ),
        user,
    )


def test_a_new_edition_keeps_decisions_and_flags_the_changed(store: Store, tmp_path: Path) -> None:
    old = load_profstandard(PROGRAMMER, name="Программист")
    store.add_framework(old)
    store.add_catalogue(catalogue())
    rita = store.add_user("rita", "reviewer")[0]
    uris = [c.id for c in old.competencies[:5]]
    for uri in uris:
        _decide(store, rita, uri)
    new = load_profstandard(_new_edition(tmp_path), name="Программист")
    assert new.version.startswith("2022-07-20")
    store.add_framework(new, replace=True)
    current = {d.competency_id: d for d in store.current_decisions("P1", "Программист")}
    assert set(current) == set(uris)  # every decision stays attached
    reasons = {uri: current[uri].review_reason for uri in uris}
    assert (
        reasons[uris[0]] == "competency texts changed in framework version 2022-07-20 (приказ 679н)"
    )
    assert reasons[uris[1]].startswith("competency level changed (3 -> 4)")
    assert reasons[uris[2]].startswith("competency label changed")
    assert reasons[uris[3]].startswith("competency removed")
    assert reasons[uris[4]] is None and not current[uris[4]].needs_review
