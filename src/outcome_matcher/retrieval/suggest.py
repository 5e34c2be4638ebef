"""The `suggest` use case, one code path for the CLI, the API and batch runs: statements in,
one QueryResult per statement out, in input order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from outcome_matcher.errors import InputError
from outcome_matcher.fileio import read_json_lines
from outcome_matcher.retrieval.matcher import Matcher, OutcomeText
from outcome_matcher.schemas import QueryResult


def suggest(
    matcher: Matcher,
    framework: str,
    records: Iterable[OutcomeText],
    *,
    top_k: int,
    max_chars: int,
    batch_size: int = 64,
    abstain: bool = False,
    among: Sequence[str] | None = None,
) -> Iterator[QueryResult]:
    """Stream suggestions in input order, encoding `batch_size` statements at a time.

    A statement over `max_chars` is refused (InputError naming its row and id) before any is
    encoded in its batch. `abstain` and `among` are those of `Matcher.suggest`.
    """
    batch: list[OutcomeText] = []
    for row, record in enumerate(records, start=1):
        check_length(record, row, max_chars)
        batch.append(record)
        if len(batch) == batch_size:
            yield from _suggest_batch(matcher, framework, batch, top_k, abstain, among)
            batch = []
    if batch:
        yield from _suggest_batch(matcher, framework, batch, top_k, abstain, among)


def check_length(record: OutcomeText, row: int, max_chars: int) -> None:
    if len(record.text) > max_chars:
        raise InputError(
            f"text is {len(record.text)} characters; the limit is {max_chars}",
            row=row,
            field="text",
            id=record.id,
        )


def _suggest_batch(
    matcher: Matcher,
    framework: str,
    batch: list[OutcomeText],
    top_k: int,
    abstain: bool,
    among: Sequence[str] | None,
) -> Iterator[QueryResult]:
    texts = [r.text for r in batch]
    results = matcher.suggest(framework, texts, top_k, abstain=abstain, among=among)
    for record, suggestions in zip(batch, results, strict=True):
        yield QueryResult(id=record.id, suggestions=tuple(suggestions))


def read_suggest_input(lines: Iterable[str], *, source: str = "<stdin>") -> Iterator[OutcomeText]:
    """JSON lines {"id", "text"}, or plain text lines whose id is the line number."""
    for number, data in read_json_lines(lines, source=source, plain=True):
        if isinstance(data, str):
            yield OutcomeText(id=str(number), text=data)
            continue
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError("missing or empty text", file=source, row=number, field="text")
        raw_id = data.get("id", number)
        if not isinstance(raw_id, str | int):
            raise InputError("id must be a string or a number", file=source, row=number, field="id")
        yield OutcomeText(id=str(raw_id), text=text)


def result_line(result: QueryResult) -> str:
    """One `suggest` output line (the stable contract: id, suggestions, competency_id, ...)."""
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
