"""Time-based one-time codes (RFC 6238) for two-factor sign-in, and the QR code that sets up an app.

Codes are the common kind every authenticator app makes: SHA-1, 6 digits, 30-second steps. A code is
accepted for the current step or one step either side, because phones' clocks drift; the caller stores the
step it matched and passes it back as ``last_step``, so each code works once even within its window.
"""

from __future__ import annotations

import hmac
import io
import re
import time

import pyotp
import segno

STEP_SECONDS = 30
_DRIFT_STEPS = 1
_QR_TARGET_PIXELS = 200
_QR_TITLE = "Two-factor QR code"
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def new_totp_secret() -> str:
    """A fresh random secret: 32 base32 characters, 160 bits, as RFC 4226 recommends."""
    return pyotp.random_base32(length=32)


def totp_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code (or from a tap on a phone)."""
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=account, issuer_name=issuer)


def _clean_code(code: str) -> str | None:
    """The six digits the reader typed, without the spaces apps show in the middle; None if not six digits."""
    compact = "".join(code.split())
    return compact if _SIX_DIGITS.fullmatch(compact) else None


def accept_totp(secret: str, code: str, *, last_step: int, now: float | None = None) -> int | None:
    """The step the code belongs to when it is right and not used before, else None.

    Every candidate step is compared (in constant time) even after a match, so the time taken does not say
    which step matched. When one code happens to match two steps, the later one is returned, so storing it
    refuses the code in both. Raises ValueError only for a secret that is not base32 (a storage fault).
    """
    typed = _clean_code(code) if isinstance(code, str) else None
    if typed is None:
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    matched: int | None = None
    for step in range(max(0, current - _DRIFT_STEPS), current + _DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), typed) and step > last_step:
            matched = step
    return matched


def qr_svg(uri: str) -> str:
    """A standalone SVG document of the QR code, about 200 px square.

    Black modules on a white square whatever the page's theme: scanners need dark-on-light with a quiet zone,
    and a dark theme's colours around it do not matter. The title names the image for screen readers.
    """
    qr = segno.make_qr(uri)
    modules, _ = qr.symbol_size(scale=1)  # includes the 4-module quiet zone
    scale = max(1, round(_QR_TARGET_PIXELS / modules))
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        xmldecl=False,
        scale=scale,
        dark="black",
        light="white",
        title=_QR_TITLE,
        svgclass=None,
        lineclass=None,
        nl=False,
    )
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)
