"""Uploads checked by content, not by name: zip magic for DOCX/XLSX, UTF-8 text otherwise."""

from __future__ import annotations

import io
import zipfile

from outcome_matcher.errors import InputError, UnsupportedTypeError

ZIP_SUFFIXES = {".docx", ".xlsx"}
TEXT_SUFFIXES = {".csv", ".json", ".yaml", ".yml", ".txt"}
ZIP_MAGIC = b"PK\x03\x04"
# A zip may expand far beyond its size (a zip bomb): its members may add up to this many
# times the upload limit.
ZIP_EXPANSION = 10


def check_upload(data: bytes, suffix: str, *, file: str, max_bytes: int, max_rows: int) -> None:
    """Refuse an upload whose bytes do not match `suffix`, or that is too big or too long."""
    if len(data) > max_bytes:
        raise InputError(f"over {max_bytes} bytes", file=file, field="file")
    if suffix in ZIP_SUFFIXES:
        _check_zip(data, suffix, file, max_bytes * ZIP_EXPANSION)
    elif suffix in TEXT_SUFFIXES:
        _check_text(data, suffix, file, max_rows)
    else:
        raise UnsupportedTypeError(f"unsupported file type {suffix!r}", file=file, field="file")


def _check_zip(data: bytes, suffix: str, file: str, max_unpacked: int) -> None:
    if not data.startswith(ZIP_MAGIC):
        raise UnsupportedTypeError(
            f"not a {suffix} file (no zip signature)", file=file, field="file"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnsupportedTypeError(
            f"not a {suffix} file (broken zip)", file=file, field="file"
        ) from exc
    if unpacked > max_unpacked:
        raise InputError(f"unpacks to over {max_unpacked} bytes", file=file, field="file")


def _check_text(data: bytes, suffix: str, file: str, max_rows: int) -> None:
    if data.startswith(ZIP_MAGIC) or b"\x00" in data:
        raise UnsupportedTypeError(f"binary content in a {suffix} file", file=file, field="file")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 (byte offset {exc.start})", file=file, row=line, field="file"
        ) from exc
    rows = data.count(b"\n") + 1
    if rows > max_rows:
        raise InputError(f"over {max_rows} lines", file=file, field="file")
