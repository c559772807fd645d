"""Read the prefix database: what an area code holds, and which blocks qualify."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from phonegen.numbering.blocks import block_capacity, is_usable_block, resolve_blocks
from phonegen.numbering.line_types import LineType

from .models import PhonePrefix

PREFIX_FIELDS = (
    "prefix",
    "carrier",
    "brand",
    "ocn",
    "line_type",
    "city",
    "state",
    "country",
)


@dataclass(frozen=True, slots=True)
class PrefixInfo:
    """The fields of a prefix that are copied onto every number in it."""

    prefix: str
    carrier: str
    brand: str
    ocn: str
    line_type: str
    city: str
    state: str
    country: str


@dataclass(frozen=True, slots=True)
class Block:
    """A thousands block (``NPANXXX``) and the prefix that owns it."""

    block: str
    owner: PrefixInfo

    @property
    def base(self) -> int:
        """The block's first national number, as an integer."""
        return int(self.block) * 1000

    @property
    def capacity(self) -> int:
        return block_capacity(self.block)


def prefixes_for_npa(npa: str) -> dict[str, PrefixInfo]:
    """Every prefix of area code ``npa``, keyed by prefix."""
    rows = PhonePrefix.objects.filter(npa=npa).values_list(*PREFIX_FIELDS)
    return {row[0]: PrefixInfo(*row) for row in rows}


def npa_blocks(npa: str) -> list[Block]:
    """The usable thousands blocks of ``npa`` in order, each with its owning prefix."""
    prefixes = prefixes_for_npa(npa)
    owners = resolve_blocks(prefixes)
    return [
        Block(block=block, owner=prefixes[owner])
        for block, owner in sorted(owners.items())
        if is_usable_block(block)
    ]


def carrier_matcher(blocks: list[Block], carrier_filter: str):
    """A predicate for prefixes matching ``carrier_filter``.

    The filter matches a brand exactly (any case) when some prefix of the area
    code has that brand; failing that, it matches a part of the raw carrier name.
    """
    wanted = carrier_filter.strip().lower()
    if any(b.owner.brand.lower() == wanted for b in blocks):
        return lambda info: info.brand.lower() == wanted
    return lambda info: wanted in info.carrier.lower()


def qualifying_blocks(
    npa: str, *, carrier_filter: str = "", line_type: LineType | None = None
) -> list[Block]:
    """The blocks of ``npa`` whose owning prefix matches the filters."""
    blocks = npa_blocks(npa)
    if carrier_filter:
        matches = carrier_matcher(blocks, carrier_filter)
        blocks = [b for b in blocks if matches(b.owner)]
    if line_type is not None:
        blocks = [b for b in blocks if b.owner.line_type == line_type]
    return blocks


def carrier_summary(npa: str, *, taken: dict[str, int] | None = None) -> list[dict]:
    """Per brand and line type in ``npa``: prefixes, and numbers in usable blocks.

    With ``taken`` (numbers a project holds per thousands block), the available
    numbers are what that project can still be given, and ``in_project`` says
    how many it holds.
    """
    prefixes: dict[tuple[str, str], set[str]] = defaultdict(set)
    numbers: dict[tuple[str, str], int] = defaultdict(int)
    held: dict[tuple[str, str], int] = defaultdict(int)
    for block in npa_blocks(npa):
        key = (block.owner.brand or block.owner.carrier, block.owner.line_type)
        prefixes[key].add(block.owner.prefix)
        in_block = (taken or {}).get(block.block, 0)
        numbers[key] += block.capacity - in_block
        held[key] += in_block

    summary = []
    for brand, line_type in numbers:
        key = (brand, line_type)
        row = {
            "brand": brand,
            "line_type": line_type,
            "prefixes": len(prefixes[key]),
            "available_numbers": numbers[key],
        }
        if taken is not None:
            row["in_project"] = held[key]
        summary.append(row)
    return sorted(summary, key=lambda row: (-row["available_numbers"], row["brand"]))


def prefix_list(
    *, npa: str = "", carrier: str = "", line_type: str = "", state: str = ""
) -> QuerySet[PhonePrefix]:
    """Prefixes filtered for the ``prefixes/`` listing."""
    qs = PhonePrefix.objects.all()
    if npa:
        qs = qs.filter(npa=npa)
    if carrier:
        qs = qs.filter(brand__iexact=carrier) | qs.filter(carrier__icontains=carrier)
    if line_type:
        qs = qs.filter(line_type=line_type)
    if state:
        qs = qs.filter(state__iexact=state)
    return qs.order_by("prefix")
