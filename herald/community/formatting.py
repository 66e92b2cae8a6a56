"""Comments are written in a small, safe subset of Markdown and shown as HTML nobody else wrote.

Readers get paragraphs, line breaks, emphasis, code, quotes, lists and links; nothing that changes the page's
layout (headings, tables, rules) or fetches from elsewhere when the page is viewed (images). Their syntax
stays visible as typed: ``# Title`` is a paragraph that starts with a hash, and ``![x](url)`` leaves a "!"
before an ordinary link, which is how a reader would have shared the picture anyway.

Safety does not rest on the parser alone. Raw HTML is never interpreted (it shows as text), links are only
made to http(s) and mailto addresses, and nh3 cleans the result with an allowlist last of all, so a parser
surprise cannot reach a reader. Every link gets ``rel="nofollow ugc noopener"``: search engines give spam no
credit, and the opened page cannot reach back into ours.

Bare http(s) addresses become links too. markdown-it's own linkify needs linkify-it-py, which Herald does not
install, so a small rule does it: only in plain text, never in code or inside a link, with the punctuation
that ends a sentence left out of the address.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MAX_COMMENT_CHARS = 5000

_TAGS = frozenset({"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"})
# "*" empty: without it nh3 keeps its default attributes for every tag (title, lang).
_ATTRIBUTES = {"a": frozenset({"href"}), "*": frozenset[str]()}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
_LINK_REL = "nofollow ugc noopener"
_LINK_PREFIXES = ("http://", "https://", "mailto:")
# markdown-it rules whose output would change the page's layout or load a resource: their source stays text.
_DISABLED_RULES = ["image", "heading", "lheading", "table", "hr"]

# A bare address starts after a space or punctuation, not inside a word, a path or an email address, and
# runs to the next space or character that cannot be part of one in running text.
_BARE_URL = re.compile(r"(?<![\w/@.:%+~-])https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING_PUNCTUATION = frozenset(".,:;!?*_~")
_BRACKET_PAIRS = {")": "(", "]": "[", "}": "{"}
# Dotted labels of letters, digits and inner hyphens (IDN hosts included): rules out "http://" and "http://x".
_HOST = re.compile(r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+")
_ANCHOR_TAG = re.compile(r"<a[\s>]")
_BLANK_LINES = re.compile(r"\n{3,}")
# Tokens after which plain text leaves a blank line (a paragraph does too, unless it sits in a tight list).
_BLOCK_ENDS = frozenset(
    {"code_block", "fence", "bullet_list_close", "ordered_list_close", "blockquote_close"}
)


class _CommentMarkdown(MarkdownIt):
    """CommonMark that links only to web and mail addresses; anything else stays as the text typed."""

    def validateLink(self, url: str) -> bool:  # markdown-it's name and signature
        return url.strip().lower().startswith(_LINK_PREFIXES)


def _trim_url(candidate: str) -> str:
    """The address without what ends the sentence around it: "(see https://x.org/a_(b))." keeps "a_(b)"."""
    while candidate:
        last = candidate[-1]
        opening = _BRACKET_PAIRS.get(last)
        if last in _TRAILING_PUNCTUATION or (
            opening is not None and candidate.count(last) > candidate.count(opening)
        ):
            candidate = candidate[:-1]
            continue
        break
    return candidate


def _has_real_host(url: str) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:  # an unbalanced "[" in the host, say
        return False
    return host is not None and _HOST.fullmatch(host) is not None


def _link_tokens(state: StateCore, url: str, level: int) -> list[Token] | None:
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        return None
    link_open = Token("link_open", "a", 1, attrs={"href": href}, level=level, markup="linkify", info="auto")
    label = Token("text", "", 0, content=state.md.normalizeLinkText(url), level=level + 1)
    link_close = Token("link_close", "a", -1, level=level, markup="linkify", info="auto")
    return [link_open, label, link_close]


def _split_text(state: StateCore, token: Token) -> list[Token]:
    """A text token as text and links: one token back when it holds no address."""
    pieces: list[Token] = []
    start = 0
    for match in _BARE_URL.finditer(token.content):
        url = _trim_url(match.group())
        links = _link_tokens(state, url, token.level) if _has_real_host(url) else None
        if links is None:
            continue
        if match.start() > start:
            pieces.append(
                Token("text", "", 0, content=token.content[start : match.start()], level=token.level)
            )
        pieces.extend(links)
        start = match.start() + len(url)
    if not pieces:
        return [token]
    if start < len(token.content):
        pieces.append(Token("text", "", 0, content=token.content[start:], level=token.level))
    return pieces


def _link_bare_urls(state: StateCore) -> None:
    """Core rule: bare addresses in plain text become links. Code spans and blocks are other token types,
    so they are never touched; text between a link's open and close tokens is already a link's label."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for child in block.children:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type == "text" and link_depth == 0:
                children.extend(_split_text(state, child))
            else:
                children.append(child)
        block.children = children


def _build_parser() -> MarkdownIt:
    parser = _CommentMarkdown("commonmark", {"html": False, "breaks": True, "linkify": False})
    parser.disable(_DISABLED_RULES)
    parser.core.ruler.push("bare_urls", _link_bare_urls)
    return parser


_PARSER = _build_parser()  # configured once, never changed: each parse makes its own state


def _parse(text: str) -> list[Token]:
    if len(text) > MAX_COMMENT_CHARS:
        raise ValueError(
            f"A comment may be at most {MAX_COMMENT_CHARS} characters long; this one has {len(text)}."
        )
    return _PARSER.parse(text)


def render_comment(text: str) -> str:
    """The comment as HTML that is safe to put in a page, whoever wrote it.

    Raises ValueError for text over MAX_COMMENT_CHARS; the caller checks the length first and says so kindly.
    """
    tokens = _parse(text)
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        url_relative="deny",
        link_rel=_LINK_REL,
        strip_comments=True,
    ).strip()


def count_links(text: str) -> int:
    """How many links a reader sees in the rendered comment: markdown links, autolinks and bare addresses."""
    return len(_ANCHOR_TAG.findall(render_comment(text)))


def _plain_lines(tokens: list[Token]) -> list[str]:
    """Each block's text on its own lines: quoted lines start with "> ", list items with "- " or "1. "."""
    lines: list[str] = []
    quote_depth = 0
    item_marker = ""
    list_kinds: list[str] = []
    for token in tokens:
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_kinds.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_kinds.pop()
        elif token.type == "list_item_open":
            ordered = list_kinds and list_kinds[-1] == "ordered_list_open"
            item_marker = f"{token.info}. " if ordered else "- "
        elif token.type in ("inline", "code_block", "fence"):
            body = _inline_text(token) if token.type == "inline" else token.content.rstrip("\n")
            prefix = "> " * quote_depth
            for index, line in enumerate(body.split("\n")):
                marker = item_marker if index == 0 else " " * len(item_marker)
                lines.append((prefix + marker + line).rstrip())
            item_marker = ""
        if (token.type == "paragraph_close" and not token.hidden) or token.type in _BLOCK_ENDS:
            lines.append("")
    return lines


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def plain_text(text: str) -> str:
    """The comment as a reader would read it aloud: the formatting marks gone, links as their labels, quotes
    and list items marked by their usual characters. Not HTML-escaped: the caller escapes for where it goes.

    Raises ValueError for text over MAX_COMMENT_CHARS, as render_comment does.
    """
    joined = "\n".join(_plain_lines(_parse(text)))
    return _BLANK_LINES.sub("\n\n", joined).strip()
