"""The forms a NANP number is written in: stored, E.164, national."""


def stored(national: str) -> str:
    """``2125550123`` -> ``12125550123``, the 11 digits phonegen stores."""
    return "1" + national


def e164(number: str) -> str:
    """E.164 of a stored (11-digit) or national (10-digit) number: ``+12125550123``."""
    return "+" + (number if len(number) == 11 else "1" + number)


def national_format(number: str) -> str:
    """``(212) 555-0123`` for a stored or national number."""
    national = number[-10:]
    return f"({national[:3]}) {national[3:6]}-{national[6:]}"
