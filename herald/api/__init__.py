"""The JSON API for apps, under /api/v1: one module per resource, errors as RFC 9457 problem details.

``create_api`` gives the routes as a router for the composition root to include in the app, and
``install_problem_handlers`` makes errors under /api/ problem+json without touching the site's error pages.
"""

from herald.api.articles import create_api
from herald.api.problems import install_problem_handlers, problem

__all__ = ["create_api", "install_problem_handlers", "problem"]
