"""The JSON API: one router per resource, and the dependencies they share (api.deps)."""
