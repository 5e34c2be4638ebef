"""Use cases that span the store, the encoders and the indexes, shared by every front end
(CLI, API, batch): import and index frameworks and catalogues, load the service's matcher."""

from outcome_matcher.services.catalogues import add_catalogue
from outcome_matcher.services.frameworks import (
    add_framework,
    export_framework,
    index_dir,
    reindex_framework,
    remove_framework,
)
from outcome_matcher.services.labels import (
    competency_labels,
    labels_for_interface,
    reviewed_framework,
)
from outcome_matcher.services.matcher import (
    calibration_for,
    calibration_name,
    load_matcher,
    standard_requirements,
)

__all__ = [
    "add_catalogue",
    "add_framework",
    "calibration_for",
    "calibration_name",
    "competency_labels",
    "export_framework",
    "index_dir",
    "labels_for_interface",
    "load_matcher",
    "reindex_framework",
    "remove_framework",
    "reviewed_framework",
    "standard_requirements",
]
