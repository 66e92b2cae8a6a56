"""Near-duplicate fingerprints: one wire story reprinted by many outlets is one text with several publishers.

Outlets wrap the same agency copy in their own headline, dateline, newsletter prompts and copyright lines,
trim the last paragraphs or add an editor's note, so an exact fingerprint (:func:`content_fingerprint`) misses
the copies. A MinHash of word 5-gram shingles survives those edits, while two independently written articles
about one event share names and numbers but few five-word runs, so they stay apart.

Candidates are found by the database, not by an in-memory index: every signature yields
:data:`NEAR_DUP_BANDS` LSH band keys, stored in an indexed BIGINT column, so any process can ask "which
stored texts share a band with this one" with one indexed query and then confirm with :func:`is_copy`.
Everything stored (hash values, band keys, the byte format) depends on the constants below and on
datasketch's "affine32" scheme; changing any of them means recomputing every stored signature.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass

import numpy as np

__all__ = [
    "COPY_THRESHOLD",
    "NEAR_DUP_BANDS",
    "NEAR_DUP_PERMUTATIONS",
    "NearDupSignature",
    "band_keys",
    "copy_similarity",
    "is_copy",
    "near_dup_signature",
]

NEAR_DUP_PERMUTATIONS = 120
# 40 bands of 3 rows: two texts become candidates with probability 1 - (1 - J**3)**40, which is 0.995 at
# Jaccard 0.5 (a copy cut to its first half), 0.93 at 0.4, 0.28 at 0.2 and 0.04 at 0.1. 20 bands of 6 rows
# (threshold ~0.61) would find a first-half copy only 27% of the time, since its Jaccard is 0.5 however
# exact the copy. Extra candidates cost one signature comparison each; the hard negatives in the tests (an
# independent article sharing names, numbers and a quote) sit near Jaccard 0.02.
NEAR_DUP_BANDS = 40
_ROWS_PER_BAND = NEAR_DUP_PERMUTATIONS // NEAR_DUP_BANDS

# Similarity (see copy_similarity) at or above which two texts are copies: "about 60% of the shorter text's
# five-word runs also appear in the longer one". In tests/dedup/test_near.py the reprint variants (new
# boilerplate, headline or dateline, trimmed ending, edited sentence, editor's note, first half only) score
# 0.91-1.0 against the original and against each other; an outlet that does all of that at once scores 0.72
# and up. Independent articles on the same event, with the same names, numbers and quote, score 0.01; two
# items of one outlet sharing ~75 words of chrome 0.25; a local story that opens with two wire paragraphs and
# then reports its own angle 0.39, and 0.47 against a first-half copy. Over 300 other MinHash seeds the
# weakest copy pair never fell below 0.62 and that local story never rose above 0.59, so 0.6 is the gap.
# Erring high is deliberate: merging two articles hides one under "also published by"; missing a heavily
# rewrapped reprint only shows it twice.
COPY_THRESHOLD = 0.6

# Headline-only items and one-line teasers share a few phrases with everything on the same event; below
# this many words there is too little text to tell a reprint from a coincidence.
MIN_WORDS = 25
SHINGLE_WORDS = 5
# Containment is extrapolated from the Jaccard estimate, scaled by the length ratio: with a short text
# against a long one, two or three chance-matching hash values would already read as "contained". Below
# this many equal values out of 120 the estimate is noise, and only the Jaccard estimate counts.
_MIN_MATCHES_FOR_CONTAINMENT = 8

_MINHASH_SEED = 1
_MINHASH_SCHEME = "affine32"  # named explicitly: a future datasketch default must not change stored values
_FORMAT_VERSION = 1
_HEADER = struct.Struct("<BI")  # format version, shingle count
_VALUES_DTYPE = np.dtype("<u4")
_ENCODED_BYTES = _HEADER.size + NEAR_DUP_PERMUTATIONS * _VALUES_DTYPE.itemsize
_BAND_KEY_PERSON = b"herald-neardup"  # BLAKE2b personalisation: band keys never equal another digest's bytes

_APOSTROPHES = re.compile("['\u2019\u02bc]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, eq=False)
class NearDupSignature:
    """A text's MinHash (120 uint32 values) and how many distinct shingles it was built from.

    The shingle count is what lets :func:`copy_similarity` turn a Jaccard estimate into containment, so a
    copy that keeps only the first half of the story still counts.
    """

    hashvalues: np.ndarray
    shingle_count: int

    def __post_init__(self) -> None:
        values = np.asarray(self.hashvalues)
        if values.shape != (NEAR_DUP_PERMUTATIONS,) or values.dtype.kind not in "iu":
            raise ValueError(
                f"hashvalues must be {NEAR_DUP_PERMUTATIONS} integers, got {values.dtype}{values.shape}"
            )
        if values.min() < 0 or values.max() > np.iinfo(np.uint32).max:
            raise ValueError("hashvalues must fit in 32 unsigned bits")
        if isinstance(self.shingle_count, bool) or not isinstance(self.shingle_count, int):
            raise ValueError("shingle_count must be an int")
        if self.shingle_count < 1:
            raise ValueError("shingle_count must be positive: an empty text has no signature")
        frozen = values.astype(np.uint32, copy=True)
        frozen.setflags(write=False)  # a frozen dataclass whose array could change under it would lie
        object.__setattr__(self, "hashvalues", frozen)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NearDupSignature):
            return NotImplemented
        return self.shingle_count == other.shingle_count and bool(
            np.array_equal(self.hashvalues, other.hashvalues)
        )

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def to_bytes(self) -> bytes:
        """485 bytes: a format version, the shingle count, then the hash values, all little-endian."""
        header = _HEADER.pack(_FORMAT_VERSION, self.shingle_count)
        return header + self.hashvalues.astype(_VALUES_DTYPE).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> NearDupSignature:
        """Read :meth:`to_bytes` output; anything else raises ValueError rather than matching at random."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ValueError(f"a signature is bytes, got {type(data).__name__}")
        raw = bytes(data)
        if len(raw) != _ENCODED_BYTES:
            raise ValueError(f"a signature is {_ENCODED_BYTES} bytes, got {len(raw)}")
        version, shingle_count = _HEADER.unpack_from(raw)
        if version != _FORMAT_VERSION:
            raise ValueError(f"unknown signature format version {version}")
        values = np.frombuffer(raw, dtype=_VALUES_DTYPE, offset=_HEADER.size)
        return cls(hashvalues=values, shingle_count=shingle_count)


def _words(text: str) -> list[str]:
    """NFKC, case folding, apostrophes dropped ("bank's" = "banks"), every other non-word character a gap."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(_APOSTROPHES.sub("", folded))


def near_dup_signature(text: str) -> NearDupSignature | None:
    """The MinHash of the text's distinct word 5-grams, or None below :data:`MIN_WORDS` words."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    # Imported here: datasketch brings SciPy (half a second), which only the processes that fingerprint need.
    from datasketch import MinHash

    minhash = MinHash(num_perm=NEAR_DUP_PERMUTATIONS, seed=_MINHASH_SEED, scheme=_MINHASH_SCHEME)
    minhash.update_batch(shingle.encode("utf-8") for shingle in shingles)
    return NearDupSignature(hashvalues=minhash.hashvalues, shingle_count=len(shingles))


def band_keys(signature: NearDupSignature) -> list[int]:
    """One signed 64-bit key per LSH band (a PostgreSQL BIGINT), BLAKE2b of the band's number and rows.

    The band number is part of the hashed bytes, so equal rows in different bands give different keys and
    one index over all bands answers the lookup. BLAKE2b, not ``hash()``, keeps keys equal across processes.
    """
    values = signature.hashvalues.astype(_VALUES_DTYPE)
    keys = []
    for band in range(NEAR_DUP_BANDS):
        rows = values[band * _ROWS_PER_BAND : (band + 1) * _ROWS_PER_BAND]
        digest = hashlib.blake2b(
            band.to_bytes(2, "little") + rows.tobytes(), digest_size=8, person=_BAND_KEY_PERSON
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def copy_similarity(a: NearDupSignature, b: NearDupSignature) -> float:
    """The larger of estimated Jaccard and estimated containment of the shorter text in the longer one.

    Jaccard alone punishes a copy trimmed to half the story (0.5 at best); containment,
    |A∩B| / min(|A|, |B|) with |A∩B| = J(|A|+|B|)/(1+J), does not. Containment is only trusted when enough
    hash values agree (see _MIN_MATCHES_FOR_CONTAINMENT): it scales a small estimate by the length ratio.
    """
    matches = int(np.count_nonzero(a.hashvalues == b.hashvalues))
    jaccard = matches / NEAR_DUP_PERMUTATIONS
    if matches < _MIN_MATCHES_FOR_CONTAINMENT:
        return jaccard
    shared = jaccard * (a.shingle_count + b.shingle_count) / (1.0 + jaccard)
    containment = min(1.0, shared / min(a.shingle_count, b.shingle_count))
    return max(jaccard, containment)


def is_copy(a: NearDupSignature, b: NearDupSignature) -> bool:
    """Whether the two texts are one text reprinted, i.e. :func:`copy_similarity` reaches COPY_THRESHOLD."""
    return copy_similarity(a, b) >= COPY_THRESHOLD
