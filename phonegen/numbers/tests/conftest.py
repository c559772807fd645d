import pytest
from django.contrib.auth import get_user_model

from phonegen.numbering.brands import brand_for_carrier
from phonegen.numbers.models import Project
from phonegen.prefixes.models import PhonePrefix

VERIZON = "CELLCO PARTNERSHIP DBA VERIZON WIRELESS - NY"
ATT = "AT&T CORP."
LUMEN = "LEVEL 3 COMMUNICATIONS, LLC - NY"
TMOBILE = "OMNIPOINT COMMUNICATIONS, INC."

# A small area code whose capacity is easy to count by hand:
#   Verizon mobile   212200 less its block 5      9,000
#   T-Mobile mobile  212555 less 555-01XX, 1212   9,899
#   AT&T landline    2122005 (inside 212200)       1,000
#   Lumen landline   212201                       10,000
#   212911 is an N11 code: never used.
SMALL_NPA = [
    ("212200", VERIZON, "mobile"),
    ("2122005", ATT, "landline"),
    ("212201", LUMEN, "landline"),
    ("212555", TMOBILE, "mobile"),
    ("212911", VERIZON, "mobile"),
]


@pytest.fixture
def small_npa(db):
    for prefix, carrier, line_type in SMALL_NPA:
        PhonePrefix.objects.create(
            prefix=prefix,
            npa=prefix[:3],
            nxx=prefix[3:6],
            block=prefix[6:] or None,
            carrier=carrier,
            brand=brand_for_carrier(carrier),
            line_type=line_type,
            city="New York",
            state="NY",
            country="US",
            source="test",
        )


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_user("alice", password="pw-alice-1")


@pytest.fixture
def project(owner):
    return Project.objects.create(owner=owner, name="first")
