"""Article embeddings: deterministic, unit length, and closer for texts that say the same thing."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from herald.enrich import EMBEDDING_DIM, Embedder, load_embedder, passage_text
from herald.enrich.embedding import _cpu_flags_support_bf16
from herald.errors import ConfigError

QUAKE = "A strong earthquake struck central Italy overnight, killing at least twelve people."
QUAKE_PARAPHRASE = "At least 12 people died when a powerful quake hit the centre of Italy during the night."
FOOTBALL = "The club signed a new striker for a record transfer fee before the season starts."


@pytest.fixture(scope="module")
def embedder() -> Iterator[Embedder]:
    yield load_embedder(max_tokens=128)


def test_vectors_are_float32_unit_rows_of_the_model_dimension(embedder: Embedder) -> None:
    vectors = embedder.embed([QUAKE, FOOTBALL, "x"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, EMBEDDING_DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_same_text_gives_the_same_vector(embedder: Embedder) -> None:
    first = embedder.embed([QUAKE])
    again = embedder.embed([FOOTBALL, QUAKE])[1:]
    assert float(first[0] @ again[0]) > 0.999


def test_paraphrase_is_closer_than_an_unrelated_text(embedder: Embedder) -> None:
    quake, paraphrase, football = embedder.embed([QUAKE, QUAKE_PARAPHRASE, FOOTBALL])
    assert float(quake @ paraphrase) > float(quake @ football) + 0.3


def test_empty_input_gives_an_empty_matrix(embedder: Embedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, EMBEDDING_DIM)
    assert vectors.dtype == np.float32


def test_one_string_is_refused_rather_than_embedded_letter_by_letter(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed(QUAKE)


def test_auto_precision_follows_the_cpu(embedder: Embedder) -> None:
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        expected = "bf16" if _cpu_flags_support_bf16(cpuinfo.read()) else "fp32"
    assert embedder.precision == expected


def test_bf16_and_fp32_agree(embedder: Embedder) -> None:
    fp32 = Embedder(precision="fp32", max_tokens=128)
    assert fp32.precision == "fp32"
    texts = [QUAKE, QUAKE_PARAPHRASE, FOOTBALL]
    cosines = np.sum(fp32.embed(texts) * embedder.embed(texts), axis=1)
    assert cosines.min() > 0.99


@pytest.mark.parametrize(
    ("flags", "native"),
    [
        ("fpu sse2 avx2 avx512f avx512_bf16 amx_tile", True),
        ("fpu sse2 avx2 amx_bf16 amx_tile", True),
        ("fpu sse2 avx2 avx512f avx512_vnni", False),
        ("", False),
    ],
)
def test_bf16_is_native_only_with_its_cpu_flags(flags: str, native: bool) -> None:
    cpuinfo = f"processor\t: 0\nmodel name\t: Some CPU avx512_bf16 edition\nflags\t\t: {flags}\n"
    assert _cpu_flags_support_bf16(cpuinfo) is native


@pytest.mark.parametrize(
    "settings",
    [{"precision": "fp16"}, {"precision": "BF16"}, {"max_tokens": 0}, {"max_tokens": 1024}, {"threads": 0}],
)
def test_bad_settings_are_config_errors(settings: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        Embedder(**settings)  # type: ignore[arg-type]


def test_load_embedder_reuses_the_loaded_model(embedder: Embedder) -> None:
    assert load_embedder(max_tokens=128) is embedder
    with pytest.raises(ConfigError, match="precision"):
        load_embedder("half")


def test_passage_text_starts_with_the_headline_and_stops_near_the_limit() -> None:
    body = ["First  paragraph\nof the story.", "", "Second paragraph " + "word " * 400]
    text = passage_text("Headline here", body, max_chars=200)
    assert text.startswith("Headline here\nFirst paragraph of the story.\nSecond paragraph")
    assert 100 < len(text) <= 200
    assert not text.endswith(" ") and text.split()[-1] == "word"
    assert passage_text("Only a title", []) == "Only a title"
    assert passage_text("", []) == ""


def test_a_call_may_read_fewer_word_pieces_and_the_embedder_keeps_its_own(embedder: Embedder) -> None:
    short = "The ferry strike ended after overnight talks."
    long = short + " " + " ".join(f"Clause {i} adds detail about the talks and the crews." for i in range(40))
    full, clipped = embedder.embed([long]), embedder.embed([long], max_tokens=16)
    assert float(full[0] @ clipped[0]) < 0.99  # the tail was read by one and not the other
    assert np.allclose(embedder.embed([short], max_tokens=64), embedder.embed([short]), atol=1e-3)
    assert np.allclose(embedder.embed([long]), full, atol=1e-5)  # the next call reads its full length again
