"""The gettext catalogues: .po files in the package, .mo compiled from them on first use."""

from __future__ import annotations

import gettext
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
BABEL_CFG = Path(__file__).parent / "babel.cfg"


def po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def cache_dir() -> Path:
    """Where .mo files go when the installed package is read-only."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "outcome-matcher" / "locales"


def _fresh(mo: Path, po: Path) -> bool:
    return mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime


def compile_po(po: Path, mo: Path) -> Path:
    """Compile `po` into `mo` (fuzzy entries left out), replacing it atomically."""
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    mo.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalogue)
        os.replace(tmp, mo)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return mo


def mo_path(lang: str) -> Path:
    """A fresh .mo for `lang`: the packaged one, else compiled beside the .po or in the cache."""
    po = po_path(lang)
    packaged = po.with_suffix(".mo")
    cached = cache_dir() / lang / f"{DOMAIN}.mo"
    for mo in (packaged, cached):
        if _fresh(mo, po):
            return mo
    try:
        return compile_po(po, packaged)
    except OSError:  # a read-only install (site-packages owned by root)
        return compile_po(po, cached)


@lru_cache(maxsize=16)
def translations(lang: str) -> gettext.GNUTranslations:
    """The compiled catalogue of a shipped language."""
    with mo_path(lang).open("rb") as handle:
        return gettext.GNUTranslations(handle)
