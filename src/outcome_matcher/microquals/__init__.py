"""Micro-qualifications: Annex I model, exact design by set cover, ELM/OB3 exchange, recognition."""
