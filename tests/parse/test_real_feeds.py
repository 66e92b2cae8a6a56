# ruff: noqa: E501  (a table of facts read off the files; the URLs are longer than a line)
"""Feeds published by real sites: the facts below were read off the files by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from herald.errors import ParseError
from herald.models import ParsedFeed
from herald.parse import parse_feed

# (file, items, first title, first link, first publication date in UTC or None)
FIRST_ITEMS = [
    (
        "rss-parser/guardian.rss",
        55,
        "Trump State of the Union address promised unity but emphasized discord",
        "https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord",
        "2018-01-31T07:26:05",
    ),
    (
        "rss-parser/heise.atom",
        15,
        "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
        "http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom",
        "2016-02-01T16:22:00",
    ),
    (
        "rss-parser/encoding.rss",
        40,
        "Mãe de utente é a nova presidente da Raríssimas",
        "http://feeds.jn.pt/~r/JN-ULTIMAS/~3/UBnb8Ra3Q1U/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html",
        "2018-01-03T13:47:00",
    ),
    (
        "rss-parser/content-encoded.rss",
        7,
        "THE CREATIVE FORAGER",
        "https://medium.com/invironment/the-creative-forager-125af37d838f?source=rss----d12c403d4976--food",
        "2018-04-09T18:55:38",
    ),
    (
        "rss-parser/reddit-atom.rss",
        24,
        "The Difficulties in Space",
        "https://www.reddit.com/r/space/comments/42babr/the_difficulties_in_space/",
        "2016-01-23T15:40:37",
    ),
    (
        "rss-parser/craigslist.rss",
        25,
        "Bright, Spacious Beautiful Victorian (oakland north / temescal) $4300 3bd 1930ft2",
        "http://sfbay.craigslist.org/eby/apa/6186664607.html",
        "2017-06-21T17:33:10",
    ),
    (
        "rss-parser/customfields.rss",
        15,
        "ISUZU launches the ‘mu-X’ premium full-size 7 seater SUV in Bengaluru",
        "http://www.varthabharati.in/article/english/74450",
        "2017-05-19T15:35:02",
    ),
    (
        "rss-parser/many-links.rss",
        25,
        "Code Health: Providing Context with Commit Messages and Bug Reports",
        "http://feedproxy.google.com/~r/blogspot/RLXA/~3/lTnHFI_mRTg/code-health-providing-context-with.html",
        "2017-09-11T21:01:00",
    ),
    (
        "rss-parser/rss-1.rss",
        69,
        "Food for fungi",
        "http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1",
        "2017-06-15T17:29:47",
    ),
    (
        "rss-parser/narro.rss",
        1,
        "FAQ for Narro",
        "https://www.narro.co/article/54e703933058540300000069",
        "2015-02-20T09:51:15",
    ),
    (
        "rss-parser/itunes-href.rss",
        10,
        "Manager bewertet Transfers | Eberl lobt BVB für Pulisic-Deal – Hudson-Odoi kostet „fast so viel wie mein Kader“",
        "http://www.transfermarkt.de/eberl-lobt-bvb-fur-pulisic-deal-ndash-hudson-odoi-kostet-bdquo-fast-so-viel-wie-mein-kader-ldquo-/view/news/326649?rss",
        "2019-01-07T16:19:19",
    ),
    (
        "rss-parser/itunes-keywords-astext.rss",
        32,
        "Die mit Alice Merton und der Wespen-Taschen Psychologie",
        "https://www.dasding.de/podcasts/die-mit-alice-merton-und-der-wespen-taschen-psychologie-102.html",
        "2020-10-15T15:27:00",
    ),
    (
        "rss-parser/feedburner.atom",
        25,
        "AdWords and DFP Java client library will soon require Java 7+",
        "http://feedproxy.google.com/~r/blogspot/lQlzL/~3/Zjf41PDVLAc/adwords-and-dfp-java-client-library.html",
        "2016-06-03T14:38:00",
    ),
    (
        "feed-rs/rss_1.0_biorxiv.xml",
        1,
        "Complete genome of the Medicago anthracnose fungus, Colletotrichum destructivum, reveals a mini-chromosome-like region within a core chromosome.",
        "http://biorxiv.org/cgi/content/short/2023.12.16.571984v1?rss=1",
        "2023-12-16T00:00:00",
    ),
    (
        "feed-rs/rss_1.0_iso8859.xml",
        1,
        "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse",
        "https://www.golem.de/news/digitalministerium-neue-glasfaserfoerderung-mit-schnellkasse-2301-171451.html",
        "2023-01-25T18:03:02",
    ),
    (
        "feed-rs/rss_1.0_debian.xml",
        1,
        "Updated Debian 11: 11.6 released",
        "https://www.debian.org/News/2022/20221217",
        "2022-12-17T00:00:00",
    ),
    (
        "feed-rs/rss_2.0_wirecutter.xml",
        1,
        "How to Teach Someone a Board Game (and Even Have Fun Doing It)",
        "https://www.nytimes.com/wirecutter/blog/how-to-teach-someone-a-board-game/?utm_source=rss&utm_medium=feed&utm_campaign=RSS%20Feed",
        "2022-09-20T11:00:17",
    ),
    (
        "feed-rs/rss_2.0_cloudflare.xml",
        1,
        "Privacy-Preserving Compromised Credential Checking",
        "https://blog.cloudflare.com/privacy-preserving-compromised-credential-checking/",
        "2021-10-14T12:59:53",
    ),
    (
        "feed-rs/rss_2.0_ilgiornale.xml",
        1,
        "Arrestato in Pakistan Shabbar Abbas. In Italia è accusato per l'omicidio di Saman",
        "https://www.ilgiornale.it/news/cronaca-nera/caso-saman-abbas-arrestato-pakistan-padre-shabbar-2085649.html",
        "2022-11-15T20:15:04",
    ),
    (
        "feed-rs/rss_2.0_heated.xml",
        1,
        "A conversation about Keystone XL",
        "https://heated.world/p/a-conversation-about-keystone-xl",
        "2021-02-03T12:00:47",
    ),
    (
        "feed-rs/rss_2.0_bbc.xml",
        1,
        "Marcus Aurelius",
        "http://www.bbc.co.uk/programmes/m000sjxt",
        "2021-02-25T10:15:00",
    ),
    (
        "feed-rs/rss_2.0_spiegel.xml",
        1,
        "07.02. – die Wochenvorschau: Lockdown-Verlängerung, Kriegsverbrecher vor Gericht, Super Bowl, Karneval",
        "https://omny.fm/shows/spiegel-update-die-nachrichten/07-02-die-wochenvorschau-lockdown-verl-ngerung-kri",
        "2021-02-06T23:01:00",
    ),
    (
        "feed-rs/atom_example_2.xml",
        2,
        "Will someone plz dump our shizz on the Moon, NASA begs as one of the space biz vendors drops out",
        "http://go.theregister.com/feed/www.theregister.co.uk/2019/07/31/orbitbeyond_drops_nasa_moon_contract/",
        "2019-07-31T11:54:28",
    ),
    (
        "feed-rs/atom_example_5.xml",
        1,
        "M 3.6 - 15km W of Petrolia, CA",
        "https://earthquake.usgs.gov/earthquakes/eventpage/nc73239366",
        "2019-07-31T13:07:31",
    ),
    (
        "feed-rs/atom_mediarss_reddit_1.xml",
        25,
        "Any reason to keep 1G connections to my servers?",
        "https://ud.reddit.com/r/homelab/comments/157kyrd/any_reason_to_keep_1g_connections_to_my_servers/",
        "2023-07-23T17:38:30",
    ),
    (
        "feed-rs/jsonfeed_example_1.json",
        2,
        "How Jeff Bezos’s iPhone X Was Hacked",
        "https://daringfireball.net/linked/2020/01/24/bezos-iphone-x",
        "2020-01-24T23:46:57",
    ),
    (
        "feed-rs/jsonfeed_spec_1.json",
        1,
        "Announcing JSON Feed",
        "https://jsonfeed.org/2017/05/17/announcing_json_feed",
        "2017-05-17T15:02:12",
    ),
    (
        "feed-rs/jsonfeed_elastic_1.1.json",
        3,
        "InfluxDB vs. Graphite for Time Series Data & Metrics Benchmark",
        "https://www.influxdata.com/blog/influxdb-outperforms-graphite-in-time-series-data-metrics-benchmark",
        "2019-05-31T19:17:58",
    ),
    (
        "feed-rs/rss_1.0_spec_1.xml",
        2,
        "Processing Inclusions with XSLT",
        "http://xml.com/pub/2000/08/09/xslt/xslt.html",
        None,
    ),
]


def _read(shared_dir: Path, name: str, url: str | None = None) -> ParsedFeed:
    path = shared_dir / "eval" / "feeds" / "real" / name
    return parse_feed(path.read_bytes(), url=url or f"https://feeds.example.net/{path.name}")


@pytest.mark.parametrize(
    ("name", "count", "title", "link", "published"), FIRST_ITEMS, ids=[r[0] for r in FIRST_ITEMS]
)
def test_first_item(
    shared_dir: Path, name: str, count: int, title: str, link: str, published: str | None
) -> None:
    feed = _read(shared_dir, name)
    assert len(feed.items) == count
    first = feed.items[0]
    assert first.title == title
    assert first.url == link
    expected = datetime.fromisoformat(published).replace(tzinfo=UTC) if published else None
    assert first.published == expected
    assert first.published is None or first.published.tzinfo is UTC


def test_guardian_feed_details(shared_dir: Path) -> None:
    feed = _read(shared_dir, "rss-parser/guardian.rss")
    assert feed.title == "The Guardian"
    assert feed.home_url == "https://www.theguardian.com/us"
    assert feed.language == "en-GB"
    first = feed.items[0]
    assert first.authors == ("David Smith in Washington",)
    assert first.categories[:3] == ("Donald Trump", "State of the Union address", "US news")
    assert first.summary.startswith(
        "The president’s ‘new American moment’ speech stirred Republican applause"
    )
    assert "<p>" not in first.summary


def test_description_with_markup_becomes_plain_summary(shared_dir: Path) -> None:
    first = _read(shared_dir, "feed-rs/rss_2.0_nbcny.xml").items[0]
    assert first.summary == (
        "A young man was left for dead on a Manhattan sidewalk late Friday, bleeding out from multiple stab "
        "wounds across his body, police said."
    )
    assert first.guid == "4956764"
    assert first.authors == ("Gaby Acevedo and Jessica Cunnington",)


def test_content_encoded_is_kept_as_html(shared_dir: Path) -> None:
    first = _read(shared_dir, "rss-parser/content-encoded.rss").items[0]
    assert first.content_html is not None
    assert "<" in first.content_html and len(first.content_html) > len(first.summary)
    assert first.summary.startswith("Using Wild Ingredients in the Kitchen")


def test_media_rss_and_itunes_images(shared_dir: Path) -> None:
    youtube = _read(shared_dir, "feed-rs/atom_mediarss_youtube_1.xml").items[0]
    # the media:content there is a Flash player, not an image; the thumbnail is the picture
    assert youtube.image_url == "https://i1.ytimg.com/vi/0A1ouV7iD8o/hqdefault.jpg"
    ars = _read(shared_dir, "feed-rs/rss_2.0_example_3.xml").items[0]
    assert ars.image_url == (
        "https://media.newyorker.com/photos/5d4211a4ba8a9c0009a57cfd/master/pass/Chotiner-ReaganRacismNaftali-3.jpg"
    )


def test_relative_links_resolve_against_the_feed_address(shared_dir: Path) -> None:
    feed = _read(shared_dir, "feed-rs/atom_relative.xml", url="https://example.com/blog/feed.xml")
    assert feed.home_url == "https://example.com/blog/"
    assert feed.icon_url == "https://example.com/favicon.ico"
    assert feed.items[0].url == "https://example.com/blog/2003/12/13/atom03"
    enclosure = _read(
        shared_dir, "feed-rs/rss_2.0_relurl_2.xml", url="https://kryogenix.org/random/relurleg.xml"
    )
    assert enclosure.items[0].image_url == "https://kryogenix.org/images/me/hackergotchi-simpler.png"


def test_xml_base_applies_inside_content(shared_dir: Path) -> None:
    item = _read(shared_dir, "feed-rs/atom_xml_base.xml").items[0]
    assert item.url == "https://numi.st/post/2022/travel-uke"  # from the id, the entry has no link
    assert item.content_html is not None
    assert 'src="https://numi.st/post/2022/travel-uke/IMG_1232.jpeg"' in item.content_html


@pytest.mark.parametrize(
    ("name", "minutes"),
    [
        ("feed-rs/rss_2.0_cloudflare.xml", 60),  # <ttl>60</ttl>
        ("rss-parser/craigslist.rss", 10),  # sy:updatePeriod hourly, sy:updateFrequency 6
        ("feed-rs/rss_2.0_wirecutter.xml", 60),  # sy: hourly, once
        ("rss-parser/guardian.rss", None),
    ],
)
def test_refresh_hints(shared_dir: Path, name: str, minutes: int | None) -> None:
    assert _read(shared_dir, name).ttl_minutes == minutes


def test_month_names_in_the_feeds_language(shared_dir: Path) -> None:
    # pubDate "mer, 16 nov 2022 00:38:15 +0100" and "Seg, 24 Set 2018 19:42:40 -0300"
    assert _read(shared_dir, "feed-rs/rss_2.0_ilmessaggero.xml").items[0].published == datetime(
        2022, 11, 15, 23, 38, 15, tzinfo=UTC
    )
    assert _read(shared_dir, "rss-parser/uolNoticias.rss").items[0].published == datetime(
        2018, 9, 24, 22, 42, 40, tzinfo=UTC
    )


def test_wrong_encoding_declaration_is_read_and_reported(shared_dir: Path) -> None:
    # declares nothing (so UTF-8) but is written in ISO-8859-1
    feed = _read(shared_dir, "rss-parser/uolNoticias.rss")
    assert len(feed.items) == 15
    assert feed.items[0].title == "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno"
    assert feed.warning is not None
    assert "character encoding" in feed.warning and "15 items were still read" in feed.warning


def test_undefined_entity_still_yields_items_with_a_warning(shared_dir: Path) -> None:
    feed = _read(shared_dir, "feed-rs/rss_2.0_dbengines.xml")  # &nbsp; at line 8, no DTD
    assert len(feed.items) == 1
    assert (
        feed.warning == "The feed is not well-formed XML (undefined entity at line 8); 1 item was still read"
    )


def test_blank_lines_before_the_xml_declaration_are_forgiven(shared_dir: Path) -> None:
    assert _read(shared_dir, "rss-parser/itunes-keywords-astext.rss").warning is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("feed-rs/rss_2.0_invalid_1.xml", "not well-formed XML (the document ends too early"),
        ("rss-parser/unrecognized.rss", "HTML page, not a feed"),
        ("feed-rs/xml_sample_1.xml", "not an RSS, Atom or JSON feed"),
    ],
)
def test_unreadable_documents(shared_dir: Path, name: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("(", r"\(")):
        _read(shared_dir, name)


def test_items_without_links_are_counted(shared_dir: Path) -> None:
    feed = _read(shared_dir, "feed-rs/rss_0.92_spec_1.xml")  # three <item>s with only a description
    assert feed.items == ()
    assert feed.warning == "3 items without a web (http or https) link were skipped"
