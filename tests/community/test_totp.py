"""Two-factor codes: the right step, one step of drift, no replay, and a QR code a phone can read."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import pytest

from herald.community.totp import accept_totp, new_totp_secret, qr_svg, totp_uri

_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_NOW = 1_700_000_015.0  # 15 s into step 56,666,667
_STEP = int(_NOW // 30)


def _code_at(unix_time: float, secret: str = _SECRET) -> str:
    return pyotp.TOTP(secret).at(unix_time)


def test_new_secret_is_160_bits_of_base32_and_different_each_time() -> None:
    secrets = {new_totp_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert len(base64.b32decode(secret)) == 20


def test_uri_names_issuer_and_account() -> None:
    uri = totp_uri(_SECRET, "reader@example.com", "Herald News")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert unquote(parsed.path) == "/Herald News:reader@example.com"
    query = parse_qs(parsed.query)
    assert query["secret"] == [_SECRET] and query["issuer"] == ["Herald News"]
    from_uri = pyotp.parse_uri(uri)
    assert isinstance(from_uri, pyotp.TOTP)
    assert from_uri.at(_NOW) == _code_at(_NOW)


@pytest.mark.parametrize(
    ("code_time", "expected_step"),
    [
        pytest.param(_NOW, _STEP, id="current step"),
        pytest.param(_NOW - 30, _STEP - 1, id="previous step (slow phone)"),
        pytest.param(_NOW + 30, _STEP + 1, id="next step (fast phone)"),
        pytest.param(_NOW - 60, None, id="two steps old"),
        pytest.param(_NOW + 60, None, id="two steps ahead"),
        pytest.param(_NOW - 3600, None, id="an hour old"),
    ],
)
def test_drift_window(code_time: float, expected_step: int | None) -> None:
    assert accept_totp(_SECRET, _code_at(code_time), last_step=0, now=_NOW) == expected_step


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        pytest.param("{code}", True, id="plain"),
        pytest.param(" {code} ", True, id="surrounding spaces"),
        pytest.param("{head} {tail}", True, id="space in the middle"),
        pytest.param("{head}\t{tail}\n", True, id="tab and newline"),
        pytest.param("{code}0", False, id="seven digits"),
        pytest.param("{head}{tail_short}", False, id="five digits"),
        pytest.param("", False, id="empty"),
        pytest.param("abcdef", False, id="letters"),
        pytest.param("{head}-{tail}", False, id="dash"),
        pytest.param("{arabic}", False, id="arabic-indic digits"),
        pytest.param("{fullwidth}", False, id="full-width digits"),
        pytest.param("9" * 2000, False, id="very long"),
    ],
)
def test_code_formats(typed: str, accepted: bool) -> None:
    code = _code_at(_NOW)
    text = typed.format(
        code=code,
        head=code[:3],
        tail=code[3:],
        tail_short=code[3:5],
        arabic=code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
        fullwidth=code.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    )
    assert (accept_totp(_SECRET, text, last_step=0, now=_NOW) is not None) is accepted


def test_wrong_code_refused() -> None:
    right = _code_at(_NOW)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    window = {_code_at(_NOW + offset) for offset in (-30, 0, 30)}
    if wrong in window:  # one chance in a few hundred thousand; pick another
        wrong = f"{(int(right) + 2) % 1_000_000:06d}"
    assert accept_totp(_SECRET, wrong, last_step=0, now=_NOW) is None


def test_code_for_another_secret_refused() -> None:
    other = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    assert accept_totp(_SECRET, _code_at(_NOW, other), last_step=0, now=_NOW) is None


def test_replay_refused() -> None:
    code = _code_at(_NOW)
    used = accept_totp(_SECRET, code, last_step=0, now=_NOW)
    assert used == _STEP
    assert accept_totp(_SECRET, code, last_step=used, now=_NOW) is None
    assert accept_totp(_SECRET, code, last_step=used, now=_NOW + 29) is None  # still in its window


def test_code_older_than_the_last_used_one_refused() -> None:
    previous = _code_at(_NOW - 30)
    assert accept_totp(_SECRET, previous, last_step=_STEP, now=_NOW) is None


def test_next_code_accepted_after_one_is_used() -> None:
    assert accept_totp(_SECRET, _code_at(_NOW + 30), last_step=_STEP, now=_NOW + 30) == _STEP + 1


def test_without_now_uses_the_clock() -> None:
    secret = new_totp_secret()
    assert accept_totp(secret, pyotp.TOTP(secret).now(), last_step=0) is not None


def test_qr_svg_is_a_titled_black_on_white_document_about_200px() -> None:
    svg = qr_svg(totp_uri(_SECRET, "reader@example.com", "Herald News"))
    assert not svg.startswith("<?xml")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img"
    title = root.find(f"{ns}title")
    assert title is not None and title.text == "Two-factor QR code"
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    assert width == height and 180 <= width <= 230
    paint = re.findall(r'(?:fill|stroke)="([^"]+)"', svg)
    assert set(paint) == {"#fff", "#000"}
    assert "currentColor" not in svg


def test_qr_svg_stays_about_200px_for_a_long_uri() -> None:
    svg = qr_svg(totp_uri(_SECRET, "a.very.long.address." * 4 + "@example.com", "Herald News " * 5))
    width = int(ET.fromstring(svg).get("width", "0"))
    assert 150 <= width <= 260
