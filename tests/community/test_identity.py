"""Email addresses as they are stored, and display names a reader can trust to mean what they show."""

from __future__ import annotations

import pytest

from herald.community.identity import DISPLAY_NAME_RULE, clean_display_name, normalise_email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("reader@example.com", "reader@example.com", id="plain"),
        pytest.param("Reader@Example.COM", "reader@example.com", id="uppercase everywhere"),
        pytest.param("  reader@example.com \n", "reader@example.com", id="surrounding whitespace"),
        pytest.param("first.last+news@example.co.uk", "first.last+news@example.co.uk", id="plus and dots"),
        pytest.param("Jöe@Example.com", "jöe@example.com", id="unicode local part"),
        pytest.param("ÉLODIE@exemple.fr", "élodie@exemple.fr", id="unicode uppercase"),
        pytest.param("reader@MÜNCHEN.de", "reader@münchen.de", id="unicode domain"),
        pytest.param("reader@xn--mnchen-3ya.de", "reader@münchen.de", id="punycode domain"),
        pytest.param("re ader@example.com", None, id="space inside"),
        pytest.param("reader.example.com", None, id="missing @"),
        pytest.param("reader@", None, id="missing domain"),
        pytest.param("@example.com", None, id="missing local part"),
        pytest.param("reader@@example.com", None, id="two @"),
        pytest.param("reader@localhost", None, id="no dot in domain"),
        pytest.param("reader@example", None, id="single label"),
        pytest.param("Reader <reader@example.com>", None, id="display name form"),
        pytest.param('"odd local"@example.com', None, id="quoted local part"),
        pytest.param("reader@[127.0.0.1]", None, id="domain literal"),
        pytest.param("reader@example.com\r\nBcc: x@evil.test", None, id="header injection"),
        pytest.param("", None, id="empty"),
        pytest.param("   ", None, id="blank"),
        pytest.param("a" * 64 + "@" + ".".join(["d" * 63] * 3) + ".com", None, id="too long"),
        # email-validator checks the whole address's length, not RFC 5321's 64 for the local part
        pytest.param("a" * 65 + "@example.com", "a" * 65 + "@example.com", id="local part over 64"),
        pytest.param("x" * 100_000 + "@example.com", None, id="huge"),
    ],
)
def test_normalise_email(text: str, expected: str | None) -> None:
    assert normalise_email(text) == expected


def test_longest_valid_address_passes_and_one_more_fails() -> None:
    domain = ".".join(["d" * 61] * 3) + ".com"  # 187 characters
    local = "a" * (254 - 1 - len(domain))
    assert len(local) <= 64
    address = f"{local}@{domain}"
    assert len(address) == 254
    assert normalise_email(address) == address
    assert normalise_email("a" + address) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Ada Lovelace", "Ada Lovelace", id="plain"),
        pytest.param("  Ada \t  Lovelace\n", "Ada Lovelace", id="whitespace collapsed"),
        pytest.param("Ada\u3000Lovelace", "Ada Lovelace", id="ideographic space"),
        pytest.param("Ａｄａ", "Ada", id="full width folded by NFKC"),
        pytest.param("ﬁona", "fiona", id="ligature folded"),
        pytest.param("Zoë", "Zoë", id="accent"),
        pytest.param("Zoe\u0308", "Zoë", id="decomposed accent composed"),
        pytest.param("李明", "李明", id="two CJK characters"),
        pytest.param("محمد", "محمد", id="arabic"),
        pytest.param("Ada 🦊", "Ada 🦊", id="emoji allowed"),
        pytest.param("🦊🦊", "🦊🦊", id="emoji only allowed"),
        pytest.param("R2-D2", "R2-D2", id="digits and punctuation"),
        pytest.param("42", "42", id="digits only"),
        pytest.param("O'Brien-Smith, Jr.", "O'Brien-Smith, Jr.", id="punctuation inside"),
        pytest.param("A", None, id="one character"),
        pytest.param(" A ", None, id="one character after strip"),
        pytest.param("", None, id="empty"),
        pytest.param("x" * 40, "x" * 40, id="40 characters"),
        pytest.param("x" * 41, None, id="41 characters"),
        pytest.param("x" * 19 + "     " + "y" * 20, "x" * 19 + " " + "y" * 20, id="44 typed, 40 collapsed"),
        pytest.param("...", None, id="only punctuation"),
        pytest.param("- - -", None, id="punctuation and spaces"),
        pytest.param("¿¡!?", None, id="inverted punctuation"),
        pytest.param("+++", None, id="math symbols"),
        pytest.param("$$$", None, id="currency symbols"),
        pytest.param("Ada\u202eecalevoL", None, id="right-to-left override"),
        pytest.param("\u202dAda", None, id="left-to-right override"),
        pytest.param("Ada\u2067x\u2069", None, id="bidi isolate"),
        pytest.param("A\u200dda", None, id="zero-width joiner"),
        pytest.param("A\u200bda", None, id="zero-width space"),
        pytest.param("Ada\ufeff", None, id="byte order mark"),
        pytest.param("Ada\u00ad", None, id="soft hyphen"),
        pytest.param("Ada\x00", None, id="NUL"),
        pytest.param("Ada\x1b[31m", None, id="escape sequence"),
        pytest.param("Ada\x7f", None, id="DEL"),
        pytest.param("Ada\ud800", None, id="lone surrogate"),
        pytest.param("\u0301\u0301", None, id="combining marks only"),
    ],
)
def test_clean_display_name(text: str, expected: str | None) -> None:
    assert clean_display_name(text) == expected


def test_rule_is_a_sentence_naming_the_limits() -> None:
    assert DISPLAY_NAME_RULE.endswith(".")
    assert "2" in DISPLAY_NAME_RULE and "40" in DISPLAY_NAME_RULE
