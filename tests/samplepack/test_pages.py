"""Article pages: the metadata extraction reads, the chrome it must shed, and the article text intact."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
import trafilatura
from lxml import html as lxml_html

from herald.samplepack import Pack, PackArticle

from .conftest import NOW

CHROME_PHRASES = ("Share on", "Cookie", "Show comments", "Sign up", "Compartir en", "Ver comentarios")


def _page(client: httpx.Client, pack: Pack, article: PackArticle) -> httpx.Response:
    return client.get(f"/{article.outlet}/{pack.article_path(article)}")


def _meta(doc: lxml_html.HtmlElement, prop: str) -> str:
    values = doc.xpath(f'//meta[@property="{prop}"]/@content')
    assert len(values) == 1, prop
    return str(values[0])


def _body_paragraphs(doc: lxml_html.HtmlElement) -> list[str]:
    return [p.text_content() for p in doc.xpath('//div[@class="article-body"]/p')]


def test_every_page_carries_the_metadata_extraction_needs(pack: Pack, client: httpx.Client) -> None:
    for article in pack.articles:
        if article.page_status != 200:
            continue
        response = _page(client, pack, article)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        doc = lxml_html.fromstring(response.content)
        outlet = pack.outlet(article.outlet)
        assert doc.get("lang") == outlet.language
        canonical = doc.xpath('//link[@rel="canonical"]/@href')
        assert canonical == [f"https://{outlet.domain}/{pack.article_path(article)}"]
        assert _meta(doc, "og:title") == article.title
        assert _meta(doc, "og:site_name") == outlet.name
        assert _meta(doc, "og:url") == canonical[0]
        assert datetime.fromisoformat(_meta(doc, "article:published_time")) == article.published(NOW)
        assert article.author in doc.xpath('string(//*[@class="byline"])')
        assert _body_paragraphs(doc) == list(article.paragraphs)


def test_lead_image_and_favicon_are_served_as_svg(pack: Pack, client: httpx.Client) -> None:
    article = pack.articles_of("sundial")[0]
    doc = lxml_html.fromstring(_page(client, pack, article).content)
    image = client.get(_meta(doc, "og:image"))
    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert image.content.startswith(b"<svg") and b"</svg>" in image.content
    icon = client.get(str(doc.xpath('//link[@rel="icon"]/@href')[0]))
    assert icon.headers["content-type"].startswith("image/svg+xml")


def test_pages_wear_real_publisher_chrome(pack: Pack, client: httpx.Client) -> None:
    for outlet in pack.outlets:
        article = next(a for a in pack.articles_of(outlet.key) if a.page_status == 200)
        text = _page(client, pack, article).text
        labels = pack.labels[outlet.lang_family]
        for label in ("share_on", "comments", "cookie_accept", "newsletter_button", "related", "rights"):
            assert labels[label] in text, (outlet.key, label)
        assert outlet.newsletter in text
        assert (labels["paywall_title"] in text) == outlet.paywall
        assert ("application/ld+json" in text) == outlet.json_ld


def test_the_wire_story_reads_the_same_on_every_outlet(pack: Pack, client: httpx.Client) -> None:
    copies = [a for a in pack.articles if a.syndicated_from]
    original = next(a for a in pack.articles if a.key == copies[0].syndicated_from)
    bodies, canonicals = [], set()
    for article in [original, *copies]:
        doc = lxml_html.fromstring(_page(client, pack, article).content)
        bodies.append(_body_paragraphs(doc))
        canonicals.update(doc.xpath('//link[@rel="canonical"]/@href'))
    assert len(copies) >= 3
    assert all(body == bodies[0] for body in bodies)
    assert len(canonicals) == len(copies) + 1


@pytest.mark.parametrize("outlet_key", ["northgate", "valle", "lowland", "kestrel"])
def test_extraction_keeps_the_story_and_drops_the_chrome(
    outlet_key: str, pack: Pack, client: httpx.Client
) -> None:
    for article in pack.articles_of(outlet_key):
        if article.page_status != 200:
            continue
        extracted = trafilatura.extract(_page(client, pack, article).text, favor_precision=True) or ""
        for paragraph in article.paragraphs:
            assert paragraph in extracted, (article.key, paragraph[:40])
        outlet = pack.outlet(outlet_key)
        for phrase in (
            *CHROME_PHRASES,
            outlet.newsletter_pitch,
            pack.labels[outlet.lang_family]["paywall_text"],
        ):
            assert phrase not in extracted, (article.key, phrase)


def test_home_and_section_pages_list_the_outlets_articles(pack: Pack, client: httpx.Client) -> None:
    home = client.get("/valle/")
    assert home.status_code == 200
    for article in pack.articles_of("valle"):
        assert f"/valle/{pack.article_path(article)}" in home.text
    section = client.get("/valle/section/deportes")
    assert section.status_code == 200
    sports = [a for a in pack.articles_of("valle") if a.section == "Sports"]
    assert sports and all(a.title in section.text for a in sports)
    assert client.get("/").status_code == 200
