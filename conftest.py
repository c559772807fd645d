"""Fixtures every test folder shares."""

import os
from pathlib import Path

import pytest

# The sample inputs live beside the checkout, in shared/data; they are read from
# there and never copied into the project.
SHARED_DATA = Path(
    os.environ.get(
        "PHONEGEN_SHARED_DATA",
        Path(__file__).resolve().parent.parent / "shared" / "data",
    )
)


def shared_data_path(name: str) -> Path:
    """The path of a sample input; skips (or, in CI, fails) the test without it."""
    path = SHARED_DATA / name
    if not path.is_file():
        message = (
            f"sample input {path} not found; set PHONEGEN_SHARED_DATA to the folder "
            "holding numbers-messy.csv, allutlzd-sample.txt and "
            "prefixes-original-format.json"
        )
        if os.environ.get("PHONEGEN_E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def shared_data():
    """``shared_data("numbers-messy.csv")`` gives that sample input's path."""
    return shared_data_path


@pytest.fixture
def json_sample() -> Path:
    return shared_data_path("prefixes-original-format.json")


@pytest.fixture
def nanpa_sample() -> Path:
    return shared_data_path("allutlzd-sample.txt")


@pytest.fixture
def messy_csv() -> Path:
    return shared_data_path("numbers-messy.csv")
