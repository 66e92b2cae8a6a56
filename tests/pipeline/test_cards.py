"""Link-preview cards: always a 1200x630 PNG, whatever the headline's length or script, with or without the
machine's fonts; drawn once per content and kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from herald.pipeline import cards
from herald.pipeline.cards import CARD_HEIGHT, CARD_WIDTH, Card, Cards, Faces, plain, right_to_left, wrap


def card(headline: str, **changes: str) -> Card:
    fields = {
        "headline": headline,
        "credit": "The Harbour Courier",
        "date": "4 March 2026",
        "site_name": "Herald",
        "kicker": "World",
    }
    fields.update(changes)
    return Card(**fields)


def size_of(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


def installed(name: str) -> bool:
    try:
        ImageFont.truetype(name, 12)
    except OSError:
        return False
    return True


HEADLINES = {
    "latin": "Ferry crews agree to end week-long strike after overnight talks",
    "long": " ".join(["Extraordinarily"] * 80) + " " + "Supercalifragilistic" * 20,
    "one long word": "x" * 400,
    "arabic": "وافق طاقم العبارات على إنهاء الإضراب بعد محادثات ليلية",
    "hebrew": "צוותי המעבורות הסכימו לסיים את השביתה",
    "chinese": "渡轮船员在通宵谈判后同意结束为期一周的罢工" * 4,
    "japanese": "フェリーの乗組員が一晩の交渉の後、ストライキを終えることに合意した",
    "korean": "페리 승무원들이 밤샘 협상 끝에 파업을 끝내기로 합의했다",
    "devanagari": "रातभर की बातचीत के बाद फेरी कर्मचारी हड़ताल खत्म करने पर सहमत",
    "mixed and emoji": "Ferry 渡轮 عبارة 🚢 — ends\u200d\u0301 strike",
    "controls": "Line\nbreak\x00 and\ttab\x1b[31m and\u2028separator",
    "empty": "",
    "spaces": "     ",
}


@pytest.mark.parametrize("headline", HEADLINES.values(), ids=HEADLINES.keys())
def test_any_headline_draws_a_card_of_the_right_size(headline: str) -> None:
    assert size_of(Cards().png(card(headline))) == (CARD_WIDTH, CARD_HEIGHT) == (1200, 630)


@pytest.mark.parametrize("headline", [HEADLINES["latin"], HEADLINES["arabic"], HEADLINES["chinese"]])
def test_without_any_installed_font_the_built_in_one_draws(headline: str) -> None:
    missing = ("NoSuchFont-Bold.ttf",)
    drawn = Cards(faces=Faces(headline=missing, strong=missing, text=())).png(
        card(headline, site_name="Hérald")
    )
    assert size_of(drawn) == (1200, 630)


def test_a_card_is_drawn_once_and_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    real = Cards.draw

    def counting(self: Cards, shown: Card) -> bytes:
        drawn.append(shown.headline)
        return real(self, shown)

    monkeypatch.setattr(Cards, "draw", counting)
    kept = Cards(cached=2)
    first = kept.png(card("One"))
    assert kept.ready(card("One")) is first and kept.png(card("One")) is first
    assert drawn == ["One"]
    kept.png(card("Two"))
    kept.png(card("One"))  # used last: "Two" is now the oldest
    kept.png(card("Three"))
    assert kept.ready(card("Two")) is None and kept.ready(card("One")) is first
    assert drawn == ["One", "Two", "Three"]


def test_the_digest_names_everything_drawn() -> None:
    base = card("Headline")
    variants = [
        card("Headline!"),
        card("Headline", credit="Other"),
        card("Headline", date="5 March 2026"),
        card("Headline", site_name="Other site"),
        card("Headline", kicker="Science"),
        Card("Headline", "The Harbour Courier", "4 March 2026", "Herald"),
    ]
    assert len({base.digest, *(v.digest for v in variants)}) == len(variants) + 1
    assert card("Headline").digest == base.digest


def test_a_new_design_version_draws_new_cards(monkeypatch: pytest.MonkeyPatch) -> None:
    before = card("Headline").digest
    monkeypatch.setattr(cards, "DESIGN_VERSION", "next")
    assert card("Headline").digest != before


def test_wrapped_lines_fit_and_break_words_only_when_they_must() -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = ImageFont.load_default(size=40)
    lines = wrap(draw, "the quick brown fox jumps over the lazy dog " * 5, font, 500)
    assert len(lines) > 1 and all(draw.textlength(line, font=font) <= 500 for line in lines)
    assert " ".join(lines).split() == ("the quick brown fox jumps over the lazy dog " * 5).split()
    long_word = wrap(draw, "a" * 200, font, 300)
    assert len(long_word) > 1 and "".join(long_word) == "a" * 200
    assert all(draw.textlength(line, font=font) <= 300 for line in long_word)


def test_text_is_cleaned_and_direction_told() -> None:
    assert plain(" Line\nbreak\x00 and\t\ttab\u2028end ") == "Line break and tab end"
    assert right_to_left(HEADLINES["arabic"]) and right_to_left("  «" + HEADLINES["hebrew"])
    assert not right_to_left(HEADLINES["latin"]) and not right_to_left("2026 " + HEADLINES["latin"])
    assert not right_to_left(HEADLINES["chinese"]) and not right_to_left("")


@pytest.mark.skipif(
    not (installed("DejaVuSerif-Bold.ttf") and installed("DejaVuSans-Bold.ttf")),
    reason="needs Debian's fonts-dejavu-core",
)
def test_a_headline_gets_a_face_that_has_its_letters() -> None:
    fonts = cards._Fonts()
    assert fonts.face_for(HEADLINES["latin"], cards.SERIF_BOLD) == "DejaVuSerif-Bold.ttf"
    # DejaVu Serif has no Arabic or Hebrew; DejaVu Sans has both
    assert fonts.face_for(HEADLINES["arabic"], cards.SERIF_BOLD) == "DejaVuSans-Bold.ttf"
    assert fonts.face_for(HEADLINES["hebrew"], cards.SERIF_BOLD) == "DejaVuSans-Bold.ttf"
    assert fonts.face_for("abc", ("NoSuchFont.ttf",)) is None
