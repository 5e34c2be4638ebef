"""Inputs for a micro-qualification design on real data: one ESCO occupation as a small
framework (generic CSV, so no full ESCO index is built) and Tallinn University's applied
informatics courses as a catalogue (YAML). Usage: python scripts/microquals_real_data.py OUT_DIR
[OCCUPATION_LABEL]"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ESCO = ROOT / "corpora" / "esco_v1.1.1_en"
TLU = Path("/work/shared/corpora/tlu_curriculum_et/course_learning_outcomes.csv")


def _rows(name: str) -> list[dict[str, str]]:
    with gzip.open(ESCO / name, "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def occupation_csv(label: str, out: Path) -> int:
    occ = next(r for r in _rows("occupations_en.csv.gz") if r["preferredLabel"] == label)
    rel = [
        r
        for r in _rows("occupationSkillRelations.csv.gz")
        if r["occupationUri"] == occ["conceptUri"]
    ]
    essential = {r["skillUri"]: r["relationType"] == "essential" for r in rel}
    skills = [r for r in _rows("skills_en.csv.gz") if r["conceptUri"] in essential]
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "label", "alt_labels", "description", "type", "standard", "essential"])
        for s in skills:
            kind = "knowledge" if s["skillType"] == "knowledge" else "skill"
            alts = "|".join(a for a in s["altLabels"].splitlines() if a.strip())
            w.writerow([s["conceptUri"], s["preferredLabel"], alts, s["description"], kind, label,
                        str(essential[s["conceptUri"]]).lower()])  # fmt: skip
    return len(skills)


def tlu_yaml(out: Path) -> int:
    modules: dict[str, dict[str, object]] = {}
    with TLU.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            m = modules.setdefault(r["subject_id"], {
                "code": f"S{r['subject_id']}", "title": r["subject_name_et"],
                "credits": float(r["credits"]), "outcomes": [],
            })  # fmt: skip
            m["outcomes"].append(r["description_et"])  # type: ignore[attr-defined]
    doc = {"name": "tlu", "institution": "Tallinn University (Haapsalu College)", "lang": "et",
           "programmes": [{"code": "RI", "title": "Rakendusinformaatika", "lang": "et",
                           "modules": list(modules.values())}]}  # fmt: skip
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(modules)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    label = sys.argv[2] if len(sys.argv) > 2 else "ICT application developer"
    print("requirements:", occupation_csv(label, target / "occupation.csv"))
    print("modules:", tlu_yaml(target / "tlu.yaml"))
