"""Moderation rules: each rule on its own, their order, the exemption for moderators, whole-word matching."""

from __future__ import annotations

import dataclasses

import pytest

from herald.community.rules import RULE_NAMES, CommentRules, Verdict, judge, parse_blocked_words

_VISIBLE = Verdict("visible", "")


def _judge(
    rules: CommentRules,
    text: str = "A thoughtful comment.",
    *,
    links: int = 0,
    role: str = "reader",
    visible: int = 10,
) -> Verdict:
    return judge(rules, text=text, links=links, author_role=role, author_visible_comments=visible)


def test_defaults() -> None:
    rules = CommentRules()
    assert (rules.hold_first, rules.max_links, rules.blocked_words) == (1, 2, ())


def test_rule_names_are_the_settings_in_order() -> None:
    assert RULE_NAMES == ("hold_first", "max_links", "blocked_words")
    assert set(RULE_NAMES) == {field.name for field in dataclasses.fields(CommentRules)}


def test_rules_and_verdicts_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CommentRules().max_links = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Verdict("visible").status = "held"  # type: ignore[misc]


def test_an_ordinary_comment_is_visible() -> None:
    assert _judge(CommentRules()) == _VISIBLE


@pytest.mark.parametrize(
    ("hold_first", "visible", "expected"),
    [
        pytest.param(1, 0, Verdict("held", "First comment of a new account"), id="first of one"),
        pytest.param(1, 1, _VISIBLE, id="second of one"),
        pytest.param(
            3, 0, Verdict("held", "One of the first 3 comments of a new account"), id="first of three"
        ),
        pytest.param(
            3, 2, Verdict("held", "One of the first 3 comments of a new account"), id="third of three"
        ),
        pytest.param(3, 3, _VISIBLE, id="fourth of three"),
        pytest.param(0, 0, _VISIBLE, id="off"),
    ],
)
def test_hold_first(hold_first: int, visible: int, expected: Verdict) -> None:
    assert _judge(CommentRules(hold_first=hold_first), visible=visible) == expected


@pytest.mark.parametrize(
    ("max_links", "links", "expected"),
    [
        pytest.param(2, 0, _VISIBLE, id="none"),
        pytest.param(2, 2, _VISIBLE, id="at the limit"),
        pytest.param(2, 3, Verdict("held", "3 links (more than 2)"), id="one over"),
        pytest.param(2, 4, Verdict("held", "4 links (more than 2)"), id="two over"),
        pytest.param(0, 1, Verdict("held", "1 link (more than 0)"), id="no links allowed"),
    ],
)
def test_max_links(max_links: int, links: int, expected: Verdict) -> None:
    assert _judge(CommentRules(max_links=max_links), links=links) == expected


_BLOCKED = Verdict("held", "Contains a blocked word")


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        pytest.param(("casino",), "Visit our casino today", _BLOCKED, id="whole word"),
        pytest.param(("casino",), "CASINO!!!", _BLOCKED, id="any case, punctuation after"),
        pytest.param(("casino",), "(casino)", _BLOCKED, id="in brackets"),
        pytest.param(("casino",), "casinos are fun", _VISIBLE, id="longer word"),
        pytest.param(("casino",), "anticasino", _VISIBLE, id="inside a word"),
        pytest.param(("casino",), "casino2024", _VISIBLE, id="digits touching"),
        pytest.param(("ass",), "a classic class", _VISIBLE, id="scunthorpe"),
        pytest.param(("ass",), "what an ass.", _BLOCKED, id="short word alone"),
        pytest.param(("free money",), "get FREE\n money now", _BLOCKED, id="phrase across whitespace"),
        pytest.param(("free money",), "free moneybags", _VISIBLE, id="phrase then longer word"),
        pytest.param(("c++",), "I write c++ daily", _BLOCKED, id="punctuation in word"),
        pytest.param(("c++",), "abc++", _VISIBLE, id="punctuation word inside a word"),
        pytest.param(("straße",), "STRASSE ahead", _BLOCKED, id="case folded"),
        pytest.param(("casino",), "ｃａｓｉｎｏ", _BLOCKED, id="full width letters"),
        pytest.param(("casino",), "cas\u200bino", _BLOCKED, id="zero width space inside"),
        pytest.param(("Casino ",), "casino", _BLOCKED, id="unnormalised setting still matches"),
        pytest.param(("spam", "casino"), "no spam please", _BLOCKED, id="second word of several"),
        pytest.param(("",), "anything", _VISIBLE, id="empty word ignored"),
        pytest.param((), "casino", _VISIBLE, id="no words"),
    ],
)
def test_blocked_words(words: tuple[str, ...], text: str, expected: Verdict) -> None:
    assert _judge(CommentRules(blocked_words=words), text) == expected


def test_first_matching_rule_gives_the_reason() -> None:
    rules = CommentRules(hold_first=1, max_links=0, blocked_words=("casino",))
    assert _judge(rules, "casino", links=5, visible=0).reason == "First comment of a new account"
    assert _judge(rules, "casino", links=5, visible=1).reason == "5 links (more than 0)"
    assert _judge(rules, "casino", links=0, visible=1).reason == "Contains a blocked word"
    assert _judge(rules, "fine", links=0, visible=1) == _VISIBLE


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param("moderator", _VISIBLE, id="moderator"),
        pytest.param("admin", _VISIBLE, id="admin"),
        pytest.param("reader", Verdict("held", "First comment of a new account"), id="reader"),
        pytest.param("Moderator", Verdict("held", "First comment of a new account"), id="unknown role held"),
    ],
)
def test_moderators_are_never_held(role: str, expected: Verdict) -> None:
    rules = CommentRules(hold_first=1, max_links=0, blocked_words=("casino",))
    assert _judge(rules, "casino", links=9, role=role, visible=0) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("", (), id="empty"),
        pytest.param(" , ,, ", (), id="only commas"),
        pytest.param("spam", ("spam",), id="one"),
        pytest.param("Spam, CASINO ,viagra", ("spam", "casino", "viagra"), id="trimmed and lowered"),
        pytest.param("spam,Spam,SPAM", ("spam",), id="deduplicated"),
        pytest.param("casino, spam, casino", ("casino", "spam"), id="first order kept"),
        pytest.param(
            "free   money, \tget rich ", ("free money", "get rich"), id="inner whitespace collapsed"
        ),
        pytest.param("ＳＰＡＭ", ("spam",), id="full width folded"),
        pytest.param("Straße", ("strasse",), id="case folded"),
        pytest.param("spam\n,casino", ("spam", "casino"), id="newlines"),
    ],
)
def test_parse_blocked_words(value: str, expected: tuple[str, ...]) -> None:
    assert parse_blocked_words(value) == expected


def test_parsed_words_work_in_rules() -> None:
    rules = CommentRules(blocked_words=parse_blocked_words("Crypto Giveaway, casino"))
    assert _judge(rules, "Huge crypto giveaway!") == _BLOCKED
    assert _judge(rules, "crypto is volatile") == _VISIBLE
