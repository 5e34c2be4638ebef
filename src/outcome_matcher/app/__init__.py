"""The HTTP service: `create_app()` builds the FastAPI application with the API and the UI
(serve with `uvicorn --factory outcome_matcher.app:create_app`)."""

from outcome_matcher.app.factory import create_app

__all__ = ["create_app"]
