"""Comment formatting: nothing a reader types can run in another reader's browser; the small subset works."""

from __future__ import annotations

import random
from html.parser import HTMLParser

import pytest

from herald.community.formatting import MAX_COMMENT_CHARS, count_links, plain_text, render_comment

_ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
_REL = "nofollow ugc noopener"


class _TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


def _assert_safe(html: str) -> None:
    """Only the allowed tags; links carry an http(s)/mailto href and our rel, other tags no attributes."""
    for tag, attrs in _tags(html):
        assert tag in _ALLOWED_TAGS, (tag, html)
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}, (attrs, html)
            assert attrs.get("rel") == _REL, html
            href = attrs.get("href")
            if href is not None:
                assert href.lower().startswith(("http://", "https://", "mailto:")), (href, html)
        else:
            assert attrs == {}, (tag, attrs, html)
    lowered = html.lower()
    for needle in ("<script", "<style", "<svg", "<img", "<iframe", "<math", 'href="javascript', 'href="data'):
        assert needle not in lowered, (needle, html)


_XSS_CORPUS = [
    pytest.param("<script>alert(1)</script>", id="script tag"),
    pytest.param("<SCRIPT SRC=//evil.test/x.js></SCRIPT>", id="script src uppercase"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="split script"),
    pytest.param("<img src=x onerror=alert(1)>", id="img onerror"),
    pytest.param('<a href="https://ok.test" onclick="alert(1)">x</a>', id="raw anchor with onclick"),
    pytest.param("<svg onload=alert(1)><circle r=1 /></svg>", id="svg onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg script"),
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style attribute"),
    pytest.param("<style>body{display:none}</style>", id="style tag"),
    pytest.param("<iframe src=https://evil.test></iframe>", id="iframe"),
    pytest.param("<!-- <script>alert(1)</script> -->", id="html comment"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="mxss math"),
    pytest.param("[x](javascript:alert(1))", id="markdown javascript link"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="mixed case scheme"),
    pytest.param("[x](  javascript:alert(1)  )", id="padded scheme"),
    pytest.param("[x](java\tscript:alert(1))", id="tab inside scheme"),
    pytest.param("[x](&#x6A;avascript:alert(1))", id="entity in scheme"),
    pytest.param("[x](&#106;&#97;&#118;&#97;script:alert(1))", id="decimal entities"),
    pytest.param("[x](javascript&colon;alert(1))", id="named colon entity"),
    pytest.param("[x](%6Aavascript:alert(1))", id="percent encoded scheme"),
    pytest.param("[x](<javascript:alert(1)>)", id="angle bracket destination"),
    pytest.param("[x][ref]\n\n[ref]: javascript:alert(1)", id="reference definition"),
    pytest.param("<javascript:alert(1)>", id="javascript autolink"),
    pytest.param("<JAVASCRIPT:alert(1)>", id="uppercase javascript autolink"),
    pytest.param("<vbscript:msgbox(1)>", id="vbscript autolink"),
    pytest.param("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", id="data link"),
    pytest.param("<data:text/html,<script>alert(1)</script>>", id="data autolink"),
    pytest.param("![x](data:image/svg+xml;base64,PHN2Zz4=)", id="data image"),
    pytest.param("![x](javascript:alert(1))", id="javascript image"),
    pytest.param("![x](https://evil.test/track.gif)", id="tracking image"),
    pytest.param("[x](file:///etc/passwd)", id="file link"),
    pytest.param("[x](//evil.test/phish)", id="protocol relative link"),
    pytest.param("[x](/account/delete)", id="relative link"),
    pytest.param('[x](https://ok.test "a" onmouseover="alert(1)")', id="title breakout"),
    pytest.param('https://ok.test/"onmouseover="alert(1)', id="bare url quote breakout"),
    pytest.param("https://ok.test/<script>alert(1)</script>", id="bare url followed by script"),
    pytest.param("[<img src=x onerror=alert(1)>](https://ok.test)", id="html in link label"),
    pytest.param("**<script>alert(1)</script>**", id="script inside strong"),
    pytest.param("> - *[x](javascript:alert(1))*", id="nested markdown around javascript link"),
    pytest.param("[[x](javascript:alert(1))](https://ok.test)", id="link inside link"),
    pytest.param("`<script>alert(1)</script>`", id="script in code span"),
    pytest.param("```html\n<script>alert(1)</script>\n```", id="script in fence"),
    pytest.param("\uff1cscript\uff1ealert(1)\uff1c/script\uff1e", id="full width brackets"),
    pytest.param("[x](\u0000javascript:alert(1))", id="nul before scheme"),
    pytest.param("[x](java\u0000script:alert(1))", id="nul inside scheme"),
    pytest.param("[x](\u200bjavascript:alert(1))", id="zero width space before scheme"),
    pytest.param("[\u202eftp.evil](javascript:alert(1))", id="right to left override"),
    pytest.param("[x](ｊavascript:alert(1))", id="full width letter in scheme"),
    pytest.param("<a href=javascript&#58;alert(1)>x</a>", id="raw anchor entity colon"),
    pytest.param("<</script>script>alert(1)<</script>/script>", id="nested closing tags"),
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt;", id="pre escaped"),
    pytest.param("<form action=https://evil.test><input name=password></form>", id="form"),
    pytest.param("<base href=https://evil.test/>", id="base tag"),
    pytest.param('<meta http-equiv="refresh" content="0;url=https://evil.test">', id="meta refresh"),
]


@pytest.mark.parametrize("text", _XSS_CORPUS)
def test_xss_corpus_renders_safely(text: str) -> None:
    _assert_safe(render_comment(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", id="html as text"
        ),
        pytest.param(
            "<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>", id="img as text"
        ),
        pytest.param(
            "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>", id="refused link as text"
        ),
        pytest.param("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>", id="refused autolink"),
        pytest.param("[x](/account/delete)", "<p>[x](/account/delete)</p>", id="relative link as text"),
        pytest.param(
            "![x](https://evil.test/t.gif)",
            f'<p>!<a href="https://evil.test/t.gif" rel="{_REL}">x</a></p>',
            id="image becomes a link",
        ),
    ],
)
def test_unsafe_input_is_shown_as_typed(text: str, expected: str) -> None:
    assert render_comment(text) == expected


def test_fuzzed_combinations_stay_safe() -> None:
    """Random mixtures of markdown syntax and attack fragments: the allowlist holds, whatever the parser
    makes of them."""
    fragments = [
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:",
        "data:text/html,",
        "[",
        "](",
        ")",
        "<",
        ">",
        '"',
        "'",
        "`",
        "*",
        "_",
        "> ",
        "- ",
        "1. ",
        "\n",
        "\n\n",
        "    ",
        "https://ok.test/",
        "&#x6A;",
        "&colon;",
        "\\",
        "onload=",
        "<svg",
        "\u202e",
        "\u0000",
        "!",
        "#",
        "|",
        "---",
    ]
    generator = random.Random(20240605)
    for _ in range(400):
        text = "".join(generator.choice(fragments) for _ in range(generator.randint(1, 30)))
        _assert_safe(render_comment(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Hello", "<p>Hello</p>", id="paragraph"),
        pytest.param("*soft* and _soft_", "<p><em>soft</em> and <em>soft</em></p>", id="emphasis"),
        pytest.param("**loud** __loud__", "<p><strong>loud</strong> <strong>loud</strong></p>", id="strong"),
        pytest.param("use `x < y`", "<p>use <code>x &lt; y</code></p>", id="code span escaped"),
        pytest.param("one\ntwo", "<p>one<br>\ntwo</p>", id="single newline is a break"),
        pytest.param("one\n\ntwo", "<p>one</p>\n<p>two</p>", id="blank line is a paragraph"),
        pytest.param("one\r\ntwo", "<p>one<br>\ntwo</p>", id="windows newline"),
        pytest.param("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>", id="quote"),
        pytest.param("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", id="bullet list"),
        pytest.param("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>", id="ordered list"),
        pytest.param("```\nx = 1\n```", "<pre><code>x = 1\n</code></pre>", id="fenced code"),
        pytest.param("```python\nx = 1\n```", "<pre><code>x = 1\n</code></pre>", id="fence language dropped"),
        pytest.param("    x = 1", "<pre><code>x = 1\n</code></pre>", id="indented code"),
        pytest.param(
            "[the report](https://example.org/report)",
            f'<p><a href="https://example.org/report" rel="{_REL}">the report</a></p>',
            id="markdown link",
        ),
        pytest.param(
            '[a](https://example.org "a title")',
            f'<p><a href="https://example.org" rel="{_REL}">a</a></p>',
            id="link title dropped",
        ),
        pytest.param(
            "<https://example.org>",
            f'<p><a href="https://example.org" rel="{_REL}">https://example.org</a></p>',
            id="autolink",
        ),
        pytest.param(
            "[write](mailto:desk@example.org)",
            f'<p><a href="mailto:desk@example.org" rel="{_REL}">write</a></p>',
            id="mailto link",
        ),
        pytest.param("# Not a heading", "<p># Not a heading</p>", id="heading as text"),
        pytest.param("Title\n=====", "<p>Title<br>\n=====</p>", id="setext heading as text"),
        pytest.param("---", "<p>---</p>", id="rule as text"),
        pytest.param("a\n\n***\n\nb", "<p>a</p>\n<p>***</p>\n<p>b</p>", id="star rule as text"),
        pytest.param(
            "| a | b |\n|---|---|\n| 1 | 2 |", "<p>| a | b |<br>\n|---|---|<br>\n| 1 | 2 |</p>", id="table"
        ),
        pytest.param("5 &lt; 6 &amp; 7", "<p>5 &lt; 6 &amp; 7</p>", id="entities kept"),
        pytest.param("a <b>bold</b>", "<p>a &lt;b&gt;bold&lt;/b&gt;</p>", id="raw html shown"),
        pytest.param("", "", id="empty"),
    ],
)
def test_allowed_formatting(text: str, expected: str) -> None:
    assert render_comment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "see https://example.org/a?b=1&c=2",
            f'<p>see <a href="https://example.org/a?b=1&amp;c=2" rel="{_REL}">https://example.org/a?b=1&amp;c=2</a></p>',
            id="query string",
        ),
        pytest.param(
            "read http://example.org.",
            f'<p>read <a href="http://example.org" rel="{_REL}">http://example.org</a>.</p>',
            id="full stop left out",
        ),
        pytest.param(
            "(see https://example.org/x)",
            f'<p>(see <a href="https://example.org/x" rel="{_REL}">https://example.org/x</a>)</p>',
            id="closing bracket left out",
        ),
        pytest.param(
            "https://en.wikipedia.org/wiki/Bond_(finance), ok",
            f'<p><a href="https://en.wikipedia.org/wiki/Bond_(finance)" rel="{_REL}">'
            "https://en.wikipedia.org/wiki/Bond_(finance)</a>, ok</p>",
            id="balanced brackets kept",
        ),
        pytest.param(
            "HTTPS://EXAMPLE.ORG/",
            f'<p><a href="HTTPS://EXAMPLE.ORG/" rel="{_REL}">HTTPS://EXAMPLE.ORG/</a></p>',
            id="upper case scheme",
        ),
        pytest.param(
            "**https://example.org**",
            f'<p><strong><a href="https://example.org" rel="{_REL}">https://example.org</a></strong></p>',
            id="inside strong",
        ),
        pytest.param(
            "https://münchen.example/ü",
            f'<p><a href="https://xn--mnchen-3ya.example/%C3%BC" rel="{_REL}">https://münchen.example/ü</a></p>',
            id="international address encoded in href only",
        ),
        pytest.param(
            "a https://x.org b https://y.org",
            f'<p>a <a href="https://x.org" rel="{_REL}">https://x.org</a> '
            f'b <a href="https://y.org" rel="{_REL}">https://y.org</a></p>',
            id="two addresses",
        ),
    ],
)
def test_bare_urls_become_links(text: str, expected: str) -> None:
    assert render_comment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("`https://example.org`", "<p><code>https://example.org</code></p>", id="code span"),
        pytest.param(
            "```\nhttps://example.org\n```", "<pre><code>https://example.org\n</code></pre>", id="fence"
        ),
        pytest.param(
            "    https://example.org", "<pre><code>https://example.org\n</code></pre>", id="indented"
        ),
        pytest.param("http://", "<p>http://</p>", id="no host"),
        pytest.param("http://localhost", "<p>http://localhost</p>", id="single label host"),
        pytest.param("https://-bad-.org", "<p>https://-bad-.org</p>", id="hyphen edged host"),
        pytest.param("xhttps://example.org", "<p>xhttps://example.org</p>", id="inside a word"),
        pytest.param("ftp://example.org", "<p>ftp://example.org</p>", id="other scheme"),
        pytest.param("www.example.org", "<p>www.example.org</p>", id="no scheme"),
        pytest.param(
            "javascript://example.org/%0Aalert(1)", "<p>javascript://example.org/%0Aalert(1)</p>", id="js"
        ),
    ],
)
def test_text_that_is_not_linkified(text: str, expected: str) -> None:
    assert render_comment(text) == expected


def test_existing_link_is_not_linked_twice() -> None:
    html = render_comment("[https://shown.example](https://target.example)")
    assert html == f'<p><a href="https://target.example" rel="{_REL}">https://shown.example</a></p>'


def test_every_link_gets_the_rel() -> None:
    html = render_comment("https://a.example [b](https://b.example) <https://c.example> <d@e.example>")
    anchors = [attrs for tag, attrs in _tags(html) if tag == "a"]
    assert len(anchors) == 4
    assert all(attrs["rel"] == _REL for attrs in anchors)


@pytest.mark.parametrize("function", [render_comment, count_links, plain_text])
def test_long_input_is_refused(function: object) -> None:
    assert callable(function)
    function("x" * MAX_COMMENT_CHARS)
    with pytest.raises(ValueError, match=str(MAX_COMMENT_CHARS)):
        function("x" * (MAX_COMMENT_CHARS + 1))


def test_deep_nesting_within_the_limit_stays_safe() -> None:
    text = ("> " * 200 + "- " * 200 + "*" * 1000 + "[" * 1000)[:MAX_COMMENT_CHARS]
    _assert_safe(render_comment(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("no links here", 0, id="none"),
        pytest.param("https://a.example", 1, id="bare"),
        pytest.param("[a](https://a.example) <https://b.example>", 2, id="markdown and autolink"),
        pytest.param("<someone@example.org>", 1, id="email autolink"),
        pytest.param("https://a.example https://a.example https://a.example", 3, id="repeats count"),
        pytest.param("`https://a.example` and\n\n    https://b.example", 0, id="code is not a link"),
        pytest.param("[x](javascript:alert(1)) [y](/relative)", 0, id="refused links"),
        pytest.param("![x](https://a.example/p.png)", 1, id="image becomes a link"),
        pytest.param("<a href='https://a.example'>x</a>", 1, id="raw html shown, its address linked"),
        pytest.param("[https://a.example](https://b.example)", 1, id="url label counts once"),
    ],
)
def test_count_links(text: str, expected: int) -> None:
    assert count_links(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Hello *there*, **you**", "Hello there, you", id="emphasis dropped"),
        pytest.param("read [the report](https://example.org)", "read the report", id="link label"),
        pytest.param("see https://example.org.", "see https://example.org.", id="bare url"),
        pytest.param("a\nb\n\n\n\nc", "a\nb\n\nc", id="lines and paragraphs"),
        pytest.param("> quoted\n> twice\n\nreply", "> quoted\n> twice\n\nreply", id="quote marked"),
        pytest.param("- a\n- b\n\nafter", "- a\n- b\n\nafter", id="bullets"),
        pytest.param("3. a\n4. b", "3. a\n4. b", id="numbers kept"),
        pytest.param("`x < y`", "x < y", id="code unescaped"),
        pytest.param("```\nline 1\nline 2\n```", "line 1\nline 2", id="code block"),
        pytest.param("<b>&amp;</b>", "<b>&</b>", id="html stays text, entities decoded"),
        pytest.param("# Title", "# Title", id="heading as typed"),
        pytest.param("", "", id="empty"),
    ],
)
def test_plain_text(text: str, expected: str) -> None:
    assert plain_text(text) == expected
