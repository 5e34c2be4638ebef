"""HTTP users and tokens: admins only; tokens shown once, revocable; deactivation locks out."""

from __future__ import annotations

from conftest import ApiEnv


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_only_admins_manage_users(api_env: ApiEnv) -> None:
    body = {"name": "nina", "role": "reviewer"}
    for role in ("designer", "reviewer", "auditor"):
        headers = api_env.auth(role)
        assert api_env.client.post("/users", json=body, headers=headers).status_code == 403
        assert api_env.client.get("/users", headers=headers).status_code == 403
        assert (
            api_env.client.post("/users/reviewer-user/deactivate", headers=headers).status_code
            == 403
        )
        assert (
            api_env.client.post("/users/reviewer-user/tokens", headers=headers).status_code == 403
        )
        revoke = {"token": api_env.tokens["reviewer"]}
        assert (
            api_env.client.post("/tokens/revoke", json=revoke, headers=headers).status_code == 403
        )


def test_user_life_cycle(api_env: ApiEnv) -> None:
    admin = api_env.auth("admin")
    created = api_env.client.post(
        "/users", json={"name": "nina", "role": "reviewer"}, headers=admin
    )
    assert created.status_code == 201
    token = created.json()["token"]
    user = {"name": "nina", "role": "reviewer", "active": True, "lang": None}
    assert created.json()["user"] == user
    assert api_env.client.get("/frameworks", headers=_bearer(token)).status_code == 200
    names = [u["name"] for u in api_env.client.get("/users", headers=admin).json()]
    assert "nina" in names and len(names) == 5
    again = api_env.client.post("/users", json={"name": "nina", "role": "auditor"}, headers=admin)
    assert again.status_code == 409
    bad_role = api_env.client.post("/users", json={"name": "x", "role": "boss"}, headers=admin)
    assert bad_role.status_code == 422

    second = api_env.client.post("/users/nina/tokens", headers=admin)
    assert second.status_code == 201
    other = second.json()["token"]
    revoked = api_env.client.post("/tokens/revoke", json={"token": token}, headers=admin)
    assert revoked.status_code == 204
    assert api_env.client.get("/frameworks", headers=_bearer(token)).status_code == 401
    assert api_env.client.get("/frameworks", headers=_bearer(other)).status_code == 200

    off = api_env.client.post("/users/nina/deactivate", headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False
    assert api_env.client.get("/frameworks", headers=_bearer(other)).status_code == 401
    actions = {e.action for e in api_env.store.audit_entries(actor="admin-user")}
    assert {"user.add", "token.create", "token.revoke", "user.deactivate"} <= actions


def test_admin_cannot_lock_themselves_out(api_env: ApiEnv) -> None:
    response = api_env.client.post("/users/admin-user/deactivate", headers=api_env.auth("admin"))
    assert response.status_code == 422
    missing = api_env.client.post("/users/ghost/deactivate", headers=api_env.auth("admin"))
    assert missing.status_code == 404
