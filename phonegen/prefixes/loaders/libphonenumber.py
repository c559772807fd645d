"""The ``libphonenumber`` source: what the ``phonenumbers`` package knows of NANP.

Every exchange that libphonenumber locates becomes an NPA-NXX: in the US and
Canada, those its geocoding data names at the exchange (``"1201200"``) or finer,
since a place known only for the whole area code says nothing of which codes
are in service; elsewhere in the NANP, and in the toll-free, premium and
personal-service codes, every exchange whose numbers it accepts. Each gets:

- city and state from the geocoding data, the longest key that covers it
  ("1201200" Jersey City, NJ; else "1201" New Jersey);
- the country libphonenumber gives its numbers;
- the carrier from the carrier data where it has one (Caribbean operators,
  some of them per thousands block, which become NPA-NXX-X rows);
- the line type the plan fixes: toll-free, premium and personal-service area
  codes, and in the Caribbean countries mobile or fixed line when the
  exchange's first and last numbers agree on it. US and Canadian mobile and fixed
  numbers share their patterns, so there the type stays unknown.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberType
from phonenumbers.carrierdata import CARRIER_DATA
from phonenumbers.geocoder import country_name_for_number
from phonenumbers.geodata import GEOCODE_DATA

from phonegen.numbering.line_types import LineType
from phonegen.numbering.nanp import is_valid_nxx, plan_line_type

from .common import PrefixRecord, ReadTally
from .regions import country_for_npa, split_description

_SHARED_PATTERNS = frozenset({"US", "CA"})
_TYPES = {
    PhoneNumberType.MOBILE: LineType.MOBILE,
    PhoneNumberType.FIXED_LINE: LineType.LANDLINE,
    PhoneNumberType.VOIP: LineType.VOIP,
    PhoneNumberType.PAGER: LineType.PAGER,
}


def read(
    path: Path | None, *, npas: frozenset[str] | None, tally: ReadTally
) -> Iterator[PrefixRecord]:
    places = _nanp_table(GEOCODE_DATA)
    carriers = _nanp_table(CARRIER_DATA)
    located = {key[:6] for key in places if len(key) >= 6}
    for npa in sorted(_candidate_npas(places, carriers)):
        if npas is None or npa in npas:
            yield from _npa_records(npa, places, carriers, located, tally)


def _npa_records(
    npa: str,
    places: dict[str, str],
    carriers: dict[str, str],
    located: set[str],
    tally: ReadTally,
) -> Iterator[PrefixRecord]:
    """The exchanges of ``npa`` that libphonenumber accepts, and the blocks it
    names a carrier for."""
    country = country_for_npa(npa)
    if not country:
        return
    country_name = ""
    plan_type = plan_line_type(npa)

    for nxx in range(200, 1000):
        tally.rows += 1
        prefix = f"{npa}{nxx}"
        if not is_valid_nxx(npa, str(nxx)):
            tally.skip("N11 service code")
            continue
        if country in _SHARED_PATTERNS and plan_type is None and prefix not in located:
            tally.skip("located only as a whole area code")
            continue
        line_type = _line_type(prefix, country)
        if line_type is None:
            tally.skip("numbers not valid for libphonenumber")
            continue

        country_name = country_name or _country_name(prefix)
        city, state = split_description(_longest(places, prefix), country_name)
        yield PrefixRecord(
            prefix,
            carrier=_longest(carriers, prefix),
            line_type=(plan_type or line_type).value,
            city=city,
            state=state,
            country=country,
        )

        for digit in "0123456789":
            carrier = carriers.get(prefix + digit)
            if carrier is None:
                continue
            block_type = _line_type(prefix + digit, country) or LineType.UNKNOWN
            yield PrefixRecord(
                prefix + digit,
                carrier=carrier,
                line_type=(plan_type or block_type).value,
                city=city,
                state=state,
                country=country,
            )


def _nanp_table(data: dict[str, dict[str, str]]) -> dict[str, str]:
    """English names of the NANP keys (``"1201200"``) of a libphonenumber
    prefix table, keyed by their national digits (``"201200"``), NPA or longer;
    keys finer than a thousands block are dropped."""
    return {
        key[1:]: names["en"]
        for key, names in data.items()
        if key[0] == "1" and 4 <= len(key) <= 8 and names.get("en")
    }


def _candidate_npas(places: dict[str, str], carriers: dict[str, str]) -> set[str]:
    """Area codes that may hold valid numbers: those with places or carriers,
    the plan's non-geographic ones, and those of NANP countries' leading digits."""
    npas = {key[:3] for key in places} | {key[:3] for key in carriers}
    every = [str(npa) for npa in range(200, 1000)]
    npas.update(npa for npa in every if plan_line_type(npa) is not None)

    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if metadata is not None and metadata.leading_digits:
            leading = re.compile(metadata.leading_digits)
            npas.update(npa for npa in every if leading.match(npa))
    return npas


def _longest(table: dict[str, str], prefix: str) -> str:
    """The value of the longest key of ``table`` that ``prefix`` starts with."""
    for length in range(len(prefix), 2, -1):
        value = table.get(prefix[:length])
        if value is not None:
            return value
    return ""


def _line_type(prefix: str, country: str) -> LineType | None:
    """The line type of the numbers of ``prefix``, UNKNOWN when libphonenumber
    cannot tell, None when it rejects them.

    Its NANP patterns are no finer than the NPA-NXX in the US and Canada, where
    one number stands for the exchange; elsewhere the first and the last number
    must agree.
    """
    padding = 10 - len(prefix)
    first = PhoneNumber(country_code=1, national_number=int(prefix + "0" * padding))
    if country in _SHARED_PATTERNS:
        valid = phonenumbers.is_valid_number_for_region(first, country)
        return LineType.UNKNOWN if valid else None

    last = PhoneNumber(country_code=1, national_number=int(prefix + "9" * padding))
    kinds = {phonenumbers.number_type(numobj) for numobj in (first, last)}
    if PhoneNumberType.UNKNOWN in kinds:
        return None
    if len(kinds) == 1:
        return _TYPES.get(kinds.pop(), LineType.UNKNOWN)
    return LineType.UNKNOWN


def _country_name(prefix: str) -> str:
    """The English name of the country of ``prefix``, a prefix of valid numbers."""
    numobj = PhoneNumber(country_code=1, national_number=int(prefix + "0000"))
    return country_name_for_number(numobj, "en")
