"""SKOS mappings: decisions in a real SQLite store -> Turtle / JSON-LD -> a fresh store, same."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from rdflib import DCTERMS, RDF, SKOS, Graph, Literal

from outcome_matcher.catalogues import load_catalogue
from outcome_matcher.errors import ConflictError, InputError, InputErrors
from outcome_matcher.frameworks import load_framework
from outcome_matcher.review.skos import SkosContext, SkosFormat, export_skos
from outcome_matcher.review.skos_read import (
    read_skos,
    read_skos_nodes,
    sniff_decisions_file,
    sniff_format,
)
from outcome_matcher.review.skos_terms import OM, UriMinter
from outcome_matcher.schemas import Framework
from outcome_matcher.store import DecisionCreate, DecisionPublic, Store, UserInfo

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
CATALOGUE = CORPORA / "samples" / "software_developer_en.yaml"
STANDARD_CSV = CORPORA / "standards" / "example_software_developer_level6.csv"
PROGRAMME = "BSC-SD"


@pytest.fixture(scope="module")
def frameworks() -> list[Framework]:
    example = load_framework(STANDARD_CSV, "csv", name="example")
    esco = load_framework(CORPORA / "esco_v1.1.1_en", "esco", name="esco")
    # Real ESCO skills, a few of them: their ids are URIs (the example's are codes).
    subset = [c.model_copy(update={"broader": ()}) for c in esco.competencies[:40]]
    return [example, esco.model_copy(update={"competencies": tuple(subset), "standards": ()})]


@dataclass
class Env:
    store: Store
    reviewer: UserInfo


def open_env(path: Path, frameworks: list[Framework]) -> Env:
    store = Store.open("sqlite:///" + str(path), migrate=True)
    for framework in frameworks:
        store.add_framework(framework)
    store.add_catalogue(load_catalogue(CATALOGUE))
    return Env(store, store.add_user("reviewer", "reviewer")[0])


@pytest.fixture()
def source(tmp_path: Path, frameworks: list[Framework]) -> Iterator[Env]:
    env = open_env(tmp_path / "source.db", frameworks)
    yield env
    env.store.close()


@pytest.fixture()
def target(tmp_path: Path, frameworks: list[Framework]) -> Iterator[Env]:
    env = open_env(tmp_path / "target.db", frameworks)
    yield env
    env.store.close()


def decide(env: Env, frameworks: list[Framework]) -> list[DecisionPublic]:
    """A spread of decisions: every verdict, with and without outcome, one superseded."""
    modules = env.store.get_programme(PROGRAMME).modules
    example = [c.id for c in frameworks[0].competencies]
    esco = [c.id for c in frameworks[1].competencies]
    rows = [
        (modules[0], "example", example[0], "accepted", "exact", "covers it", True),
        (modules[1], "example", example[1], "partial", "broad", 'only "half" of it', False),
        (modules[2], "example", example[2], "rejected", None, "unrelated", False),
        (modules[2], "example", example[3], "rejected", "close", "близко, но нет", True),
        (modules[0], "esco", esco[0], "accepted", "narrow", "", True),
        (modules[3], "esco", esco[1], "accepted", "related", "first look", False),
    ]
    for module, framework, competency, verdict, relation, reason, with_outcome in rows:
        env.store.decide(
            DecisionCreate(
                programme=PROGRAMME,
                module=module.code,
                framework=framework,
                competency_id=competency,
                verdict=verdict,  # type: ignore[arg-type]
                relation=relation,  # type: ignore[arg-type]
                reason=reason,
                evidence_outcome=module.outcomes[0].id if with_outcome else None,
                expected_version=0,
            ),
            env.reviewer,
        )
    # The last link is decided again: only its second decision is current.
    again = DecisionCreate(
        programme=PROGRAMME,
        module=modules[3].code,
        framework="esco",
        competency_id=esco[1],
        verdict="rejected",
        reason="on second thought",
        expected_version=1,
    )
    env.store.decide(again, env.reviewer)
    return current(env)


def current(env: Env) -> list[DecisionPublic]:
    return [d for fw in ("example", "esco") for d in env.store.current_decisions(PROGRAMME, fw)]


def essence(decisions: list[DecisionPublic]) -> set[tuple[object, ...]]:
    return {
        (
            d.programme,
            d.module,
            d.framework,
            d.competency_id,
            d.verdict,
            d.relation,
            d.reason,
            d.evidence_outcome,
        )
        for d in decisions
    }


def context_of(env: Env, decisions: list[DecisionPublic]) -> SkosContext:
    labels = {c.id: c.label for fw in ("example", "esco") for c in env.store.get_competencies(fw)}
    programme = env.store.get_programme(PROGRAMME)
    titles = {
        (d.catalogue, d.programme, m.code): m.title for d in decisions for m in programme.modules
    }
    texts = {o.id: o.text for m in programme.modules for o in m.outcomes}
    return SkosContext(labels, titles, texts, {d.id: 0.5 + d.id / 100 for d in decisions}, "en")


@pytest.mark.parametrize("format", ["turtle", "json-ld"])
def test_decisions_round_trip_through_skos(
    source: Env, target: Env, frameworks: list[Framework], format: SkosFormat
) -> None:
    decisions = decide(source, frameworks)
    text = export_skos(decisions, format, context_of(source, decisions))
    assert sniff_format(text) == format
    creates = read_skos(text)
    result = target.store.import_decisions(list(enumerate(creates, start=1)), target.reviewer)
    assert result.imported == len(decisions) == 6
    assert essence(current(target)) == essence(decisions)


def test_only_accepted_and_partial_are_asserted_as_matches(
    source: Env, frameworks: list[Framework]
) -> None:
    decisions = decide(source, frameworks)
    graph = Graph().parse(data=export_skos(decisions, "turtle"), format="turtle")
    matches = [
        (s, p, o)
        for p in (
            SKOS.exactMatch,
            SKOS.closeMatch,
            SKOS.broadMatch,
            SKOS.narrowMatch,
            SKOS.relatedMatch,
        )
        for s, o in graph.subject_objects(p)
    ]
    matching = [d for d in decisions if d.verdict in ("accepted", "partial")]
    assert len(matches) == len(matching) == 3
    assert len(set(graph.subjects(RDF.type, OM.Decision))) == len(decisions)
    exact = next(d for d in decisions if d.relation == "exact")
    minter = UriMinter()
    outcome = minter.outcome(exact.catalogue, PROGRAMME, exact.module, exact.evidence_outcome or "")
    competency = minter.competency("example", exact.competency_id)
    assert (outcome, SKOS.exactMatch, competency) in graph
    assert str(competency).endswith(":example:competency:" + exact.competency_id)
    node = minter.decision(exact.id)
    assert graph.value(node, DCTERMS.creator) == Literal("reviewer")
    assert graph.value(node, DCTERMS.created).toPython() == exact.created  # type: ignore[union-attr]


def test_the_base_is_configurable_and_http_bases_use_slashes(
    source: Env, frameworks: list[Framework], target: Env
) -> None:
    decisions = decide(source, frameworks)
    minter = UriMinter("https://council.example/om/")
    text = export_skos(decisions, "json-ld", minter=minter)
    d = decisions[0]
    module = f"https://council.example/om/{quote(d.catalogue, safe='')}/{PROGRAMME}/{d.module}"
    assert module in text
    target.store.import_decisions(list(enumerate(read_skos(text), 1)), target.reviewer)
    assert essence(current(target)) == essence(decisions)


def test_rejected_can_be_left_out(source: Env, frameworks: list[Framework]) -> None:
    decisions = decide(source, frameworks)
    creates = read_skos(export_skos(decisions, "turtle", include_rejected=False))
    assert {c.verdict for c in creates} == {"accepted", "partial"}


def test_bare_mappings_from_another_tool_need_a_framework(source: Env, target: Env) -> None:
    module = source.store.get_programme(PROGRAMME).modules[0]
    catalogue = source.store.list_catalogues()[0].name
    uri = UriMinter().module(catalogue, PROGRAMME, module.code)
    competency = "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab"
    text = (
        f"@prefix skos: <{SKOS}> . @prefix om: <{OM}> . @prefix dcterms: <{DCTERMS}> .\n"
        f'<{uri}> a om:Module ; dcterms:identifier "{module.code}" ; om:programme "{PROGRAMME}" ;'
        f" skos:closeMatch <{competency}> .\n"
    )
    with pytest.raises(InputErrors, match="pass the framework"):
        read_skos(text)
    [create] = read_skos(text, framework="esco")
    assert (create.module, create.verdict, create.relation) == (module.code, "accepted", "close")
    target.store.import_decisions([(1, create)], target.reviewer)
    assert [d.competency_id for d in target.store.current_decisions(PROGRAMME, "esco")] == [
        competency
    ]


def edited(source: Env, frameworks: list[Framework], change: str) -> tuple[str, str]:
    """An export with one thing broken, and the node the error must name."""
    decisions = decide(source, frameworks)
    graph = Graph().parse(data=export_skos(decisions, "turtle"), format="turtle")
    node = UriMinter().decision(decisions[0].id)
    if change == "verdict":
        graph.set((node, OM.verdict, Literal("maybe")))
    elif change == "framework":
        graph.remove((node, OM.framework, None))
    elif change == "unasserted":
        triple = tuple(graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        graph.remove(triple)  # type: ignore[arg-type]
    elif change == "predicate":  # a hierarchy link is not a mapping relation
        triple = tuple(graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        graph.remove(triple)  # type: ignore[arg-type]
        graph.add((triple[0], SKOS.broader, triple[2]))  # type: ignore[arg-type]
        graph.set((node, RDF.predicate, SKOS.broader))
    return graph.serialize(format="turtle"), node.n3()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("verdict", "'maybe' is not one of"),
        ("framework", "om:framework is missing"),
        ("unasserted", "is not asserted"),
        ("predicate", "is not a skos:\\*Match"),
    ],
)
def test_bad_mappings_name_the_node_and_import_nothing(
    source: Env, frameworks: list[Framework], change: str, message: str
) -> None:
    text, node = edited(source, frameworks, change)
    with pytest.raises(InputErrors, match=message) as caught:
        read_skos(text, file="m.ttl")
    assert [e.context["field"] for e in caught.value.errors] == [node]
    assert "m.ttl" in str(caught.value)


def test_unknown_module_in_the_target_imports_nothing(
    source: Env, target: Env, frameworks: list[Framework]
) -> None:
    decisions = decide(source, frameworks)
    creates = read_skos(export_skos(decisions, "turtle"))
    creates[2] = creates[2].model_copy(update={"module": "NO-SUCH"})
    with pytest.raises(InputErrors, match="NO-SUCH"):
        target.store.import_decisions(list(enumerate(creates, 1)), target.reviewer)
    assert current(target) == []


def test_syntax_errors_and_remote_contexts_are_input_errors() -> None:
    with pytest.raises(InputError, match="not valid turtle"):
        read_skos("@prefix skos: <x> .\n<a> skos:closeMatch", file="m.ttl")
    remote = json.dumps({"@context": "https://www.w3.org/ns/skos.jsonld", "@id": "x"})
    with pytest.raises(InputError, match="remote @context"):
        read_skos(remote)
    with pytest.raises(InputError, match="not valid JSON-LD"):
        read_skos("{not json", file="m.jsonld")


def test_decision_files_are_told_apart_by_content(source: Env, frameworks: list[Framework]) -> None:
    decisions = decide(source, frameworks)
    turtle = "# exported by outcome-matcher\n" + export_skos(decisions, "turtle")
    assert sniff_decisions_file(turtle) == "skos-ttl"
    assert sniff_decisions_file(export_skos(decisions, "json-ld")) == "skos-jsonld"
    table = "Classification 1 URI,Classification 2 ID,Mapping relation\nSD-01,BSC-SD/DB,\n"
    assert sniff_decisions_file(table) == "csv"


def test_nodes_name_each_decision_for_store_errors(
    source: Env, frameworks: list[Framework]
) -> None:
    decisions = decide(source, frameworks)
    pairs = read_skos_nodes(export_skos(decisions, "turtle"))
    by_node = {node: d for node, d in pairs}
    for d in decisions:
        create = by_node[UriMinter().decision(d.id).n3()]
        assert (create.module, create.competency_id, create.verdict) == (
            d.module,
            d.competency_id,
            d.verdict,
        )


def _edited(text: str, competency: str, verdict: str, reason: str) -> str:
    """The Turtle export with one link's decision node given another verdict and reason (one
    that keeps its asserted skos:*Match)."""
    graph = Graph().parse(data=text, format="turtle")
    (node,) = graph.subjects(OM.competencyId, Literal(competency))
    graph.set((node, OM.verdict, Literal(verdict)))
    graph.set((node, OM.reason, Literal(reason)))
    return graph.serialize(format="turtle")


def test_a_re_import_supersedes_the_exported_version(
    source: Env, frameworks: list[Framework]
) -> None:
    """A council edits an exported file and loads it back: the edited link gets a new decision
    (om:version says which version it supersedes), the untouched ones are already in force."""
    decisions = decide(source, frameworks)
    edited = next(d for d in decisions if d.verdict == "accepted" and d.version == 1)
    text = export_skos(decisions, "turtle")
    creates = read_skos(_edited(text, edited.competency_id, "partial", "council: half"))
    result = source.store.import_decisions(list(enumerate(creates, start=1)), source.reviewer)
    assert (result.imported, result.unchanged) == (1, len(decisions) - 1)
    (new,) = result.decisions
    assert (new.competency_id, new.verdict, new.version) == (edited.competency_id, "partial", 2)


def test_a_file_exported_before_a_newer_decision_is_stale(
    source: Env, frameworks: list[Framework]
) -> None:
    decisions = decide(source, frameworks)
    edited = next(d for d in decisions if d.verdict == "accepted" and d.version == 1)
    text = export_skos(decisions, "turtle")
    newer = DecisionCreate(
        programme=edited.programme,
        module=edited.module,
        framework=edited.framework,
        competency_id=edited.competency_id,
        verdict="rejected",
        reason="meanwhile",
        expected_version=1,
    )
    source.store.decide(newer, source.reviewer)
    creates = read_skos(_edited(text, edited.competency_id, "partial", "council: half"))
    with pytest.raises(ConflictError) as caught:
        source.store.import_decisions(list(enumerate(creates, start=1)), source.reviewer)
    assert "version 1" in caught.value.message
    assert {d.verdict for d in current(source) if d.competency_id == edited.competency_id} == {
        "rejected"
    }


def test_a_bad_version_names_the_node() -> None:
    text = """@prefix om: <urn:outcome-matcher:vocab#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:m> a om:Module ; dcterms:identifier "M1" ; om:programme "P" .
<urn:d> a om:Decision ; rdf:subject <urn:m> ; rdf:predicate skos:exactMatch ;
  rdf:object <urn:c> ; om:verdict "accepted" ; om:framework "esco" ; om:version "two" .
<urn:m> skos:exactMatch <urn:c> .
"""
    with pytest.raises(InputErrors) as caught:
        read_skos(text)
    assert "om:version 'two' is not a non-negative integer" in str(caught.value)
