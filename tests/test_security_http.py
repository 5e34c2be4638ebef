"""Hostile HTTP input: security headers everywhere, deep JSON/YAML, uploads by content, the
align import folder, the /suggestions cost cap, and who imported a catalogue."""

from __future__ import annotations

import io
import json
import re
import zipfile

from starlette.routing import Mount

from conftest import SAMPLE_CATALOGUE_YAML, ApiEnv
from outcome_matcher.web.session import csrf_for

SAMPLE = SAMPLE_CATALOGUE_YAML.replace("name: sample", "name: up").encode()


def _paths(env: ApiEnv) -> list[tuple[str, str]]:
    """(method, path) of every route, path parameters filled in."""
    found: list[tuple[str, str]] = []
    for top in env.client.app.routes:  # type: ignore[attr-defined]
        if isinstance(top, Mount):
            found.append(("GET", top.path + "/app.js"))
            continue
        # FastAPI keeps included routers as one entry each; their routes are the contexts.
        contexts = getattr(top, "effective_route_contexts", None)
        for route in contexts() if contexts else [top]:
            path = re.sub(r"\{[^}]+\}", "x", route.path)
            found.extend((m, path) for m in sorted(route.methods or {"GET"}) if m != "HEAD")
    return found


def test_every_route_sends_the_security_headers(api_env: ApiEnv) -> None:
    api_env.client.post("/login", data={"token": api_env.tokens["admin"]})
    routes = _paths(api_env)
    assert len(routes) > 40 and ("POST", "/decisions") in routes and ("GET", "/docs") in routes
    for method, path in routes:
        response = api_env.client.request(method, path, follow_redirects=False)
        h = response.headers
        where = f"{method} {path} -> {response.status_code}"
        assert response.status_code < 500, where
        csp = h["content-security-policy"]
        assert (
            "frame-ancestors 'none'" in csp
            and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        ), where
        assert h["x-content-type-options"] == "nosniff", where
        assert h["x-frame-options"] == "DENY" and h["referrer-policy"] == "same-origin", where
        if not path.startswith("/static/"):
            assert h["cache-control"] == "no-store", where


def test_no_template_has_inline_script_or_handlers() -> None:
    from outcome_matcher.web.templating import STATIC_DIR

    templates = STATIC_DIR.parent / "templates"
    for page in templates.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), page.name
        assert not re.search(r"\son[a-z]+\s*=", text), page.name


def test_deep_json_and_yaml_are_422_naming_the_problem(api_env: ApiEnv) -> None:
    headers = {**api_env.auth("reviewer"), "content-type": "application/json"}
    for depth in (500, 1000, 5000):  # 1000 deep was a 400 "error parsing the body" before
        deep = "[" * depth + "]" * depth
        body = '{"framework": "demo", "texts": ' + deep + "}"
        response = api_env.client.post("/suggestions", content=body, headers=headers)
        assert response.status_code == 422, (depth, response.text[:200])
        assert response.json()["field"] == "body"
        assert "nested more than" in response.json()["message"]
    deep = "[" * 500 + "]" * 500
    yaml_text = "name: x\nprogrammes: " + "[" * 5000 + "]" * 5000 + "\n"
    files = {"file": ("deep.yaml", yaml_text.encode(), "application/yaml")}
    response = api_env.client.post("/catalogues", files=files, headers=api_env.auth("designer"))
    assert response.status_code == 422 and "nested more than" in response.json()["message"]
    json_cat = '{"name": "x", "programmes": ' + deep + "}"
    files = {"file": ("deep.json", json_cat.encode(), "application/json")}
    response = api_env.client.post("/catalogues", files=files, headers=api_env.auth("designer"))
    assert response.status_code == 422, response.text


def test_uploads_are_checked_by_content(api_env: ApiEnv) -> None:
    post = api_env.client.post
    designer = api_env.auth("designer")
    fake_docx = {"file": ("rpd.docx", b"name: not a zip\n", "application/octet-stream")}
    response = post("/catalogues", files=fake_docx, headers=designer)
    assert response.status_code == 415 and response.json()["field"] == "file"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    zip_yaml = {"file": ("cat.yaml", packed.getvalue(), "application/yaml")}
    assert post("/catalogues", files=zip_yaml, headers=designer).status_code == 415
    latin1 = {"file": ("cat.csv", "programme_code;é\n".encode("latin-1"), "text/csv")}
    assert post("/catalogues", files=latin1, headers=designer).status_code == 422
    long_csv = b"a\n" * (api_env.settings.max_upload_rows + 1)
    table = {"file": ("mapping.csv", long_csv, "text/csv")}
    response = post(
        "/decisions/import", params={"framework": "demo"}, files=table, headers=designer
    )
    assert response.status_code == 422 and "lines" in response.json()["message"]


def test_align_reads_only_the_import_folder(api_env: ApiEnv) -> None:
    designer = api_env.auth("designer")
    answers = []
    for path in ("/etc/shadow", "/etc/no-such-file", "../outcome-matcher.sqlite3"):
        body = {"catalogues": [path], "framework": "demo"}
        response = api_env.client.post("/jobs/align", json=body, headers=designer)
        answers.append((response.status_code, response.json()["message"]))
    assert {a for a in answers} == {answers[0]}, "the same answer whether the file exists or not"
    assert answers[0][0] == 422 and "import folder" in answers[0][1]
    folder = api_env.settings.imports_dir
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text("name: x\nsecret: [unclosed, 'TOP-SECRET-LINE'\n")
    body = {"catalogues": ["bad.yaml"], "framework": "demo"}
    started = api_env.client.post("/jobs/align", json=body, headers=designer)
    assert started.status_code == 202, started.text
    job = _wait(api_env, started.json()["id"])
    assert job["state"] == "failed" and "TOP-SECRET" not in json.dumps(job)


def _wait(env: ApiEnv, job_id: str) -> dict[str, object]:
    import time

    for _ in range(600):
        job: dict[str, object] = env.client.get(f"/jobs/{job_id}", headers=env.auth("admin")).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_suggestions_have_a_cost_cap(api_env: ApiEnv) -> None:
    limit = api_env.settings.max_suggest_chars
    n = limit // api_env.settings.max_text_chars + 1
    texts = [{"id": str(i), "text": "x" * api_env.settings.max_text_chars} for i in range(n)]
    response = api_env.client.post(
        "/suggestions",
        json={"framework": "demo", "texts": texts},
        headers=api_env.auth("reviewer"),
    )
    assert response.status_code == 413
    assert response.json()["field"] == "texts" and response.json()["limit"] == limit


def test_catalogue_import_is_audited_as_the_uploader(api_env: ApiEnv) -> None:
    files = {"file": ("up.yaml", SAMPLE, "application/yaml")}
    assert (
        api_env.client.post(
            "/catalogues", files=files, headers=api_env.auth("designer")
        ).status_code
        == 201
    )
    (entry,) = api_env.store.audit_entries(entity="catalogue", entity_key="up")
    assert entry.actor == "designer-user"
    # and through the web session cookie, with the CSRF header the UI sends
    api_env.client.post("/login", data={"token": api_env.tokens["admin"]})
    token = csrf_for(api_env.client.cookies["om_session"])
    files = {"file": ("up.yaml", SAMPLE + b"version: '2'\n", "application/yaml")}
    response = api_env.client.post("/catalogues", files=files, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    latest = api_env.store.audit_entries(entity="catalogue", entity_key="up")[0]
    assert latest.actor == "admin-user"
