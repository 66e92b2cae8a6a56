"""Sending mail to a real SMTP server on a local socket: a small one, written here, that records sessions."""

from __future__ import annotations

import base64
import email
import email.policy
import logging
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

from herald.community import mail
from herald.community.mail import MailSettings, send_mail
from herald.errors import AccountError, ConfigError

_SEND_FAILED = "The email could not be sent; try again later."
_PASSWORD = "s3cret-smtp-pa55"
_LOGGER = "herald.community.mail"


@dataclass
class _Session:
    commands: list[str] = field(default_factory=list)
    credentials: str | None = None
    mail_from: str | None = None
    rcpt_to: list[str] = field(default_factory=list)
    data: bytes | None = None
    tls: bool = False

    def message(self) -> EmailMessage:
        assert self.data is not None
        parsed = email.message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, *, auth_ok: bool, smtputf8: bool, tls_context: ssl.SSLContext | None, greet: bool
    ) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.auth_ok = auth_ok
        self.smtputf8 = smtputf8
        self.tls_context = tls_context
        self.greet = greet
        self.sessions: list[_Session] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _SMTPHandler(socketserver.BaseRequestHandler):
    """Just enough of RFC 5321 (with AUTH PLAIN and STARTTLS) for smtplib to deliver a message."""

    server: _SMTPServer

    def handle(self) -> None:
        session = _Session()
        self.server.sessions.append(session)
        conn: socket.socket = self.request
        if not self.server.greet:
            conn.recv(1)  # say nothing until the client gives up
            return
        reader = conn.makefile("rb")

        def reply(text: str) -> None:
            conn.sendall(text.encode() + b"\r\n")

        reply("220 test.invalid ESMTP")
        while line := reader.readline():
            text = line.decode("utf-8").rstrip("\r\n")
            session.commands.append(text)
            verb = text.split(" ", 1)[0].upper()  # smtplib sends some verbs in lower case
            if verb == "EHLO":
                features = ["test.invalid", "AUTH PLAIN", "8BITMIME"]
                if self.server.smtputf8:
                    features.append("SMTPUTF8")
                if self.server.tls_context is not None and not session.tls:
                    features.append("STARTTLS")
                for feature in features[:-1]:
                    reply(f"250-{feature}")
                reply(f"250 {features[-1]}")
            elif verb == "STARTTLS" and self.server.tls_context is not None:
                reply("220 go ahead")
                reader.close()
                try:
                    conn = self.server.tls_context.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                reader = conn.makefile("rb")
                session.tls = True
            elif verb == "AUTH":
                session.credentials = base64.b64decode(text.split()[2]).decode()
                reply("235 ok" if self.server.auth_ok else "535 5.7.8 authentication failed")
            elif verb == "MAIL":
                session.mail_from = _address(text)
                reply("250 ok")
            elif verb == "RCPT":
                session.rcpt_to.append(_address(text))
                reply("250 ok")
            elif verb == "DATA":
                reply("354 end with .")
                lines: list[bytes] = []
                while (data_line := reader.readline()) not in (b".\r\n", b""):
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                session.data = b"".join(lines)
                reply("250 queued")
            elif verb == "QUIT":
                reply("221 bye")
                return
            elif verb in ("RSET", "NOOP"):
                reply("250 ok")
            else:
                reply("502 not implemented")


def _address(command: str) -> str:
    """The address between the angle brackets of a MAIL FROM or RCPT TO command."""
    return command.partition("<")[2].partition(">")[0]


_ServerFactory = Callable[..., _SMTPServer]


@pytest.fixture
def smtp_server() -> Iterator[_ServerFactory]:
    started: list[_SMTPServer] = []

    def start(
        *,
        auth_ok: bool = True,
        smtputf8: bool = False,
        tls_context: ssl.SSLContext | None = None,
        greet: bool = True,
    ) -> _SMTPServer:
        server = _SMTPServer(auth_ok=auth_ok, smtputf8=smtputf8, tls_context=tls_context, greet=greet)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def _settings(server: _SMTPServer, **changes: object) -> MailSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "sender": "Herald <news@herald.example>",
        "starttls": False,
        "timeout_seconds": 5.0,
    }
    values.update(changes)
    return MailSettings(**values)  # type: ignore[arg-type]


def test_plain_message_arrives_whole(smtp_server: _ServerFactory) -> None:
    server = smtp_server()
    body = "Hello,\n\n.a line starting with a dot\n..two dots\nCafé ☕ and a long line " + "x" * 200 + "\n"
    send_mail(_settings(server), "reader@example.com", "Reset your password", body)

    (session,) = server.sessions
    assert session.credentials is None  # no username: no login
    assert session.rcpt_to == ["reader@example.com"]
    assert session.mail_from == "news@herald.example"
    message = session.message()
    assert message["To"] == "reader@example.com"
    assert message["From"] == "Herald <news@herald.example>"
    assert message["Subject"] == "Reset your password"
    assert message["Date"] and message["Message-ID"].endswith("@herald.example>")
    assert message.get_content_type() == "text/plain"
    assert not message.is_multipart()
    assert message.get_content() == body


def test_login_when_a_username_is_set(smtp_server: _ServerFactory) -> None:
    server = smtp_server()
    settings = _settings(server, username="herald@herald.example", password=_PASSWORD, sender="")
    send_mail(settings, "reader@example.com", "Hi", "Body")
    (session,) = server.sessions
    assert session.credentials == f"\0herald@herald.example\0{_PASSWORD}"
    assert session.message()["From"] == "herald@herald.example"  # the username stands in for the sender


@pytest.mark.parametrize(
    ("smtputf8", "delivered"),
    [pytest.param(True, True, id="server speaks SMTPUTF8"), pytest.param(False, False, id="server does not")],
)
def test_unicode_recipient(smtp_server: _ServerFactory, smtputf8: bool, delivered: bool) -> None:
    server = smtp_server(smtputf8=smtputf8)
    if delivered:
        send_mail(_settings(server), "jöe@example.com", "Hi", "Body")
        assert server.sessions[0].rcpt_to == ["jöe@example.com"]
    else:
        with pytest.raises(AccountError, match=_SEND_FAILED):
            send_mail(_settings(server), "jöe@example.com", "Hi", "Body")
        assert server.sessions[0].data is None


def test_refused_login_is_an_account_error_and_the_log_keeps_the_password_out(
    smtp_server: _ServerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server = smtp_server(auth_ok=False)
    settings = _settings(server, username="herald@herald.example", password=_PASSWORD)
    with caplog.at_level(logging.WARNING, logger=_LOGGER), pytest.raises(AccountError) as caught:
        send_mail(settings, "reader@example.com", "Hi", "Body")
    assert str(caught.value) == _SEND_FAILED
    assert server.sessions[0].data is None
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert "SMTPAuthenticationError" in record.getMessage()
    assert _PASSWORD not in caplog.text
    assert _PASSWORD not in repr(settings)


def test_starttls_required_but_not_offered_sends_nothing(smtp_server: _ServerFactory) -> None:
    server = smtp_server()
    settings = _settings(server, starttls=True, username="u@x.example", password=_PASSWORD)
    with pytest.raises(AccountError, match=_SEND_FAILED):
        send_mail(settings, "reader@example.com", "Hi", "Body")
    (session,) = server.sessions
    assert session.credentials is None and session.data is None  # no fall-back to plain text


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def test_starttls_with_an_untrusted_certificate_sends_nothing(
    smtp_server: _ServerFactory, certificate: tuple[Path, Path]
) -> None:
    server = smtp_server(tls_context=_server_tls(certificate))
    settings = _settings(server, starttls=True, username="u@x.example", password=_PASSWORD)
    with pytest.raises(AccountError, match=_SEND_FAILED):
        send_mail(settings, "reader@example.com", "Hi", "Body")
    (session,) = server.sessions
    assert "STARTTLS" in session.commands
    assert session.credentials is None and session.data is None


def test_starttls_then_login_then_send(
    smtp_server: _ServerFactory, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, _ = certificate
    trusting_our_certificate = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(mail.ssl, "create_default_context", lambda: trusting_our_certificate)
    server = smtp_server(tls_context=_server_tls(certificate))
    settings = _settings(server, starttls=True, username="u@x.example", password=_PASSWORD)
    send_mail(settings, "reader@example.com", "Hi", "Body")
    (session,) = server.sessions
    assert session.tls
    verbs = [command.split(" ", 1)[0].upper() for command in session.commands]
    assert verbs.index("STARTTLS") < verbs.index("AUTH") < verbs.index("MAIL")
    assert session.credentials == f"\0u@x.example\0{_PASSWORD}"
    assert session.message().get_content() == "Body\n"


def test_nobody_listening_is_an_account_error(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = MailSettings(host="127.0.0.1", port=port, sender="news@herald.example", starttls=False)
    with caplog.at_level(logging.WARNING, logger=_LOGGER), pytest.raises(AccountError) as caught:
        send_mail(settings, "reader@example.com", "Hi", "Body")
    assert str(caught.value) == _SEND_FAILED
    assert "ConnectionRefusedError" in caplog.text


def test_silent_server_times_out(smtp_server: _ServerFactory) -> None:
    server = smtp_server(greet=False)
    with pytest.raises(AccountError, match=_SEND_FAILED):
        send_mail(_settings(server, timeout_seconds=0.3), "reader@example.com", "Hi", "Body")


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        pytest.param("reader@example.com\r\nBcc: victim@example.com", "Hi", id="CRLF in recipient"),
        pytest.param("reader@example.com\nBcc: victim@example.com", "Hi", id="LF in recipient"),
        pytest.param("reader@example.com", "Hi\r\nBcc: victim@example.com", id="CRLF in subject"),
        pytest.param("reader@example.com", "Hi\rX-Evil: 1", id="CR in subject"),
    ],
)
def test_header_injection_refused_before_connecting(
    smtp_server: _ServerFactory, to: str, subject: str
) -> None:
    server = smtp_server()
    with pytest.raises(ValueError, match="one line"):
        send_mail(_settings(server), to, subject, "Body")
    assert server.sessions == []


def test_no_sender_is_a_config_error(smtp_server: _ServerFactory) -> None:
    server = smtp_server()
    with pytest.raises(ConfigError):
        send_mail(_settings(server, sender="", username="plainuser"), "reader@example.com", "Hi", "Body")
    assert server.sessions == []


def test_repr_hides_the_password() -> None:
    settings = MailSettings(host="smtp.example.com", username="u", password=_PASSWORD)
    assert _PASSWORD not in repr(settings)
    assert "smtp.example.com" in repr(settings)
