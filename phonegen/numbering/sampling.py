"""Uniform sampling without replacement over thousands blocks, in bounded memory.

To draw ``k`` numbers from blocks holding ``a_1 .. a_n`` available numbers, first
split ``k`` among the blocks with one multivariate hypergeometric draw (exactly
the counts a uniform sample of ``k`` out of ``sum(a)`` would put in each block),
then draw each block's share uniformly inside it. The result comes out in block
order, so it is sorted, and only one batch is held at a time.
"""

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from .blocks import BLOCK_SIZE

ExclusionLookup = Callable[[int], np.ndarray]


def allocate(
    available: np.ndarray, quantity: int, rng: np.random.Generator
) -> np.ndarray:
    """How many of ``quantity`` numbers each block gets, uniformly at random."""
    total = int(available.sum())
    if quantity > total:
        raise ValueError(f"cannot draw {quantity} numbers from {total}")
    if quantity == 0 or len(available) == 0:
        return np.zeros(len(available), dtype=np.int64)

    return rng.multivariate_hypergeometric(
        available.astype(np.int64), quantity, method="marginals"
    )


def draw_in_block(
    base: int, count: int, excluded: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """``count`` distinct numbers of the block starting at ``base``, sorted,
    none of them at an ``excluded`` offset.

    When fewer than ``count`` offsets remain (another writer took some since the
    shares were allocated), all that remain are returned: the caller draws the
    shortfall again.
    """
    if len(excluded) == 0:
        offsets = rng.choice(BLOCK_SIZE, size=count, replace=False)
    else:
        pool = np.setdiff1d(np.arange(BLOCK_SIZE, dtype=np.int64), excluded)
        offsets = rng.choice(pool, size=min(count, len(pool)), replace=False)

    offsets.sort()
    return base + offsets


def sample_batches(
    bases: Sequence[int],
    available: np.ndarray,
    quantity: int,
    batch_size: int,
    rng: np.random.Generator,
    excluded_for: ExclusionLookup,
) -> Iterator[np.ndarray]:
    """Yield sorted batches of national numbers (int64), ``quantity`` in all.

    ``bases[i]`` is block ``i``'s first national number, ``available[i]`` how
    many of its numbers may still be drawn, and ``excluded_for(i)`` the offsets
    of the block that may not (reserved or already taken); it is only called for
    blocks that get a share.
    """
    shares = allocate(available, quantity, rng)
    pending: list[np.ndarray] = []
    pending_size = 0

    for index in np.flatnonzero(shares):
        numbers = draw_in_block(
            int(bases[index]), int(shares[index]), excluded_for(int(index)), rng
        )
        pending.append(numbers)
        pending_size += len(numbers)

        while pending_size >= batch_size:
            joined = np.concatenate(pending)
            yield joined[:batch_size]
            rest = joined[batch_size:]
            pending, pending_size = ([rest] if len(rest) else []), len(rest)

    if pending_size:
        yield np.concatenate(pending)
