"""The ANN index against numpy brute force; its file round-trips and anything it cannot trust is refused."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from herald.store.vector_index import VectorIndex

NDIM = 384
# Cosine error a stored vector may carry: int8 keeps ~2 decimal digits per component, float16 ~3.
TOLERANCE = {"i8": 0.02, "f16": 0.002}


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _random_vectors(n: int, seed: int) -> np.ndarray:
    return _unit(np.random.default_rng(seed).standard_normal((n, NDIM)))


def _clustered_vectors(n: int, seed: int) -> np.ndarray:
    """Random vectors that have neighbours, as news embeddings do: 40 topic centres, and each vector a
    centre plus noise (cosine ~0.5 within a topic, ~0 across). Uniform noise in 384-d has no near
    neighbours at all, so no index (nor quantisation) can rank it reliably."""
    centres = _random_vectors(40, seed=0)
    rng = np.random.default_rng(seed)
    return _unit(centres[rng.integers(0, 40, n)] + 0.056 * rng.standard_normal((n, NDIM)))


def _brute_force(data: np.ndarray, keys: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    similarities = data @ query
    return [int(keys[i]) for i in np.argsort(-similarities)[:k]]


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    return _clustered_vectors(2000, seed=1)


@pytest.fixture(scope="module")
def keys() -> np.ndarray:
    # Keys that are not row numbers, so a mix-up of the two shows.
    return np.arange(2000, dtype=np.int64) * 3 + 11


@pytest.fixture(scope="module", params=["i8", "f16"])
def built(request: pytest.FixtureRequest, data: np.ndarray, keys: np.ndarray) -> VectorIndex:
    index = VectorIndex(NDIM, quantization=request.param)
    index.add(keys, data)
    return index


def test_recall_at_10_against_brute_force(built: VectorIndex, data: np.ndarray, keys: np.ndarray) -> None:
    queries = _clustered_vectors(100, seed=2)
    hits = 0
    for query in queries:
        found = {key for key, _ in built.search(query, 10)}
        hits += len(found & set(_brute_force(data, keys, query, 10)))
    assert hits / (10 * len(queries)) >= 0.95


def test_search_many_matches_search(built: VectorIndex) -> None:
    queries = _clustered_vectors(5, seed=3)
    batched = built.search_many(queries, 10)
    assert len(batched) == 5
    for query, results in zip(queries, batched, strict=True):
        assert [key for key, _ in results] == [key for key, _ in built.search(query, 10)]


def test_a_stored_vector_finds_itself_with_similarity_one(
    built: VectorIndex, data: np.ndarray, keys: np.ndarray
) -> None:
    # The graph is approximate and built by several threads, so a rare vector is missed (about 0.2% here).
    results = built.search_many(data, 1)
    found = [row for row, ((key, _),) in enumerate(results) if key == keys[row]]
    assert len(found) >= 0.99 * len(data)
    for row in found:
        assert results[row][0][1] == pytest.approx(1.0, abs=TOLERANCE[built.quantization])


def test_similarities_are_cosines_best_first(built: VectorIndex, data: np.ndarray, keys: np.ndarray) -> None:
    query = _unit(data[5:6] + 0.5 * _random_vectors(1, seed=4))[0]
    results = built.search(query, 10)
    assert len(results) == 10
    row_of = {int(key): row for row, key in enumerate(keys)}
    tolerance = TOLERANCE[built.quantization]
    for key, similarity in results:
        assert similarity == pytest.approx(float(data[row_of[key]] @ query), abs=tolerance)
    similarities = [similarity for _, similarity in results]
    assert similarities == sorted(similarities, reverse=True)
    assert keys[5] in [key for key, _ in results]


def test_len_contains_and_watermark(built: VectorIndex, keys: np.ndarray) -> None:
    assert len(built) == 2000
    assert int(keys[10]) in built
    assert 12 not in built
    assert -1 not in built
    assert built.watermark == int(keys.max())
    assert built.memory_bytes > 2000 * NDIM * (1 if built.quantization == "i8" else 2)


def test_empty_index_answers_nothing() -> None:
    index = VectorIndex(NDIM)
    query = _random_vectors(1, seed=5)[0]
    assert index.search(query, 10) == []
    assert index.search_many(np.stack([query, query]), 10) == [[], []]
    assert len(index) == 0
    assert index.watermark == 0
    assert 1 not in index


def test_k_larger_than_the_index_returns_what_there_is() -> None:
    index = VectorIndex(NDIM)
    vectors = _random_vectors(3, seed=6)
    index.add([1, 2, 3], vectors)
    assert sorted(key for key, _ in index.search(vectors[0], 10)) == [1, 2, 3]
    assert index.search(vectors[0], 0) == []


def test_re_adding_a_key_replaces_its_vector() -> None:
    index = VectorIndex(NDIM, quantization="f16")
    old, new, other = _random_vectors(3, seed=7)
    index.add([7, 8], np.stack([old, other]))
    index.add([7], new[None, :])
    assert len(index) == 2
    assert index.search(new, 1)[0] == (7, pytest.approx(1.0, abs=0.002))
    similarity_to_old = dict(index.search(old, 2))[7]
    assert similarity_to_old == pytest.approx(float(new @ old), abs=0.002)


def test_the_last_vector_for_a_key_in_one_batch_wins() -> None:
    index = VectorIndex(NDIM, quantization="f16")
    first, second = _random_vectors(2, seed=8)
    index.add(np.array([4, 4]), np.stack([first, second]))
    assert len(index) == 1
    assert index.search(second, 1)[0][1] == pytest.approx(1.0, abs=0.002)


def test_remove_forgets_keys_but_not_the_watermark() -> None:
    index = VectorIndex(NDIM)
    vectors = _random_vectors(50, seed=9)
    index.add(np.arange(1, 51), vectors)
    index.remove([50, 3, 1000])
    assert len(index) == 48
    assert 50 not in index
    assert 3 not in index
    assert index.watermark == 50
    for results in index.search_many(vectors, 20):
        assert results
        assert not {3, 50} & {key for key, _ in results}
    index.add([3], vectors[2][None, :])
    assert 3 in index
    assert 3 in [key for key, _ in index.search(vectors[2], 10)]


def test_bad_input_is_refused() -> None:
    index = VectorIndex(NDIM)
    with pytest.raises(ValueError):
        index.add([1], np.zeros((1, 10), dtype=np.float32))
    with pytest.raises(ValueError):
        index.add([1, 2], _random_vectors(1, seed=10))
    with pytest.raises(ValueError):
        index.add([-1], _random_vectors(1, seed=10))
    with pytest.raises(ValueError):
        index.add([1], np.full((1, NDIM), np.nan, dtype=np.float32))
    with pytest.raises(ValueError):
        index.search(np.zeros(10, dtype=np.float32), 5)
    with pytest.raises(ValueError):
        VectorIndex(NDIM, quantization="f64")


def test_save_and_load_keep_results_settings_and_watermark(tmp_path: Path) -> None:
    index = VectorIndex(NDIM, quantization="i8", connectivity=8, expansion_add=64, expansion_search=40)
    vectors = _random_vectors(300, seed=11)
    index.add(np.arange(100, 400), vectors)
    index.remove([399])
    path = tmp_path / "vectors.usearch"
    index.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.usearch", "vectors.usearch.json"]

    loaded = VectorIndex.load(path, ndim=NDIM, quantization="i8")
    assert loaded is not None
    assert len(loaded) == 299
    assert loaded.watermark == 399
    assert 399 not in loaded
    assert 250 in loaded
    queries = _random_vectors(10, seed=12)
    assert loaded.search_many(queries, 10) == index.search_many(queries, 10)
    assert loaded._index.connectivity == 8
    assert (loaded._index.expansion_add, loaded._index.expansion_search) == (64, 40)

    extra = _random_vectors(1, seed=13)
    loaded.add([500], extra)
    assert loaded.watermark == 500
    assert 500 in [key for key, _ in loaded.search(extra[0], 10)]


def test_saving_again_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "vectors.usearch"
    index = VectorIndex(NDIM)
    index.add([1], _random_vectors(1, seed=14))
    index.save(path)
    index.add([2, 3], _random_vectors(2, seed=15))
    index.save(path)
    loaded = VectorIndex.load(path)
    assert loaded is not None
    assert len(loaded) == 3
    assert loaded.watermark == 3


def test_an_empty_index_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "vectors.usearch"
    VectorIndex(NDIM).save(path)
    loaded = VectorIndex.load(path)
    assert loaded is not None
    assert len(loaded) == 0
    assert loaded.watermark == 0


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "vectors.usearch"
    index = VectorIndex(NDIM, quantization="i8")
    index.add(np.arange(1, 21), _random_vectors(20, seed=16))
    index.save(path)
    return path


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def test_load_of_a_missing_file_is_none_and_quiet(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A first start has no index file: nothing to tell the operator about."""
    with caplog.at_level(logging.INFO, logger="herald.store.vector_index"):
        assert VectorIndex.load(tmp_path / "absent.usearch") is None
    assert caplog.text == ""
    with caplog.at_level(logging.DEBUG, logger="herald.store.vector_index"):
        assert VectorIndex.load(tmp_path / "absent.usearch") is None
    assert "rebuild" in caplog.text


def test_load_without_its_sidecar_is_none(saved: Path) -> None:
    _sidecar(saved).unlink()
    assert VectorIndex.load(saved) is None


@pytest.mark.parametrize(("ndim", "quantization"), [(256, "i8"), (NDIM, "f16")])
def test_load_built_for_other_vectors_is_none(saved: Path, ndim: int, quantization: str) -> None:
    assert VectorIndex.load(saved, ndim=ndim, quantization=quantization) is None


def test_load_of_a_garbage_index_file_is_none(saved: Path) -> None:
    garbage = np.random.default_rng(17).bytes(saved.stat().st_size)
    saved.write_bytes(garbage)  # same size, so only the file's own header can tell
    assert VectorIndex.load(saved) is None


def test_load_of_a_truncated_index_file_is_none(saved: Path) -> None:
    content = saved.read_bytes()
    saved.write_bytes(content[: len(content) // 2])
    assert VectorIndex.load(saved) is None


def test_load_with_a_garbage_sidecar_is_none(saved: Path) -> None:
    _sidecar(saved).write_bytes(b"\x00\xffnot json")
    assert VectorIndex.load(saved) is None


def test_load_with_a_sidecar_from_another_save_is_none(saved: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.usearch"
    index = VectorIndex(NDIM)
    index.add(np.arange(1, 6), _random_vectors(5, seed=18))
    index.save(other)
    _sidecar(other).replace(_sidecar(saved))
    assert VectorIndex.load(saved) is None


def test_load_with_a_sidecar_of_another_metric_is_none(saved: Path) -> None:
    settings = json.loads(_sidecar(saved).read_text())
    settings["metric"] = "l2sq"
    _sidecar(saved).write_text(json.dumps(settings))
    assert VectorIndex.load(saved) is None


def test_searches_while_another_thread_adds() -> None:
    index = VectorIndex(NDIM)
    vectors = _random_vectors(1200, seed=19)
    index.add(np.arange(1, 201), vectors[:200])
    failures: list[BaseException] = []

    def add_rest() -> None:
        try:
            for start in range(200, 1200, 100):
                index.add(np.arange(start + 1, start + 101), vectors[start : start + 100])
        except BaseException as exc:
            failures.append(exc)

    adder = threading.Thread(target=add_rest)
    adder.start()
    while adder.is_alive():
        for key, similarity in index.search(vectors[0], 10):
            assert 1 <= key <= 1200
            assert -1.05 <= similarity <= 1.05
    adder.join()
    assert failures == []
    assert len(index) == 1200
    assert all(key in index for key in range(1, 1201))
    assert 1101 in [key for key, _ in index.search(vectors[1100], 10)]
