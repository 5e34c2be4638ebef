"""Whole-catalogue alignment: chunked, resumable, deterministic, on one machine or on Ray."""

from outcome_matcher.batch.chunk import align_chunk
from outcome_matcher.batch.inputs import AlignRow, Chunk, chunks, read_rows
from outcome_matcher.batch.run import AlignOptions, AlignResult, Engine, align

__all__ = [
    "AlignOptions",
    "AlignResult",
    "AlignRow",
    "Chunk",
    "Engine",
    "align",
    "align_chunk",
    "chunks",
    "read_rows",
]
