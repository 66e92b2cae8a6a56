"""Plain-text email through the operator's SMTP server: reset links and address confirmations.

Blocking (smtplib): call it from a worker thread, never on the web server's event loop. Every failure of
the server or the network becomes one :class:`AccountError` whose message a reader can see; the details go
to the log for the operator, without the SMTP password.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from herald.errors import AccountError, ConfigError
from herald.translation import N_

logger = logging.getLogger(__name__)

_SEND_FAILED = N_("The email could not be sent; try again later.")


@dataclass(frozen=True)
class MailSettings:
    """Where and how to hand mail over. ``sender`` defaults to ``username`` when that is an address."""

    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    sender: str = ""
    starttls: bool = True
    timeout_seconds: float = 20.0

    def __repr__(self) -> str:
        # The dataclass default would print the password wherever settings are logged or shown in a trace.
        return (
            f"MailSettings(host={self.host!r}, port={self.port}, username={self.username!r}, "
            f"password={'***' if self.password else ''!r}, sender={self.sender!r}, "
            f"starttls={self.starttls}, timeout_seconds={self.timeout_seconds})"
        )


def _refuse_line_breaks(name: str, value: str) -> None:
    """A CR or LF in a header value would let whoever chose it add headers or recipients of their own."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"The {name} of an email must be one line.")


def _message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    sender = settings.sender or settings.username
    if "@" not in sender:
        raise ConfigError("Mail needs a sender address: set the sender, or a username that is an address.")
    _refuse_line_breaks("sender", sender)
    _refuse_line_breaks("recipient", to)
    _refuse_line_breaks("subject", subject)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_mail(settings: MailSettings, to: str, subject: str, body: str) -> None:
    """Send one plain-text email, or raise AccountError after logging why it could not go.

    STARTTLS is required when ``settings.starttls`` is set: a server that does not offer it is a failure,
    never a silent fall-back to plain text. The server's certificate is checked against the system's CAs.
    """
    message = _message(settings, to, subject, body)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            smtp.ehlo()
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        detail = str(exc).replace(settings.password, "***") if settings.password else str(exc)
        logger.warning(
            "Sending mail through %s:%d (user %r) to an address at %s failed: %s: %s",
            settings.host,
            settings.port,
            settings.username,
            to.rpartition("@")[2],
            type(exc).__name__,
            detail,
        )
        raise AccountError(_SEND_FAILED) from exc
