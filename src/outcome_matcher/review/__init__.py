"""Review: a programme against a standard (coverage, matrix, queue), the rules and the recording
of decisions, and decisions as mapping tables."""
