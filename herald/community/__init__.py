"""Readers and their community, the parts that need no database: passwords, two-factor codes, signed links,
names, mail, and comments' formatting and moderation rules.

- Passwords are hashed with argon2id; :func:`password_problem` says what is wrong with a new one.
  Sign-in for an unknown address verifies against :func:`dummy_hash`, so it takes as long as a wrong password
  and nobody can learn which addresses have accounts.
- Two-factor codes are standard TOTP (any authenticator app), each usable once, with a step of clock drift.
- Reset and confirmation links carry :class:`SignedTokens`: signed, expiring, bound to one purpose.
- Emails and display names are normalised once, on the way in.
- Comments are rendered once, when written, to a small allow-listed HTML subset; the operator's rule set
  decides which wait for a moderator.

Everything here is synchronous and some of it is slow on purpose (a hash ~0.1 s, an email seconds): callers
on an event loop run it in a worker thread.
"""

from herald.community.formatting import MAX_COMMENT_CHARS, count_links, plain_text, render_comment
from herald.community.identity import DISPLAY_NAME_RULE, clean_display_name, normalise_email
from herald.community.mail import MailSettings, send_mail
from herald.community.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from herald.community.rules import RULE_NAMES, CommentRules, Verdict, judge, parse_blocked_words
from herald.community.tokens import SignedTokens, new_secret_key
from herald.community.totp import accept_totp, new_totp_secret, qr_svg, totp_uri

__all__ = [
    "DISPLAY_NAME_RULE",
    "DUMMY_HASH",
    "MAX_COMMENT_CHARS",
    "RULE_NAMES",
    "CommentRules",
    "MailSettings",
    "SignedTokens",
    "Verdict",
    "accept_totp",
    "clean_display_name",
    "count_links",
    "dummy_hash",
    "hash_password",
    "judge",
    "needs_rehash",
    "new_secret_key",
    "new_totp_secret",
    "normalise_email",
    "parse_blocked_words",
    "password_problem",
    "plain_text",
    "qr_svg",
    "render_comment",
    "send_mail",
    "totp_uri",
    "verify_password",
]

DUMMY_HASH: str  # made on first use (hashing costs ~0.1 s, too much to pay at import)


def __getattr__(name: str) -> str:
    if name == "DUMMY_HASH":
        return dummy_hash()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
