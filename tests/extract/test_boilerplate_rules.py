"""One test pair per structural or phrase-class rule: a made-up snippet the rule removes, and a real-looking
story sentence close to it that stays."""

from __future__ import annotations

import pytest
from lxml import etree

from herald.extract import clean_paragraphs
from herald.extract._chunks import sibling_chunks

LEAD = (
    "The city council voted on Tuesday to expand the bus network, adding four routes that will serve the "
    "eastern suburbs from next spring, officials said after a long and heated public meeting downtown."
)
LONG_NOTICE = (
    "This copy is for your personal, non-commercial use only. Distribution and use of this material are "
    "governed by our Subscriber Agreement and by copyright law. For non-personal use or to order multiple "
    "copies, please contact the reprints desk at the number below or visit our reprints page online today."
)
LONG_PROMO = (
    "If you enjoyed this article, we have a proposition for you: join our membership. Members get all of "
    "our content, including the magazine, no paywalls or content meters, an advertising-minimal experience, "
    "and unique access to our writers and editors through conference calls and social-media groups."
)


@pytest.mark.parametrize(
    "boilerplate",
    [
        "• Order Reprints",
        "• Print Article",
        "This article has been sent to",
        "An error has occurred, please try again later.",
        "Thank you",
        "We'd like to hear what you think about this or any of our articles. Here's our email: a@b.example.",
        LONG_NOTICE,
        LONG_PROMO,
        "Mayor defends budget cuts in heated debate [VIDEO]",
        "Storm batters the coast as thousands lose power [PICTURES]|",
        "By admin - 2018-09-16",
        "sexta-feira, 22 de outubro de 2010 às 20:13",
        "Tuesday, November 19, 2019 at 10:32 am",
    ],
)
def test_rule_removes_boilerplate(boilerplate: str) -> None:
    assert clean_paragraphs([LEAD, boilerplate]) == (LEAD,)


@pytest.mark.parametrize(
    "story",
    [
        "The mayor said she would print the report and thank every volunteer in person.",
        "Prosecutors said an error occurred in the lab, and the samples were tested again in March.",
        "Readers wrote in by the hundreds; the paper printed a selection of their letters on Sunday.",
        "The copy of the contract seen by reporters [PDF] runs to 40 pages.",
        "The trial opens on Monday, November 25, when the first of 12 witnesses will be called.",
        "02-751-1500",
        "If you enjoyed the old route, the new one adds three stops and runs every ten minutes at peak.",
    ],
)
def test_rule_keeps_story_text(story: str) -> None:
    assert clean_paragraphs([LEAD, story]) == (LEAD, story)


def test_press_release_issuer_description_is_dropped_at_the_end() -> None:
    issuer = (
        "Acme is a global solutions provider focused on healthcare software and mobile workflow tools. "
        "Acme is headquartered in Basel and employs around 1,300 people worldwide."
    )
    story = [LEAD, LEAD.replace("Tuesday", "Monday")]
    assert clean_paragraphs([*story, "About Acme", issuer]) == tuple(story)


def test_company_description_inside_the_story_stays() -> None:
    middle = "Acme is a small company that makes bicycle parts, and it was the first to sign the deal."
    assert clean_paragraphs([LEAD, middle, LEAD.replace("Tuesday", "Monday")])[1] == middle


def test_more_stories_header_takes_the_link_list() -> None:
    assert clean_paragraphs([LEAD, "More Great Planet Stories", "- How the bus got its routes"]) == (LEAD,)
    assert clean_paragraphs([LEAD, "More than 300 people came to the meeting."])[1].startswith("More than")


def test_chunks_skip_the_list_under_a_more_stories_heading() -> None:
    para = LEAD
    html = f"""<html><body><article><div class="body">
      <div class="chunk"><p>{para}</p></div>
      <div class="chunk"><p>Second part of the story, which continues after an advert in the page.</p>
        <div class="heading">More Great Planet Stories</div>
        <ul><li>The strange life of a <a href="/x">virtuoso coder</a></li></ul>
        <ul><li>First step of the plan</li><li>Second step of the plan</li></ul>
      </div></div></article></body></html>"""
    root = etree.fromstring(html, etree.HTMLParser())
    before, after = sibling_chunks(root, (para,))
    assert before == []
    assert "The strange life of a virtuoso coder" not in after
    assert "First step of the plan" in after


def test_headline_with_site_suffix_is_dropped_from_the_body() -> None:
    from herald.extract._page import _drop_title

    body = ("Council expands bus network", LEAD)
    assert _drop_title(body, "Council expands bus network - Planet.com") == (LEAD,)
    assert _drop_title(body, "Council expands bus network to the east - Planet.com") == body
