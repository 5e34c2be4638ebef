"""Per-standard review settings: four-eyes sign-off (admins set it, everyone reads it)."""

from __future__ import annotations

from fastapi import APIRouter

from outcome_matcher.api.deps import Admin, CurrentUser, StoreDep
from outcome_matcher.store.public import StandardSettings

router = APIRouter(prefix="/standard-settings", tags=["review"])


@router.get("")
def get_settings(
    framework: str, standard: str, store: StoreDep, user: CurrentUser
) -> StandardSettings:
    return store.standard_settings(framework, standard)


@router.put("")
def put_settings(body: StandardSettings, store: StoreDep, admin: Admin) -> StandardSettings:
    """With four_eyes, a link counts as confirmed only once two different reviewers agree."""
    return store.set_standard_settings(body, actor=admin.name)
