"""Which new comments wait for a moderator before anyone else sees them.

A handful of plain rules an admin can read and change, checked in a fixed order; the first that matches holds
the comment and gives the moderator a sentence saying why. Moderators and admins are never held: they are the
people who would have to release their own comments.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_VISIBLE = "visible"
_HELD = "held"
_EXEMPT_ROLES = frozenset({"moderator", "admin"})

# The settings' names, in the order judge() checks them.
RULE_NAMES = ("hold_first", "max_links", "blocked_words")


@dataclass(frozen=True)
class CommentRules:
    """hold_first: the first N comments of an account wait for a moderator (0 turns it off).
    max_links: a comment with more links than this waits. blocked_words: a comment containing one of these
    as a whole word, in any case, waits (normalised by parse_blocked_words)."""

    hold_first: int = 1
    max_links: int = 2
    blocked_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """status is "visible" or "held"; reason is empty when visible, else the sentence a moderator reads."""

    status: str
    reason: str = ""


def _normalise_word(word: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", word).casefold().split())


def parse_blocked_words(value: str) -> tuple[str, ...]:
    """The setting "Spam, casino ,, CASINO" as ("spam", "casino"): trimmed, case-folded, deduplicated,
    in the order typed."""
    words = (_normalise_word(part) for part in value.split(","))
    return tuple(dict.fromkeys(word for word in words if word))


def _contains_word(text: str, word: str) -> bool:
    """True when word appears with no letter or digit touching either end: "ass" is not in "class"."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(part) for part in word.split()) + r"(?!\w)"
    return re.search(pattern, text) is not None


def _has_blocked_word(text: str, blocked_words: tuple[str, ...]) -> bool:
    """NFKC folds look-alikes (full-width letters, ligatures); invisible format characters are dropped so a
    zero-width space cannot split a word in two."""
    visible = "".join(char for char in text if unicodedata.category(char) != "Cf")
    folded = unicodedata.normalize("NFKC", visible).casefold()
    return any(_contains_word(folded, word) for word in map(_normalise_word, blocked_words) if word)


def judge(
    rules: CommentRules, *, text: str, links: int, author_role: str, author_visible_comments: int
) -> Verdict:
    """Whether a new comment is shown at once or held, and why.

    ``links`` is what count_links() found in it; ``author_visible_comments`` counts the author's comments
    readers can already see, so a comment a moderator released counts towards an account's first N.
    """
    if author_role in _EXEMPT_ROLES:
        return Verdict(_VISIBLE)
    if author_visible_comments < rules.hold_first:
        if rules.hold_first == 1:
            return Verdict(_HELD, "First comment of a new account")
        return Verdict(_HELD, f"One of the first {rules.hold_first} comments of a new account")
    if links > rules.max_links:
        noun = "link" if links == 1 else "links"
        return Verdict(_HELD, f"{links} {noun} (more than {rules.max_links})")
    if _has_blocked_word(text, rules.blocked_words):
        return Verdict(_HELD, "Contains a blocked word")
    return Verdict(_VISIBLE)
