"""OPML import and export."""

from __future__ import annotations

import pytest

from herald.errors import ParseError
from herald.models import SourceSpec
from herald.sources import parse_opml, render_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="Loose feed" type="rss" xmlUrl="https://loose.example/rss" htmlUrl="https://loose.example/"/>
    <outline text="News">
      <outline text="Wire" title="Wire service" type="rss" xmlUrl="https://wire.example/feed" language="en"/>
      <outline text="Europe">
        <outline text="Le Journal" type="rss" xmlUrl="feed://journal.example.fr/rss" htmlUrl="https://journal.example.fr"/>
      </outline>
      <outline text="Duplicate of Wire" type="rss" xmlUrl="https://wire.example/feed"/>
      <outline text="Not fetchable" type="rss" xmlUrl="file:///etc/passwd"/>
      <outline text="Empty" type="rss" xmlUrl=""/>
    </outline>
    <outline title="Tech  &amp;  Science">
      <outline text="  Lab   notes " xmlUrl=" https://lab.example/atom.xml "/>
    </outline>
  </body>
</opml>"""


def test_nested_outlines_become_sections() -> None:
    assert parse_opml(NESTED) == [
        SourceSpec(
            feed_url="https://loose.example/rss", title="Loose feed", home_url="https://loose.example/"
        ),
        SourceSpec(feed_url="https://wire.example/feed", title="Wire service", language="en", section="News"),
        SourceSpec(
            feed_url="http://journal.example.fr/rss",
            title="Le Journal",
            home_url="https://journal.example.fr",
            section="Europe",
        ),
        SourceSpec(feed_url="https://lab.example/atom.xml", title="Lab notes", section="Tech & Science"),
    ]


def test_round_trip() -> None:
    specs = [
        SourceSpec(feed_url="https://a.example/rss", title="A & <B>", section="World"),
        SourceSpec(
            feed_url="https://c.example/feed?x=1&y=2",
            title="C",
            publisher="C Media",
            home_url="https://c.example/",
            country="FR",
            language="fr",
            section="Europe",
        ),
        SourceSpec(feed_url="https://d.example/atom", title="D"),
        SourceSpec(feed_url="https://e.example/rss", title="E", section="World"),
    ]
    text = render_opml(specs, title="Herald export")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "<title>Herald export</title>" in text
    parsed = parse_opml(text.encode("utf-8"))
    # grouped by section in order of first appearance, feeds without a section first
    assert parsed == [specs[2], specs[0], specs[3], specs[1]]


def test_untitled_spec_is_labelled_for_other_readers() -> None:
    text = render_opml([SourceSpec(feed_url="https://x.example/rss", publisher="X Daily")], title="t")
    assert 'text="X Daily"' in text
    assert parse_opml(text.encode())[0].feed_url == "https://x.example/rss"


def test_opml_without_feeds_is_an_empty_list() -> None:
    assert parse_opml(b'<opml version="2.0"><head/><body><outline text="Empty folder"/></body></opml>') == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not well-formed XML"),
        (b"<opml><body><outline", "not well-formed XML"),
        (b"<rss version='2.0'><channel/></rss>", r"not an OPML file: its root element is <rss>"),
        (b"<opml version='2.0'><head/></opml>", "has no <body>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<opml><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>',
            "declares XML entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<opml><body><outline text="&xxe;" xmlUrl="https://x.example/"/></body></opml>',
            "declares XML entities|external resources",
        ),
    ],
)
def test_bad_opml_raises_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_opml(data)
