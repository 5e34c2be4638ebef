"""Mapping tables over HTTP: export, round trip into a fresh store, all-or-nothing import."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from api_support import api_env_at, decision, force_confidence
from conftest import ApiEnv
from outcome_matcher.encoders import Encoder
from outcome_matcher.review.mapping_table import COLUMNS

# The six ESCO columns alone: a table without our extra columns is still a table.
HEADER = ",".join(COLUMNS[:6])


def _export(env: ApiEnv) -> str:
    response = env.client.get(
        "/decisions/export",
        params={"programme": "BSC-SD", "framework": "demo"},
        headers=env.auth("auditor"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return response.text


def _import(env: ApiEnv, text: str, role: str = "reviewer") -> tuple[int, dict[str, object]]:
    files = {"file": ("mapping.csv", text.encode("utf-8"), "text/csv")}
    response = env.client.post(
        "/decisions/import", params={"framework": "demo"}, files=files, headers=env.auth(role)
    )
    return response.status_code, response.json()


def _content(env: ApiEnv) -> list[tuple[str, str, str, str | None, str]]:
    return sorted(
        (d.module, d.competency_id, d.verdict, d.relation, d.reason)
        for d in env.store.current_decisions("BSC-SD", "demo")
    )


def test_export_has_the_esco_columns(api_env: ApiEnv) -> None:
    headers = api_env.auth("reviewer")
    api_env.client.post("/decisions", json=decision(relation="close"), headers=headers)
    rows = list(csv.DictReader(io.StringIO(_export(api_env))))
    assert list(rows[0]) == list(COLUMNS)
    assert rows == [
        {
            "Classification 1 URI": "SD-01",
            "Classification 1 PrefLabel": "design database scheme",
            "Classification 2 ID": "BSC-SD/DB",
            "Classification 2 PrefLabel": "Databases",
            "Mapping relation": "skos:closeMatch",
            "Editorial note": "accepted: covered by the module",
            "Link version": "1",
            "Evidence outcome": "",
            "Evidence outcome text": "",
        }
    ]


def test_round_trip_into_a_fresh_store(
    api_env: ApiEnv, tiny_encoder: Encoder, tmp_path: Path
) -> None:
    headers = api_env.auth("designer")
    force_confidence(api_env, high=True)  # so the empty reason below does not trip the rule
    for body in (
        decision(relation="broad"),
        decision(verdict="rejected", competency="SD-04", reason="welding, not software"),
        decision(verdict="partial", competency="SD-02", module="QA", reason="only unit tests"),
        decision(competency="SD-03", module="QA", relation="related", reason=""),
    ):
        assert api_env.client.post("/decisions", json=body, headers=headers).status_code == 201
    table = _export(api_env)
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    with api_env_at(tiny_encoder, fresh_dir, f"sqlite:///{fresh_dir / 'db.sqlite3'}") as fresh:
        status, result = _import(fresh, table)
        assert status == 200 and result["imported"] == 4
        assert _content(fresh) == _content(api_env)
        assert _export(fresh) == table
        # Importing the same table again changes nothing.
        status, again = _import(fresh, table)
        assert (status, again["imported"], again["unchanged"]) == (200, 0, 4)
        assert {d.reviewer for d in fresh.store.decision_history()} == {"reviewer-user"}


def test_foreign_crosswalk_rows_without_verdicts(api_env: ApiEnv) -> None:
    table = "\n".join(
        [
            "Classification 1 URI,Classification 2 ID,Mapping Relation,Editorial Note",
            "SD-01,BSC-SD/DB,skos:exactMatch,",
            "SD-04,BSC-SD/DB,,no relation",
        ]
    )
    status, result = _import(api_env, table)
    assert status == 200 and result["imported"] == 2
    assert [(c[1], c[2]) for c in _content(api_env)] == [
        ("SD-01", "accepted"),
        ("SD-04", "rejected"),
    ]


def test_malformed_import_reports_every_bad_row_and_imports_nothing(api_env: ApiEnv) -> None:
    table = "\n".join(
        [
            HEADER,
            "SD-01,,BSC-SD/DB,,skos:exactMatch,accepted: fine",  # good
            "SD-02,,BSC-SD/DB,,skos:sortOfMatch,",  # bad relation
            "SD-03,,BSCSD-DB,,skos:closeMatch,",  # bad source
            "SD-99,,BSC-SD/DB,,skos:closeMatch,",  # unknown competency
            "SD-02,,BSC-SD/XX,,skos:closeMatch,",  # unknown module
            "SD-01,,BSC-SD/DB,,skos:broadMatch,",  # same link twice
            "SD-02,,BSC-SD/QA,,skos:closeMatch,,extra",  # wrong field count
            "SD-03,,BSC-SD/QA,,,accepted: but no relation",  # accepted needs a relation
        ]
    )
    status, body = _import(api_env, table)
    assert status == 422
    problems = body["problems"]
    assert isinstance(problems, list)
    # Syntax is checked first: these rows never reach the store.
    assert [p.split(":")[0] for p in problems] == [
        "row 3, field 'Mapping relation'",
        "row 4, field 'Classification 2 ID'",
        "row 7, field 'Classification 1 URI'",
        "row 8",
        "row 9, field 'Mapping relation'",
    ]
    assert api_env.store.decision_history() == []
    # With the syntax fixed, unknown targets are reported together, and still nothing lands.
    valid_syntax = "\n".join([HEADER, *table.splitlines()[1:2], *table.splitlines()[4:6]])
    status, body = _import(api_env, valid_syntax)
    assert status == 422
    problems = body["problems"]
    assert isinstance(problems, list)
    assert [p.split(":")[0] for p in problems] == [
        "row 3, field 'Classification 1 URI'",
        "row 4, field 'Classification 2 ID'",
    ]
    assert api_env.store.decision_history() == []


def test_import_needs_deciding_role_and_the_columns(api_env: ApiEnv) -> None:
    assert _import(api_env, HEADER + "\n", role="auditor")[0] == 403
    status, body = _import(api_env, "source,target\nBSC-SD/DB,SD-01\n")
    assert status == 422 and "missing column" in str(body["message"])
    files = {"file": ("m.csv", b"\xff\xfe", "text/csv")}
    response = api_env.client.post(
        "/decisions/import",
        params={"framework": "demo"},
        files=files,
        headers=api_env.auth("admin"),
    )
    assert response.status_code == 422


def _edit(table: str, **notes: str) -> str:
    """The table with the editorial note of the rows of the given competencies changed."""
    rows = list(csv.DictReader(io.StringIO(table)))
    for row in rows:
        if row["Classification 1 URI"] in notes:
            row["Editorial note"] = notes[row["Classification 1 URI"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_a_stale_table_overwrites_nothing(api_env: ApiEnv) -> None:
    headers = api_env.auth("reviewer")
    force_confidence(api_env, high=True)
    for competency in ("SD-01", "SD-02"):
        body = decision(competency=competency)
        assert api_env.client.post("/decisions", json=body, headers=headers).status_code == 201
    table = _export(api_env)  # both links at version 1
    for competency in ("SD-01", "SD-02"):  # someone decides again after the export
        body = decision(1, "rejected", competency=competency, reason="not taught after all")
        assert api_env.client.post("/decisions", json=body, headers=headers).status_code == 201
    before = api_env.store.decision_history()
    edited = _edit(table, **{"SD-01": "accepted: still fits", "SD-02": "partial: half of it"})
    status, body = _import(api_env, edited)
    assert status == 409, body
    assert [(x["row"], x["expected_version"], x["current_version"]) for x in body["stale"]] == [
        (2, 1, 2),
        (3, 1, 2),
    ]
    assert api_env.store.decision_history() == before
    # The same edits on a fresh export (version 2) go in.
    fresh = _edit(_export(api_env), **{"SD-01": "rejected: taught elsewhere"})
    status, body = _import(api_env, fresh)
    assert (status, body["imported"], body["unchanged"]) == (200, 1, 1), body
    assert [d.version for d in api_env.store.current_decisions("BSC-SD", "demo")] == [3, 2]


def test_a_row_without_a_version_is_for_a_new_link_only(api_env: ApiEnv) -> None:
    headers = api_env.auth("reviewer")
    force_confidence(api_env, high=True)
    assert api_env.client.post("/decisions", json=decision(), headers=headers).status_code == 201
    table = "\n".join([HEADER, "SD-01,,BSC-SD/DB,,,rejected: not really", ""])
    status, body = _import(api_env, table)
    assert status == 409 and body["stale"][0]["current_version"] == 1
    assert len(api_env.store.decision_history()) == 1
    bad = "\n".join(
        [",".join(COLUMNS[:7]), "SD-02,,BSC-SD/DB,,skos:exactMatch,accepted: x,two", ""]
    )
    status, body = _import(api_env, bad)
    assert status == 422 and "Link version" in str(body["problems"])


def test_imported_rows_follow_the_reason_rule(api_env: ApiEnv) -> None:
    force_confidence(api_env, high=True)  # every link high-confidence: rejecting needs a reason
    table = "\n".join(
        [HEADER, "SD-01,,BSC-SD/DB,,,rejected", "SD-02,,BSC-SD/DB,,,rejected: welding", ""]
    )
    status, body = _import(api_env, table)
    assert status == 422, body
    assert [p.split(":")[0] for p in body["problems"]] == ["row 2, field 'Editorial note'"]
    assert api_env.store.decision_history() == []
