import random

import phonenumbers
import pytest

from phonegen.numbering.blocks import (
    block_capacity,
    excluded_offsets,
    is_usable_block,
    resolve_blocks,
)


def test_longest_prefix_wins():
    owners = resolve_blocks(["917200", "9172003", "9172009", "9173001"])

    assert owners["9172003"] == "9172003"
    assert owners["9172009"] == "9172009"
    assert owners["9172000"] == "917200"
    assert owners["9172008"] == "917200"
    assert owners["9173001"] == "9173001"
    assert "9173002" not in owners
    assert len(owners) == 11


def test_it_reserves_the_fictional_numbers_of_nxx_555():
    assert list(excluded_offsets("2125550")) == list(range(100, 200))
    assert list(excluded_offsets("2125551")) == [212]
    assert len(excluded_offsets("2125552")) == 0
    assert len(excluded_offsets("2122000")) == 0
    assert block_capacity("2125550") == 900
    assert block_capacity("2125551") == 999
    assert block_capacity("2122000") == 1000


@pytest.mark.parametrize(
    ("block", "usable"),
    [
        ("2122001", True),
        ("2129110", False),  # N11 central office code
        ("2120551", False),  # NXX starting with 0
        ("8008111", True),  # toll-free: N11 is a normal NXX there
        ("9007771", True),
    ],
)
def test_it_tells_usable_blocks(block, usable):
    assert is_usable_block(block) is usable


def test_a_usable_block_is_valid_for_libphonenumber_throughout():
    """The first and last number of a block stand for all of it."""
    rng = random.Random(7)
    blocks = [
        f"{npa}{nxx}{x}"
        for npa in (201, 212, 305, 505, 800, 876, 917)
        for nxx in range(200, 1000, 37)
        for x in range(10)
    ]

    for block in blocks:
        usable = is_usable_block(block)
        for line in rng.sample(range(1000), 5):
            numobj = phonenumbers.parse(f"+1{block}{line:03d}")
            if usable:
                assert phonenumbers.is_valid_number(numobj), (block, line)
