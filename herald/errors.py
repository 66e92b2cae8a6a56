"""Herald's exception tree.

Every error that reaches an operator carries a sentence a person can act on (``str(exc)``), because feed
health pages and command-line summaries show it as it is::

    HeraldError
    ├── ConfigError            a setting has a bad value
    ├── FetchError             the network did not give us a usable response
    │   ├── UnsafeURLError         scheme not http(s), or the host resolves to a private address
    │   ├── FetchTimeoutError      connect or read took longer than the timeout
    │   ├── TooManyRedirectsError  a redirect loop or a chain longer than the limit
    │   ├── ResponseTooLargeError  the body passed the size cap
    │   ├── HTTPStatusError        4xx / 5xx (``status`` tells which; 410 means gone for good)
    │   ├── RobotsDisallowedError  robots.txt forbids the page for our User-Agent
    │   └── UnsupportedContentError the body is not a feed / not HTML
    ├── ParseError             the bytes are not a feed we can read
    ├── ExtractError           no article text could be found in a page
    ├── StoreError             the database refused a write
    ├── AssistantError         an AI tool has no result to give (the message is for a reader)
    │   └── LanguageModelError     the language-model backend was down, slow or answered garbage
    └── AccountError           a sign-up, sign-in or account change was refused (the message is for a reader)
        ├── SignInThrottled        too many failed attempts for this address or account
        └── CodeRequired           the password was right; the account's two-factor code is needed too
"""

from __future__ import annotations


class HeraldError(Exception):
    """Base of every error Herald raises on purpose."""


class ConfigError(HeraldError):
    pass


class FetchError(HeraldError):
    pass


class UnsafeURLError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class ResponseTooLargeError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status

    @property
    def permanent(self) -> bool:
        """410 Gone and 404 Not Found are worth slowing down for; 5xx usually passes."""
        return self.status in (404, 410)


class RobotsDisallowedError(FetchError):
    pass


class UnsupportedContentError(FetchError):
    pass


class ParseError(HeraldError):
    pass


class ExtractError(HeraldError):
    pass


class StoreError(HeraldError):
    pass


class AssistantError(HeraldError):
    """An AI tool has no result to give (no language model set, or it failed); the message is for a reader."""


class LanguageModelError(AssistantError):
    """The language-model backend was down, slow, refused, or answered with something unusable."""


class AccountError(HeraldError):
    """A sign-up, sign-in or account change was refused; the message is for the reader and never says
    whether an email address has an account."""


class SignInThrottled(AccountError):
    pass


class CodeRequired(AccountError):
    pass
