"""The JSON API for apps, under /api/v1: one module per resource, errors as RFC 9457 problem details.

``create_api`` gives the articles' AI tools' routes and ``create_reader_api`` the reader's own (signing apps
in with a bearer token, the account, comments, the reading list, history, follows and For you), each as a
router for the composition root to include in the app; ``install_problem_handlers`` makes errors under /api/
problem+json without touching the site's error pages.
"""

from herald.api.articles import create_api
from herald.api.problems import install_problem_handlers, problem
from herald.api.readers import create_reader_api
from herald.api.search import create_search_api

__all__ = ["create_api", "create_reader_api", "create_search_api", "install_problem_handlers", "problem"]
