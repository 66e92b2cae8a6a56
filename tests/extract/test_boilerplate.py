from __future__ import annotations

import pytest

from herald.extract import clean_paragraphs

STORY = (
    "SEOUL, South Korea (AP) — North Korea fired two short-range missiles into the sea on Thursday, "
    "the South's military said, its first launch in weeks."
)


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Sign up for our newsletter",
        "Sign up for The Morning Brief newsletter and get the news delivered to your inbox.",
        "Subscribe to continue reading",
        "Already a subscriber? Log in",
        "This article is for subscribers only.",
        "Advertisement",
        "Show comments",
        "Read more",
        "Read more: Markets fall as trade talks stall",
        "Share this article",
        "Follow us on Twitter",
        "Follow The Daily Planet on Facebook and Instagram.",
        "Click here to download the app.",
        "Copyright 2019 The Daily Planet. All rights reserved.",
        "© 2024 Example Media",
        "Related: Ten things to know about the election",
        "Photo: Jane Doe / Getty Images",
        "(Photo by John Smith/AFP)",
        "We use cookies to improve your experience on our site.",
        "Reporting by Jane Doe; Editing by John Smith",
        "Jane Doe contributed to this report.",
        "Email Jane Doe at jdoe@example.com or follow her on Twitter.",
        "Leia também: o que muda com a nova lei",
        "Lesen Sie auch: Die Bahn streikt wieder",
        "Updated at 1:23 p.m.",
    ],
)
def test_boilerplate_is_removed(boilerplate: str) -> None:
    assert clean_paragraphs([STORY, boilerplate]) == (STORY,)


@pytest.mark.parametrize(
    "sentence",
    [
        STORY,
        "Disney continued to sign up additional subscribers throughout the week, Mayer said.",
        "Readers who subscribe to the print edition will see the change next month.",
        "The museum's copyright claim was rejected by the court.",
        "Click.",
        "___",
        "Related stories have run in other papers for weeks, but none named the official.",
        "If you just want Disney+, you can sign up for a free 7-day trial.",
        "Editor's note: This story was updated to include details from the NASA telecon.",
        "BAAR, SWITZERLAND",
        "10 p.m.",
    ],
)
def test_article_text_is_kept(sentence: str) -> None:
    assert clean_paragraphs([sentence]) == (sentence,)


def test_a_long_paragraph_is_kept_whatever_it_mentions() -> None:
    long = (
        "Subscribe to our newsletter, the minister said, " + "and the reform passed after a long debate " * 8
    )
    assert clean_paragraphs([long]) == (long.strip(),)


def test_link_list_under_a_related_label_goes_with_it() -> None:
    paragraphs = [
        STORY,
        "Related stories:",
        "• Moon rush: private lunar landers",
        "• Where landers will land",
        "The end.",
    ]
    assert clean_paragraphs(paragraphs) == (STORY, "The end.")


def test_whitespace_is_normalised_and_empty_paragraphs_dropped() -> None:
    assert clean_paragraphs(["  A  line\nwith breaks ", "", "   "]) == ("A line with breaks",)
