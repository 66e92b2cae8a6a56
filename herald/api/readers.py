"""The reader's endpoints in one router: signing apps in and the account (:mod:`herald.api.auth`),
comments (:mod:`herald.api.comments`) and their own Herald (:mod:`herald.api.reading`), all behind one
bearer scheme."""

from __future__ import annotations

from fastapi import APIRouter

from herald.api.auth import authenticate, create_account_api
from herald.api.comments import create_comments_api
from herald.api.reading import create_reading_api
from herald.pipeline.accounts import Accounts
from herald.pipeline.comments import Comments
from herald.pipeline.reading import Reading
from herald.store import Store


def create_reader_api(accounts: Accounts, comments: Comments, reading: Reading, store: Store) -> APIRouter:
    """The reader's routes over the process's services (the site's own, or ones built the same way: they
    keep no state of their own besides the settings, so the site and the API never disagree)."""
    auth = authenticate(accounts)
    router = APIRouter()
    router.include_router(create_account_api(accounts, auth))
    router.include_router(create_comments_api(comments, store, auth))
    router.include_router(create_reading_api(reading, store, auth))
    return router
