"""Use cases that span the store, the encoders and the indexes, shared by every front end
(CLI, API, batch): import and index frameworks and catalogues, load the service's matcher."""

from outcome_matcher.services.catalogues import add_catalogue
from outcome_matcher.services.frameworks import (
    add_framework,
    export_framework,
    first_competency_ids,
    index_dir,
    index_first,
    reindex_framework,
    remove_framework,
)
from outcome_matcher.services.index_jobs import (
    index_status,
    latest_index_job,
    queue_full_index,
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
    "first_competency_ids",
    "index_dir",
    "index_first",
    "index_status",
    "labels_for_interface",
    "latest_index_job",
    "load_matcher",
    "queue_full_index",
    "reindex_framework",
    "remove_framework",
    "reviewed_framework",
    "standard_requirements",
]
