"""Small feeds written for these tests: one behaviour each."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from herald.errors import ParseError
from herald.parse import parse_feed

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Daily &amp; Weekly &lt;b&gt;News&lt;/b&gt;</title>
    <link>/</link>
    <language>en_us</language>
    <ttl>45</ttl>
    <image><url>/logo.png</url><title>x</title><link>/</link></image>
    <item>
      <title>Storm &amp;amp; flood: &lt;em&gt;live&lt;/em&gt; updates</title>
      <link>/world/storm?utm_source=rss</link>
      <guid isPermaLink="false">story-1</guid>
      <description>&lt;p&gt;Rivers rose&lt;/p&gt;&lt;p&gt;overnight.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;
      </description>
      <content:encoded><![CDATA[<p>Rivers rose <a href="/maps">overnight</a>.</p><p>More soon.</p>]]>
      </content:encoded>
      <dc:creator>Ana Ruiz</dc:creator>
      <category>Weather</category><category>weather</category><category>Europe</category>
      <media:thumbnail url="https://img.example.com/small.jpg" width="100"/>
      <media:content url="https://img.example.com/big.jpg" medium="image" width="1200"/>
      <pubDate>Tue, 30 Apr 2024 08:15:00 +0200</pubDate>
    </item>
    <item>
      <title>From the future</title>
      <link>https://news.example.com/future</link>
      <pubDate>Fri, 03 May 2024 12:00:00 GMT</pubDate>
      <enclosure url="https://img.example.com/photo.webp" type="image/webp" length="1"/>
    </item>
    <item>
      <title>A few hours ahead</title>
      <link>https://news.example.com/soon</link>
      <pubDate>Wed, 01 May 2024 18:00:00 GMT</pubDate>
    </item>
    <item><title>No link at all</title><description>Just words</description></item>
    <item><title>Script link</title><link>javascript:alert(1)</link></item>
  </channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title type="html">Le Monde &lt;i&gt;en bref&lt;/i&gt;</title>
  <link rel="alternate" href="https://journal.example.fr/"/>
  <link rel="self" href="https://journal.example.fr/feed.atom"/>
  <icon>https://journal.example.fr/favicon.ico</icon>
  <updated>2024-04-30T10:00:00+02:00</updated>
  <id>urn:x:feed</id>
  <entry>
    <title>Élections : résultats</title>
    <link rel="alternate" type="text/html" href="https://journal.example.fr/a/1"/>
    <link rel="enclosure" type="image/jpeg" href="https://journal.example.fr/a/1.jpg"/>
    <id>urn:x:1</id>
    <updated>2024-04-30T09:30:00+02:00</updated>
    <author><name>Marie Curie</name></author><author><name>Pierre Curie</name></author>
    <summary type="text">Les résultats 5 &lt; 7.</summary>
    <content type="xhtml">
      <div xmlns="http://www.w3.org/1999/xhtml"><p>Texte <b>complet</b>.</p></div>
    </content>
  </entry>
</feed>""".encode()

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Wire",
    "home_page_url": "https://wire.example.org/",
    "favicon": "/favicon.png",
    "language": "en-GB",
    "authors": [{"name": "Desk"}],
    "items": [
        {
            "id": 42,
            "url": "/story/42",
            "title": "Markets &amp; money",
            "content_text": "First paragraph.\n\nSecond <paragraph>.",
            "date_published": "2024-04-30T06:00:00-04:00",
            "date_modified": "2024-04-30T07:00:00Z",
            "image": "https://wire.example.org/42.jpg",
            "tags": ["Markets", "markets", "Asia"],
            "language": "en",
        },
        {"id": "no-url", "content_html": "<p>A note</p>"},
        {"id": "https://wire.example.org/story/43", "content_html": "<p>A titleless note.</p>"},
    ],
}


def test_rss_channel_fields() -> None:
    feed = parse_feed(
        RSS, url="https://news.example.com/rss.xml", content_type="application/rss+xml", now=NOW
    )
    assert feed.title == "Daily & Weekly News"
    assert feed.home_url == "https://news.example.com/"
    assert feed.language == "en-US"
    assert feed.ttl_minutes == 45
    assert feed.icon_url == "https://news.example.com/logo.png"
    assert feed.warning == "2 items without a web (http or https) link were skipped"


def test_rss_item_fields() -> None:
    feed = parse_feed(RSS, url="https://news.example.com/rss.xml", now=NOW)
    assert [item.title for item in feed.items] == [
        "Storm & flood: live updates",
        "From the future",
        "A few hours ahead",
    ]
    first = feed.items[0]
    assert first.url == "https://news.example.com/world/storm?utm_source=rss"  # cleaning URLs is dedup's job
    assert first.guid == "story-1"
    assert first.summary == "Rivers rose overnight."
    assert (
        first.content_html
        == '<p>Rivers rose <a href="https://news.example.com/maps">overnight</a>.</p><p>More soon.</p>'
    )
    assert first.authors == ("Ana Ruiz",)
    assert first.categories == ("Weather", "Europe")
    assert first.image_url == "https://img.example.com/big.jpg"
    assert first.published == datetime(2024, 4, 30, 6, 15, tzinfo=UTC)
    assert first.updated is None
    assert first.language == "en-US"


def test_dates_more_than_a_day_ahead_are_dropped() -> None:
    feed = parse_feed(RSS, url="https://news.example.com/rss.xml", now=NOW)
    future, soon = feed.items[1], feed.items[2]
    assert future.published is None
    assert future.image_url == "https://img.example.com/photo.webp"
    assert soon.published == datetime(2024, 5, 1, 18, 0, tzinfo=UTC)


def test_atom_entry() -> None:
    feed = parse_feed(ATOM, url="https://journal.example.fr/feed.atom", content_type="application/atom+xml")
    assert feed.title == "Le Monde en bref"
    assert feed.home_url == "https://journal.example.fr/"
    assert feed.icon_url == "https://journal.example.fr/favicon.ico"
    assert feed.warning is None
    (entry,) = feed.items
    assert entry.title == "Élections : résultats"
    assert entry.url == "https://journal.example.fr/a/1"
    assert entry.guid == "urn:x:1"
    assert entry.authors == ("Marie Curie", "Pierre Curie")
    assert entry.summary == "Les résultats 5 < 7."
    assert entry.content_html is not None and "<b>complet</b>" in entry.content_html
    assert entry.image_url == "https://journal.example.fr/a/1.jpg"
    # an entry with only <updated> is dated by it
    assert entry.published == datetime(2024, 4, 30, 7, 30, tzinfo=UTC)
    assert entry.updated == entry.published
    assert entry.language == "fr"


def test_json_feed() -> None:
    body = json.dumps(JSON_FEED).encode()
    feed = parse_feed(body, url="https://wire.example.org/feed.json", content_type="application/feed+json")
    assert feed.title == "Wire"
    assert feed.home_url == "https://wire.example.org/"
    assert feed.icon_url == "https://wire.example.org/favicon.png"
    assert feed.language == "en-GB"
    assert feed.warning == "1 item without a web (http or https) link was skipped"
    first, titleless = feed.items
    assert first.url == "https://wire.example.org/story/42"
    assert first.guid == "42"
    assert first.title == "Markets & money"
    assert first.summary == "First paragraph. Second <paragraph>."
    assert first.content_html == "<p>First paragraph.</p><p>Second &lt;paragraph&gt;.</p>"
    assert first.published == datetime(2024, 4, 30, 10, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 4, 30, 7, 0, tzinfo=UTC)
    assert first.image_url == "https://wire.example.org/42.jpg"
    assert first.categories == ("Markets", "Asia")
    assert first.authors == ("Desk",)
    assert first.language == "en"
    assert titleless.url == "https://wire.example.org/story/43"
    assert titleless.title == "A titleless note."


def test_json_feed_1_0_single_author_and_sniffed_without_content_type() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "title": "Old",
            "author": {"name": "Solo"},
            "items": [{"id": "1", "url": "https://old.example.net/1", "title": "One"}],
        }
    ).encode()
    feed = parse_feed(body, url="https://old.example.net/feed.json")
    assert feed.items[0].authors == ("Solo",)


def test_xml_labelled_as_json_is_still_read() -> None:
    body = b'<rss version="2.0"><channel><title>T</title><item><link>https://x.example/1</link></item></channel></rss>'
    feed = parse_feed(body, url="https://x.example/rss", content_type="application/json")
    assert [item.url for item in feed.items] == ["https://x.example/1"]


def test_wrong_encoding_declared() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title>'
        "<item><title>Señor Müller</title><link>https://x.example/1</link></item></channel></rss>"
    ).encode("windows-1252")
    feed = parse_feed(body, url="https://x.example/rss")
    assert feed.title == "Café"
    assert feed.items[0].title == "Señor Müller"
    assert feed.warning is not None and feed.warning.startswith(
        "The feed's declared character encoding is wrong"
    )


def test_http_charset_wins_over_the_document() -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Zürich</title>'
        "<item><title>Grüezi</title><link>https://x.example/1</link></item></channel></rss>"
    ).encode("iso-8859-1")
    feed = parse_feed(body, url="https://x.example/rss", content_type="text/xml", charset="iso-8859-1")
    assert feed.items[0].title == "Grüezi"
    assert feed.warning is None


def test_a_latin1_label_on_a_utf8_body_is_not_believed() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Zürich</title>'
        "<item><title>Grüezi</title><link>https://x.example/1</link></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url="https://x.example/rss", content_type="text/xml", charset="ISO-8859-1")
    assert feed.items[0].title == "Grüezi"


def test_broken_xml_that_still_has_items_warns_with_the_line() -> None:
    body = (
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>\n'
        b"<item><title>One</title><link>https://x.example/1</link></item>\n"
        b"<item><title>Two</title><link>https://x.example/2</link></itm>\n"
        b"</channel></rss>\n"
    )
    feed = parse_feed(body, url="https://x.example/rss")
    assert [item.title for item in feed.items] == ["One", "Two"]
    assert (
        feed.warning == "The feed is not well-formed XML (mismatched tag at line 4); 2 items were still read"
    )


def test_an_empty_but_valid_feed_is_not_an_error() -> None:
    body = b'<rss version="2.0"><channel><title>Quiet</title><link>https://q.example/</link></channel></rss>'
    feed = parse_feed(body, url="https://q.example/rss")
    assert feed.items == ()
    assert feed.title == "Quiet"
    assert feed.warning is None


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", None, "The feed is empty"),
        (b"  \n\t ", "application/rss+xml", "The feed is empty"),
        (
            b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hi</p></body></html>",
            "text/html",
            "This address returned an HTML page, not a feed",
        ),
        (
            b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head></html>',
            "application/xhtml+xml",
            "This address returned an HTML page, not a feed",
        ),
        (b"<rss version='2.0'><channel><title>Cut off", None, "not well-formed XML"),
        (b"<note><to>Tove</to></note>", "application/xml", "not an RSS, Atom or JSON feed"),
        (b"just some words", "text/plain", "not an RSS, Atom or JSON feed|not well-formed"),
        (b'{"hello": "world"}', "application/json", "JSON, but not a JSON Feed"),
        (b"[1, 2]", "application/json", "JSON, but not a JSON Feed"),
        (b"{not json", "application/json", "not valid JSON"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}',
            "application/feed+json",
            "has no list of items",
        ),
    ],
)
def test_unreadable_bodies_raise_parse_error(body: bytes, content_type: str | None, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_feed(body, url="https://x.example/feed", content_type=content_type)


def test_unknown_charset_on_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unknown character encoding"):
        parse_feed(
            b'{"version": 1}', url="https://x.example/f", content_type="application/json", charset="nope"
        )


def test_entity_expansion_bomb_is_harmless() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>'
        b'<rss version="2.0"><channel><title>&g;</title>'
        b"<item><title>x</title><link>https://x.example/1</link></item></channel></rss>"
    )
    try:
        feed = parse_feed(bomb, url="https://x.example/rss")
    except ParseError:
        return
    assert len(feed.title) < 100_000
