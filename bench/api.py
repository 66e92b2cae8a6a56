"""API benchmark: the top stories, an article with its related articles, and searches, with 100,000 stored
articles (in stories, with vectors for search by meaning), beside a static file served by the same server in
the same run (these machines are shared and noisy: read the ratios).

Needs wrk (Debian: apt-get install wrk). Usage: python bench/api.py [--articles 100000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import insert, select, update
from web import WORDS, populate, print_rows, start_server, wrk

from herald.store import Store
from herald.store.features import vector_to_bytes
from herald.store.schema import ArticleFeaturesRow, ArticleRow, RelatedRow, StoryRow

STORY_SIZE = 4  # articles a story, so 100,000 articles make 25,000 stories
RELATED = 8  # related articles stored per sampled article, as the pipeline keeps them
SAMPLED = 2000  # articles the article requests pick from
DIMENSIONS = 384


def add_stories(store: Store, ids: list[str]) -> None:
    """Consecutive articles (newest first) grouped STORY_SIZE to a story, the newest one leading it."""
    now = datetime.now(UTC)
    centroid = vector_to_bytes(np.zeros(DIMENSIONS, dtype=np.float32))
    by_id: dict[str, tuple[str, str | None, datetime]] = {}
    with store.db.read() as session:
        for row in session.execute(
            select(ArticleRow.id, ArticleRow.title, ArticleRow.section, ArticleRow.sort_time)
        ):
            by_id[row.id] = (row.title, row.section, row.sort_time)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        groups = [chunk[i : i + STORY_SIZE] for i in range(0, len(chunk), STORY_SIZE)]
        with store.db.write() as session:
            for members in groups:
                title, section, newest = by_id[members[0]]
                story_id = session.execute(
                    insert(StoryRow)
                    .values(
                        title=title,
                        lead_article_id=members[0],
                        section=section,
                        first_published=by_id[members[-1]][2],
                        last_updated=newest,
                        article_count=len(members),
                        publisher_count=len(members),
                        centroid=centroid,
                        terms={},
                        created_at=now,
                    )
                    .returning(StoryRow.id)
                ).scalar_one()
                session.execute(
                    update(ArticleRow).where(ArticleRow.id.in_(members)).values(story_id=story_id)
                )


def add_vectors(store: Store, ids: list[str]) -> None:
    """A unit vector per article (random, so search by meaning has 100,000 vectors to scan)."""
    rng = np.random.default_rng(3)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        vectors = rng.normal(size=(len(chunk), DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with store.db.write() as session:
            session.execute(
                insert(ArticleFeaturesRow),
                [
                    {"article_id": aid, "model": "bench", "vector": vector_to_bytes(v), "terms": {}}
                    for aid, v in zip(chunk, vectors, strict=True)
                ],
            )


def add_related(store: Store, sample: list[str], ids: list[str]) -> None:
    rng = random.Random(5)
    with store.db.write() as session:
        session.execute(
            insert(RelatedRow),
            [
                {"article_id": aid, "related_id": other, "score": 0.9 - n / 100}
                for aid in sample
                for n, other in enumerate(rng.sample(ids, RELATED))
                if other != aid
            ],
        )


def lua_paths(work: Path, name: str, paths: list[str]) -> Path:
    """A wrk script asking for one of ``paths`` at random each request."""
    script = work / f"{name}.lua"
    listed = ",".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    script.write_text(
        "paths = {" + listed + "}\n"
        "request = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n"
    )
    return script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="herald-bench-api-"))
    db_url = f"sqlite:///{work / 'herald.db'}"
    store = Store(db_url)
    t0 = time.perf_counter()
    ids = populate(store, args.articles)  # full-text indexed as they go in (the database's triggers)
    add_stories(store, ids)
    add_vectors(store, ids)
    sample = random.Random(1).sample(ids, min(SAMPLED, len(ids)))
    add_related(store, sample, ids)
    print(
        f"stored {len(ids)} articles in {len(ids) // STORY_SIZE} stories in {time.perf_counter() - t0:.1f} s"
    )
    store.close()
    server, base, static_path = start_server(db_url, work)
    try:
        rng = random.Random(2)
        queries = [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(200)]
        cases: list[tuple[str, str, Path | None]] = [
            ("static CSS (baseline)", base + static_path, None),
            ("top stories", base + "/api/v1/stories", None),
            ("article", base + "/", lua_paths(work, "article", [f"/api/v1/articles/{a}" for a in sample])),
            (
                "its related articles",
                base + "/",
                lua_paths(work, "related", [f"/api/v1/articles/{a}/related" for a in sample]),
            ),
            (
                "search, words",
                base + "/",
                lua_paths(
                    work, "text", [f"/api/v1/search?mode=text&q={q.replace(' ', '+')}" for q in queries]
                ),
            ),
            (
                "search, words + meaning",
                base + "/",
                lua_paths(work, "hybrid", [f"/api/v1/search?q={q.replace(' ', '+')}" for q in queries]),
            ),
        ]
        # Warm up: the first search by meaning loads the model and the 100,000 vectors.
        for path in ("/api/v1/stories", f"/api/v1/articles/{sample[0]}/related", "/api/v1/search?q=storm"):
            answer = httpx.get(base + path, timeout=120)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        rows = []
        for name, url, lua in cases:
            # 64 searches at once queue for seconds on two cores: time them out at 30 s, not wrk's 2 s.
            rps, p50, p99, errors = wrk(
                url, args.seconds, lua, timeout_seconds=30, connections=args.connections
            )
            rows.append((name, rps, p50, p99, errors))
        print_rows(
            rows,
            f"{args.articles} articles, SQLite, one uvicorn process, wrk {args.connections} connections, "
            f"{args.seconds} s each; every API answer carries a fresh ETag",
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
