"""Stored numbers for tests of any app."""

from phonegen.numbers.models import PhoneNumber, Project


def make_number(project: Project, national: str, **fields) -> PhoneNumber:
    """A stored number, as a generation or import would leave it."""
    values = {
        "prefix": national[:6],
        "carrier": "CELLCO PARTNERSHIP DBA VERIZON WIRELESS - NY",
        "brand": "Verizon",
        "line_type": "mobile",
        "city": "New York",
        "state": "NY",
        "country": "US",
        "valid_number": True,
        "validation_status": "valid",
        "validation_source": "internal",
    }
    return PhoneNumber.objects.create(
        project=project, number="1" + national, **(values | fields)
    )
