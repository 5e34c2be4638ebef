"""Exchange formats for decisions: SKOS mappings (Turtle, JSON-LD) with provenance."""
