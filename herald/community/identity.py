"""Readers' email addresses and display names, cleaned up once at the door.

An email address is stored the way its owner signs in with it: normalised by email-validator and then
lower-cased entirely, so "Reader@Example.COM" and "reader@example.com" are one account. Display names are
shown beside comments, so they must not carry characters that hide or reorder text (bidirectional overrides,
zero-width characters) or that look like nothing at all.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path, less its angle brackets
MIN_DISPLAY_NAME_LENGTH = 2
MAX_DISPLAY_NAME_LENGTH = 40

DISPLAY_NAME_RULE = (
    f"Your display name must be {MIN_DISPLAY_NAME_LENGTH} to {MAX_DISPLAY_NAME_LENGTH} characters long, "
    "with at least one letter, digit or emoji, and no invisible or control characters."
)

# Cc: control characters; Cf: format characters (bidirectional overrides, zero-width joiners, soft hyphens);
# Cs: lone surrogates, which cannot be stored as UTF-8.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_LINE_BREAKS_AND_TABS = frozenset("\t\n\r")


def normalise_email(text: str) -> str | None:
    """The address as it is stored and compared, or None when it is not a valid address.

    No DNS lookup (that is slow and says little); the address proves itself when a link sent to it is used.
    """
    candidate = text.strip()
    if not candidate or len(candidate) > MAX_EMAIL_LENGTH:
        return None
    try:
        validated = validate_email(candidate, check_deliverability=False)
    except (EmailNotValidError, UnicodeError, ValueError):
        return None
    address = validated.normalized.lower()
    return address if len(address) <= MAX_EMAIL_LENGTH else None


def _is_visible_sign(char: str) -> bool:
    """A letter, a digit or a pictograph (emoji are "So"): what makes a name more than punctuation."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "So"


def clean_display_name(text: str) -> str | None:
    """The name as it will be shown (NFKC, whitespace collapsed), or None when it breaks the rule."""
    normalised = unicodedata.normalize("NFKC", text)
    for char in normalised:
        if unicodedata.category(char) in _REFUSED_CATEGORIES and char not in _LINE_BREAKS_AND_TABS:
            return None
    name = " ".join(normalised.split())
    if not MIN_DISPLAY_NAME_LENGTH <= len(name) <= MAX_DISPLAY_NAME_LENGTH:
        return None
    if not any(_is_visible_sign(char) for char in name):
        return None
    return name
