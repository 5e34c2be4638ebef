"""The service's matcher: the configured calibration and the stored frameworks' indexes."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.retrieval.calibration import Calibration, load_calibration
from outcome_matcher.retrieval.deployment_calibration import load_record
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.retrieval.matcher import Matcher, matcher_options
from outcome_matcher.services.frameworks import index_dir
from outcome_matcher.services.index_jobs import index_status
from outcome_matcher.store import Store

log = logging.getLogger(__name__)


def calibration_name(settings: Settings) -> str | None:
    """Whose shipped calibration applies: the built-in model's, never for a custom model folder
    (its scores are not those the calibration was fitted on)."""
    return None if settings.model_path else settings.model


def calibration_for(settings: Settings, framework: str | None = None) -> Calibration | None:
    """The framework's refit on this deployment's decisions (`outcome-matcher calibrate`) when
    one is active for the configured model, else the model's shipped calibration."""
    name = calibration_name(settings)
    if not name:
        return None
    if framework is not None:
        record = load_record(settings.data_dir, framework)
        if record is not None and record.calibration.model_name == name:
            return record.calibration
    return load_calibration(name)


def load_matcher(
    settings: Settings,
    store: Store,
    encoder: Encoder,
    frameworks: Sequence[str] | None = None,
) -> Matcher:
    """A matcher over the named stored frameworks (default: all) whose index fits the encoder.

    A framework whose index cannot be used is kept as unavailable with the reason, which a
    search of it reports.
    """
    matcher = Matcher(
        encoder,
        calibration=calibration_for(settings),
        default_threshold=settings.fallback_threshold,
        **matcher_options(settings),
    )
    # A partial index says how far its full build is (the jobs table) when it cannot answer.
    matcher.index_status = lambda name: index_status(store, settings, name)
    names = [i.name for i in store.list_frameworks()] if frameworks is None else frameworks
    for name in names:
        own = load_record(settings.data_dir, name) if calibration_name(settings) else None
        if own is not None and own.calibration.model_name == settings.model:
            matcher.framework_calibrations[name] = own.calibration
        try:
            matcher.add_index(name, FrameworkIndex.load(index_dir(settings, name)))
        except OutcomeMatcherError as error:
            log.warning("framework %s not searchable: %s", name, error.message)
            matcher.unavailable[name] = error
    return matcher


def standard_requirements(store: Store, framework: str, standard: str) -> list[str]:
    """The competency ids a standard requires, in its order, each once."""
    found = store.get_standard(framework, standard)
    return list(dict.fromkeys(r.competency_id for r in found.requirements))
