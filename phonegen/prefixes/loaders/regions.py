"""States, provinces and countries of the NANP, as sources write them.

Sources name a state by its postal code ("NY") or its name ("New York",
"Washington State"); phonegen stores the 2-letter code and the ISO country.
US territories have their own ISO codes (PR, VI, GU, AS, MP), equal to their
postal codes.
"""

import functools

import phonenumbers
from phonenumbers import PhoneNumber
from phonenumbers.geodata import GEOCODE_DATA

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

US_TERRITORIES = {
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands", "GU": "Guam",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip

CA_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba",
    "NB": "New Brunswick", "NL": "Newfoundland and Labrador", "NS": "Nova Scotia",
    "NT": "Northwest Territories", "NU": "Nunavut", "ON": "Ontario",
    "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan",
    "YT": "Yukon",
}  # fmt: skip

# Other spellings seen in libphonenumber's geocoding data and in users' files.
_ALIASES = {
    "washington state": "WA",
    "washington d.c.": "DC",
    "washington dc": "DC",
    "british colombia": "BC",
    "québec": "QC",
    "newfoundland": "NL",
    "yukon territory": "YT",
    "virgin islands": "VI",
    "us virgin islands": "VI",
    "northern marianas": "MP",
}

_BY_NAME = {
    name.lower(): code
    for table in (US_STATES, US_TERRITORIES, CA_PROVINCES)
    for code, name in table.items()
} | _ALIASES


def state_code(raw: str) -> str | None:
    """The 2-letter code of a state or province written as a code or a name,
    ``""`` for an empty one, None when it names none.

    >>> state_code("New York"), state_code("ny"), state_code(""), state_code("Narnia")
    ('NY', 'NY', '', None)
    """
    name = " ".join(raw.split())
    if not name:
        return ""
    if len(name) == 2:
        code = name.upper()
        known = code in US_STATES or code in US_TERRITORIES or code in CA_PROVINCES
        return code if known else None
    return _BY_NAME.get(name.lower())


def country_for_state(code: str) -> str:
    """ISO country of a state code: US, CA, a territory's own code, or ``""``."""
    if code in US_STATES:
        return "US"
    if code in CA_PROVINCES:
        return "CA"
    if code in US_TERRITORIES:
        return code
    return ""


@functools.cache
def country_for_npa(npa: str) -> str:
    """The ISO country libphonenumber gives numbers of ``npa``, or ``""``.

    Each NANP area code belongs to one country, so the first exchange with a
    valid number decides.
    """
    for nxx in range(200, 1000):
        numobj = PhoneNumber(country_code=1, national_number=int(f"{npa}{nxx}0000"))
        region = phonenumbers.region_code_for_number(numobj)
        if region:
            return region
    return ""


def split_description(description: str, country_name: str = "") -> tuple[str, str]:
    """City and state code of a libphonenumber place description.

    "Jersey City, NJ" is a city and a state; "New York" (all of 917) only a
    state; "Nova Scotia/Prince Edward Island" spans states, so neither; any
    other name ("George Town") is taken as the city unless it is the country's
    own name.

    >>> split_description("Jersey City, NJ"), split_description("New York")
    (('Jersey City', 'NJ'), ('', 'NY'))
    """
    city, _, code = description.rpartition(", ")
    if city and state_code(code) == code:
        return city, code

    code = state_code(description)
    if code:
        return "", code

    parts = description.split("/")
    if len(parts) > 1 and all(state_code(part) for part in parts):
        return "", ""
    if description == country_name:
        return "", ""
    return description, ""


@functools.cache
def area_code_place(npa: str) -> tuple[str, str]:
    """City and state libphonenumber gives a whole area code ("212": New York, NY;
    "917": only NY), for sources that know who holds a code but not where."""
    names = GEOCODE_DATA.get("1" + npa, {})
    return split_description(names.get("en", ""))
