"""The composition root's app: the site and the JSON API side by side, sharing one set of AI tools."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from herald.app import build_app
from herald.config import Settings
from herald.pipeline import ArticleTools
from herald.pipeline.accounts import Accounts
from herald.store import Store


def test_site_and_api_together(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.resolved_database_url)
    try:
        tools = ArticleTools(settings, store)
        accounts = Accounts(settings, store, "k" * 48)
        with TestClient(build_app(settings, store, tools, accounts)) as client:
            assert client.get("/").status_code == 200
            document = client.get("/api/v1/openapi.json").json()
            assert "/api/v1/articles/{article_id}/ask" in document["paths"]
            missing = client.get("/api/v1/articles/" + "0" * 32 + "/ai")
            assert missing.status_code == 404
            assert missing.headers["content-type"].startswith("application/problem+json")
            page = client.get("/article/" + "0" * 32)  # the site's own 404 page stays HTML
            assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    finally:
        store.close()
