"""Server-side input files: only inside the import folder, refused alike everywhere else."""

from __future__ import annotations

from pathlib import Path

from outcome_matcher.config import Settings
from outcome_matcher.errors import InputError


def imported_file(settings: Settings, name: str) -> Path:
    """A file inside `settings.imports_dir`; anything outside it is refused without looking,
    so the answer never tells whether a file exists elsewhere on the server (/etc/shadow)."""
    root = settings.imports_dir.resolve()
    path = (root / name).resolve()  # an absolute `name` replaces root; resolve follows links
    if path == root or not path.is_relative_to(root):
        raise InputError(
            "catalogues must name files in the server's import folder", field="catalogues"
        )
    if not path.is_file():
        raise InputError(
            f"no file {path.relative_to(root)} in the import folder", field="catalogues"
        )
    return path
