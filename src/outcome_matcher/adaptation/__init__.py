"""Domain adaptation of the encoder: a LoRA adapter trained on pairs the frameworks provide.

- `pairs`: (anchor, positive) pairs derived from ESCO itself (alternative -> preferred label,
  description -> label, label in another language -> English label); no gold mapping is read.
- `synthetic`: machine-written sentences per skill and ru/kk/uz labels -> the skill's texts,
  each with a hard negative from a neighbouring skill (`adapt train --recipe synthetic`).
- `refresh`: a candidate adapter from reviewer decisions, installed in the data dir only if it
  beats the active one on held-out programmes and every dev set holds (`adapt --from-decisions`).
- `train`: fits the adapter with in-batch negatives on the CPU
  (`python -m outcome_matcher.adaptation.train --output models/multilingual-e5-small-esco/adapter`).
- `merge`: folds the shipped adapter into a copy of the base model; `embedding.ensure_model`
  runs it for `multilingual-e5-small-esco`, so the set-up step rebuilds the adapted weights.
"""
