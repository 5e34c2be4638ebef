"""Catalogue loaders: CSV, JSON, YAML, work programmes (YAML, DOCX) to programmes and outcomes.

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

A module given as a string in `modules` is a relative path (inside the catalogue's folder)
to a work-programme file below, read as a module of that programme.

Work programmes (РПД) in the post-Soviet form, one course = one module; each outcome keeps
its kind: knowledge (знать), skill (уметь) or mastery (владеть).

    rpd-yaml  a YAML (or JSON) mapping with outcome keys: знать / уметь / владеть (also
              знания / умения / навыки), Kazakh білу / істей білу / меңгеру (білуі /
              істей алуы / меңгеруі), Uzbek bilishi / bajara olishi / ko'nikmaga ega
              bo'lishi (bilish / qila olish, and Cyrillic билиши / бажара олиши / ...): a
              list of statements or one text block each. Title from названия (a list of
              word lists, as the NEFU generator writes; several titles are joined with
              " / "), название, атауы or nomi; aim (Module.description) from цель, цели,
              мақсаты or maqsadi; credits from зачетные единицы, ЗЕТ, кредиты, кредит or
              kredit; code from код or kod (default: the file name); other keys are ignored.
    rpd-docx  a DOCX whose outcomes sit under the same headings: paragraphs "Знать:" (alone
              or with the items after the colon, also after a lead-in such as "Студент
              должен знать:"), "Знания" / "Умения" / "Навыки", or in a table (a header row
              of such headings, a heading cell at the start of a row, or "Знает: ...
              Умеет: ..." inside a cell). Items run to the next heading, a heading-styled or
              numbered section title, or a blank paragraph. Title from «...» after
              "дисциплины", a "Дисциплина:" line or the document title; credits and aim
              ("Цель ...: ...") from the text.

A single work-programme file is a programme of one module (code and title of the course).
A folder of them is one programme: code, title, level and lang from an optional
`programme.yaml` in the folder (keys code, title, level, lang, and name, institution,
version of the catalogue), else the folder's name; every .yaml, .yml, .json and .docx file
in it (not recursive; programme.yaml and Word's ~$ lock files aside) is one module.

The format is detected: .csv is CSV, .docx a work programme, a JSON/YAML mapping with an
outcome key and no `programmes` a work programme, any other JSON/YAML nested; `format`
("csv", "nested", "rpd-yaml", "rpd-docx") overrides. YAML is read with a guarded safe
loader: more than 50 aliases to lists or mappings, nesting deeper than 100 or more than a
million values after alias expansion are refused (alias bombs). DOCX files over 20 MB or
unpacking to over 200 MB are refused before parsing; python-docx's parser resolves no
entities.

Every outcome is segmented (segment_outcomes), given a language (detected, else the
module's, programme's or catalogue's), a Bloom level, and an id from
schemas.outcome_id, so a re-import gives the same ids.

Errors name the file, a row and a field. Rows are spreadsheet rows for CSV (the header is
row 1, the first data row is row 2), and line numbers for JSON/YAML (the line where the
module's mapping starts) and for invalid UTF-8. Fields are column names for CSV, key
paths such as programmes[0].modules[2].outcomes for JSON/YAML (знать[1] in a work
programme) and "paragraph 12" or "table 1, row 2, column 3" for DOCX. All row problems of a file
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
    format: CatalogueFormat | None = None,
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
        name=name or meta.get("catalogue") or meta.get("name") or _default_name(path),
        institution=meta.get("institution", ""),
        version=meta.get("version", ""),
        programmes=builder.programmes(),
    )


def _default_name(path: Path) -> str:
    # A folder's name is its name ("courses.2025" keeps its dot); a file's is its stem.
    return path.name if path.is_dir() else path.stem
