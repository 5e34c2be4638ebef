"""Error hierarchy: every error carries its HTTP status and the context a user needs to fix it."""

from __future__ import annotations

from typing import Any


class OutcomeMatcherError(Exception):
    """Base of all errors the project raises on purpose."""

    status: int = 500
    code: str = "internal_error"
    # Set where a message is a fixed English msgid (with %(name)s values), so the handlers can
    # show it in the user's language (i18n.error_message); the others get a translated title.
    msgid: str | None = None
    msgid_plural: str | None = None
    suffix: str = ""  # kept as is after the translated msgid (e.g. the list of bad rows)
    values: dict[str, Any]

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = {k: v for k, v in context.items() if v is not None}
        self.values = {}

    def translatable(
        self, msgid: str, plural: str | None = None, *, suffix: str = "", **values: Any
    ) -> OutcomeMatcherError:
        """Mark the message as `msgid % values` + `suffix` (its English text is `message`)."""
        self.msgid, self.msgid_plural, self.suffix, self.values = msgid, plural, suffix, values
        return self

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.context}


class InputError(OutcomeMatcherError):
    """Bad user input: names the file, row and field where it can."""

    status = 422
    code = "invalid_input"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        **context: Any,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                file and f"file {file}",
                row is not None and f"row {row}",
                field and f"field {field!r}",
            )
            if part
        )
        super().__init__(
            f"{where}: {message}" if where else message, file=file, row=row, field=field, **context
        )


class InputErrors(InputError):
    """Several bad rows at once, so a user can fix a file in one pass."""

    def __init__(self, errors: list[InputError], *, file: str | None = None) -> None:
        lines = [e.message for e in errors]
        head = f"{len(errors)} problem(s) in {file}" if file else f"{len(errors)} problem(s)"
        listed = ":\n  " + "\n  ".join(lines[:50])
        super().__init__(head + listed)
        self.errors = errors
        self.context["problems"] = lines
        # The summary line is translated; the problems keep their English file/row/field text.
        if file:
            self.translatable(
                "%(num)d problem in %(file)s",
                "%(num)d problems in %(file)s",
                suffix=listed,
                num=len(errors),
                file=file,
            )
        else:
            self.translatable("%(num)d problem", "%(num)d problems", suffix=listed, num=len(errors))


class NotFoundError(OutcomeMatcherError):
    status = 404
    code = "not_found"


class ConflictError(OutcomeMatcherError):
    status = 409
    code = "conflict"


class ModelMismatchError(ConflictError):
    """An index built with one model was asked to be searched with another."""

    code = "model_mismatch"


class ModelNotBuiltError(OutcomeMatcherError):
    status = 503
    code = "model_not_built"


class IndexNotReadyError(OutcomeMatcherError):
    """A framework's full index is still being built (or its build failed): what needs every
    competency waits for it; reviews against the standards indexed first work already."""

    status = 503
    code = "index_not_ready"

    def __init__(self, message: str, *, retry_after: int | None = None, **context: Any) -> None:
        super().__init__(message, retry_after=retry_after, **context)
        self.retry_after = retry_after


class WriteError(OutcomeMatcherError):
    """A file or folder could not be written (disk full, quota, file size limit); the
    previous version at that path is unchanged."""

    status = 507
    code = "write_failed"


class StoreUnavailableError(OutcomeMatcherError):
    status = 503
    code = "store_unavailable"


class AuthError(OutcomeMatcherError):
    status = 401
    code = "unauthenticated"


class ForbiddenError(OutcomeMatcherError):
    status = 403
    code = "forbidden"


class UnsupportedTypeError(InputError):
    """An upload whose content is not what its name says (a .docx that is not a zip)."""

    status = 415
    code = "unsupported_media_type"


class TooManyRequestsError(OutcomeMatcherError):
    """Rate limited: `retry_after` seconds until the next attempt may succeed."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, **context: Any) -> None:
        super().__init__(message, retry_after=retry_after, **context)
        self.retry_after = retry_after


class TooLargeError(InputError):
    """A request within the byte limit that would still cost too much (texts x characters)."""

    status = 413
    code = "too_large"
