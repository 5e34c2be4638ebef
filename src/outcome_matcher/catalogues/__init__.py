"""Catalogue loaders: CSV, JSON or YAML files to programmes, modules and outcomes.

Flat CSV (UTF-8; "," or ";" or tab, taken from the header line). One row per module, whose
`outcomes` cell is a block of outcome text, or one row per outcome; rows with the same
programme_code and module_code are merged in file order.

    required: programme_code, programme_title, module_code, module_title, outcomes
              (also accepted: outcome)
    optional: credits, level (of the module), programme_level, lang (ISO 639-1, the
              row's language), catalogue, institution, version

Headers are case-insensitive; spaces and hyphens count as underscores. A title may be
left blank on later rows of the same code. Other columns are ignored unless they look
like a misspelt expected column, which is an error.

Nested JSON or YAML:

    name: ...            # optional: catalogue name (default: the file name)
    institution: ...     # optional
    version: ...         # optional
    lang: ...            # optional: default language of everything below
    programmes:
      - code: ...
        title: ...
        level: ...       # optional
        lang: ...        # optional
        modules:
          - code: ...
            title: ...
            credits: 6   # optional
            level: ...   # optional
            lang: ...    # optional
            outcomes:    # a list of statements, or one text block
              - ...

Every outcome is segmented (segment_outcomes), given a language (detected, else the
module's, programme's or catalogue's), a Bloom level, and an id from
schemas.outcome_id, so a re-import gives the same ids.

Errors name the file, a row and a field. Rows are spreadsheet rows for CSV (the header is
row 1, the first data row is row 2), and line numbers for JSON/YAML (the line where the
module's mapping starts) and for invalid UTF-8. Fields are column names for CSV and key
paths such as programmes[0].modules[2].outcomes for JSON/YAML. All row problems of a file
are raised together as one InputErrors.
"""

from __future__ import annotations

from pathlib import Path

from outcome_matcher.catalogues._build import CatalogueBuilder, Segmenter
from outcome_matcher.catalogues._csv import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from outcome_matcher.catalogues._sources import FORMATS, SUFFIXES, CatalogueFormat, read_path
from outcome_matcher.errors import InputErrors
from outcome_matcher.schemas import Catalogue

__all__ = [
    "FORMATS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "SUFFIXES",
    "CatalogueFormat",
    "load_catalogue",
]

DEFAULT_MAX_TEXT_CHARS = 2000  # Settings().max_text_chars


def load_catalogue(
    path: Path,
    *,
    name: str | None = None,
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
    segmenter: Segmenter | None = None,
    format: str | None = None,
) -> Catalogue:
    """Load a catalogue file or folder; raise InputError (one problem) or InputErrors (several).

    `name` overrides the catalogue name given in the file (default: the file's stem).
    `segmenter` replaces segment_outcomes(block, lang), e.g. with a blank spaCy pipeline.
    `format` (one of FORMATS) overrides the detection by suffix and content.
    """
    path = Path(path)
    file = str(path)
    records, meta, errors = read_path(path, format)
    builder = CatalogueBuilder(file, max_text_chars, segmenter)
    # Rows that parsed are still checked, so one run reports every problem in the file.
    for record in records:
        builder.add(record)
    if not records and not errors:
        builder.error("no modules found", None, None)
    errors = errors + builder.errors
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors, file=file)
    return Catalogue(
        name=name or meta.get("catalogue") or meta.get("name") or path.stem,
        institution=meta.get("institution", ""),
        version=meta.get("version", ""),
        programmes=builder.programmes(),
    )
