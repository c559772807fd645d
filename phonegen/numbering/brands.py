"""Brand normalisation: the many legal names of a carrier to the name people use.

NANPA lists the company that holds a prefix under its legal name ("CELLCO
PARTNERSHIP DBA VERIZON WIRELESS - NY", "NEW CINGULAR WIRELESS PCS, LLC - GA").
Users filter by brand ("Verizon"), so each raw name is matched, in order, against
a short table of patterns; the first match names the brand.
"""

import re

_BRAND_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "Verizon",
        (
            r"\bCELLCO\b|\bVERIZON\b|\bMCI\b|\bMCIMETRO\b|\bXO\b"
            r"|BELL ATLANTIC|\bNYNEX\b"
        ),
    ),
    (
        "AT&T",
        (
            r"CINGULAR|\bAT&T\b|\bAT ?& ?T\b|\bSBC\b|\bBELLSOUTH\b|PACIFIC BELL"
            r"|SOUTHWESTERN BELL|ILLINOIS BELL|MICHIGAN BELL|OHIO BELL|INDIANA BELL"
            r"|WISCONSIN BELL|\bTELEPORT COMM|\bCRICKET\b"
        ),
    ),
    (
        "T-Mobile",
        (
            r"T-MOBILE|\bTMOBILE\b|OMNIPOINT|METROPCS|METRO PCS|\bSPRINT\b"
            r"|POWERTEL|VOICESTREAM|NEXTEL|AERIAL COMM"
        ),
    ),
    (
        "Lumen",
        (
            r"LEVEL 3|LEVEL3|CENTURYLINK|CENTURYTEL|\bQWEST\b|\bEMBARQ\b"
            r"|GLOBAL CROSSING|\bLUMEN\b|\bTW TELECOM\b"
        ),
    ),
    ("US Cellular", r"U\.?S\.? CELLULAR|UNITED STATES CELLULAR"),
    ("Comcast", r"COMCAST"),
    (
        "Charter",
        (
            r"CHARTER FIBERLINK|\bCHARTER\b|TIME WARNER CA?BLE?\b"
            r"|SPECTRUM MOBILE|BRIGHT HOUSE"
        ),
    ),
    ("Cox", r"\bCOX\b"),
    ("Frontier", r"FRONTIER|SOUTHERN NEW ENGLAND TEL"),
    ("Windstream", r"WINDSTREAM|\bPAETEC\b|MCLEODUSA|BROADVIEW NETWORKS"),
    ("Bandwidth", r"BANDWIDTH\.COM|\bBANDWIDTH\b"),
    ("Onvoy", r"\bONVOY\b|\bINTELIQUENT\b|NEUTRAL TANDEM"),
    ("Twilio", r"TWILIO"),
    ("Google Voice", r"GOOGLE"),
    ("Peerless", r"PEERLESS NETWORK"),
    ("Telnyx", r"TELNYX"),
    ("Altice", r"\bALTICE\b|\bCABLEVISION\b|LIGHTPATH|SUDDENLINK"),
    ("Consolidated", r"CONSOLIDATED COMM|\bFAIRPOINT\b"),
    ("Bell Canada", r"\bBELL CANADA\b|\bBELL MOBILITY\b|\bBELL ALIANT\b"),
    ("Rogers", r"\bROGERS\b|\bFIDO\b"),
    ("Telus", r"\bTELUS\b"),
)

_COMPILED = tuple((brand, re.compile(pattern)) for brand, pattern in _BRAND_PATTERNS)
# NANPA appends the state ("- NY", "LLC- TX") and cuts names at 30 characters,
# which leaves stubs such as "INC. - N", "LLC - " or a trailing comma.
_SUFFIX = re.compile(r"(?:\s+-\s*|-\s+)[A-Z]{0,2}\s*$")
_TRAILING = " ,;"
_SPACES = re.compile(r"\s+")


def brand_for_carrier(carrier: str | None) -> str:
    """The brand of a raw carrier name, or the tidied raw name when no pattern fits.

    >>> brand_for_carrier("CELLCO PARTNERSHIP DBA VERIZON WIRELESS - NY")
    'Verizon'
    >>> brand_for_carrier("YMAX COMMUNICATIONS CORP. - NJ")
    'YMAX COMMUNICATIONS CORP.'
    """
    if not carrier:
        return ""

    name = _SPACES.sub(" ", carrier.strip())
    upper = name.upper()
    for brand, pattern in _COMPILED:
        if pattern.search(upper):
            return brand

    return _SUFFIX.sub("", name).rstrip(_TRAILING)


def known_brands() -> list[str]:
    """Every brand the table can produce, in table order."""
    return [brand for brand, _ in _BRAND_PATTERNS]
