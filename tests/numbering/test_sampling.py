import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phonegen.numbering.sampling import allocate, draw_in_block, sample_batches


def _no_exclusions(_index: int) -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@given(
    available=st.lists(st.integers(0, 1000), min_size=1, max_size=40),
    fraction=st.floats(0, 1),
    batch_size=st.integers(1, 700),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=200, deadline=None)
def test_it_draws_exactly_the_quantity_sorted_and_distinct(
    available, fraction, batch_size, seed
):
    available = np.array(available, dtype=np.int64)
    quantity = int(available.sum() * fraction)
    bases = [2122000000 + i * 1000 for i in range(len(available))]
    # Make blocks with less than 1000 available exclude their first offsets.
    excluded = {i: np.arange(1000 - a, dtype=np.int64) for i, a in enumerate(available)}

    batches = list(
        sample_batches(
            bases,
            available,
            quantity,
            batch_size,
            np.random.default_rng(seed),
            lambda i: excluded[i],
        )
    )

    numbers = np.concatenate(batches) if batches else np.empty(0, dtype=np.int64)
    assert len(numbers) == quantity
    assert len(np.unique(numbers)) == quantity
    assert np.all(np.diff(numbers) > 0)
    assert all(len(b) == batch_size for b in batches[:-1])
    for number in numbers[:200]:
        index = (int(number) - bases[0]) // 1000
        offset = int(number) % 1000
        assert offset not in excluded[index]


def test_it_refuses_more_than_available():
    with pytest.raises(ValueError):
        allocate(np.array([3, 4]), 8, np.random.default_rng(0))


def test_draw_in_block_never_uses_an_excluded_offset():
    rng = np.random.default_rng(1)
    excluded = np.arange(100, 200)

    numbers = draw_in_block(2125550000, 900, excluded, rng)

    offsets = numbers - 2125550000
    assert len(numbers) == 900
    assert not np.isin(offsets, excluded).any()


def test_the_sample_is_uniform_over_blocks_of_different_sizes():
    """Chi-square check: each number is drawn with the same probability."""
    available = np.array([1000, 250, 500, 50])
    excluded = {i: np.arange(1000 - a, dtype=np.int64) for i, a in enumerate(available)}
    bases = [i * 1000 for i in range(4)]
    counts = np.zeros(4)
    rng = np.random.default_rng(42)
    trials = 400

    for _ in range(trials):
        for batch in sample_batches(bases, available, 180, 1000, rng, excluded.get):
            counts += np.bincount(batch // 1000, minlength=4)

    expected = available / available.sum() * 180 * trials
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 16.3  # p = 0.001 with 3 degrees of freedom


def test_offsets_within_a_block_are_uniform():
    rng = np.random.default_rng(3)
    counts = np.zeros(10)

    for _ in range(2000):
        counts += np.bincount(
            draw_in_block(0, 50, np.empty(0, dtype=np.int64), rng) // 100, minlength=10
        )

    expected = 50 * 2000 / 10
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 27.9  # p = 0.001 with 9 degrees of freedom
