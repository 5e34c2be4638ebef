"""Store: an ESCO-size framework (13,896 competencies, 123,855 requirements) imports in time."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from outcome_matcher.schemas import Competency, Framework, Requirement, Standard
from test_store_support import BACKENDS, open_store

N_COMPETENCIES, N_STANDARDS, N_REQUIREMENTS = 13_896, 3_007, 123_855
BUDGET_SECONDS = 20.0


def esco_sized() -> Framework:
    rnd = random.Random(0)
    comps = tuple(
        Competency(
            id=f"http://data.europa.eu/esco/skill/{i:08d}",
            label=f"skill {i}",
            alt_labels=(f"alternative {i}", f"other name {i}"),
            description=f"what skill {i} is about, in a sentence or two. " * 3,
            type="skill",
            broader=(f"http://data.europa.eu/esco/skill/{i // 10:08d}",),
            labels_by_lang={"fr": (f"compétence {i}",)},
        )
        for i in range(N_COMPETENCIES)
    )
    per, extra = divmod(N_REQUIREMENTS, N_STANDARDS)
    standards = tuple(
        Standard(
            id=f"http://data.europa.eu/esco/occupation/{s:06d}",
            label=f"occupation {s}",
            requirements=tuple(
                Requirement(competency_id=comps[p].id, essential=j % 2 == 0)
                for j, p in enumerate(rnd.sample(range(N_COMPETENCIES), per + (s < extra)))
            ),
        )
        for s in range(N_STANDARDS)
    )
    return Framework(
        name="esco", version="1.1.1", format="esco", competencies=comps, standards=standards
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_esco_sized_import(backend: str, tmp_path: Path) -> None:
    fw = esco_sized()
    with open_store(backend, tmp_path) as store:
        start = time.perf_counter()
        info = store.add_framework(fw)
        took = time.perf_counter() - start
        assert (info.n_competencies, info.n_standards) == (N_COMPETENCIES, N_STANDARDS)
        assert took < BUDGET_SECONDS, f"ESCO-size import took {took:.1f} s"
        back = store.load_framework("esco")
        assert sum(len(s.requirements) for s in back.standards) == N_REQUIREMENTS
        assert back == fw
