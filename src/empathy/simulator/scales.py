"""The three demo data scales.

Row volume grows with the number of customers (about 63 rows per customer over a 14-month
window, all tables together). Customers are generated in blocks of ``block_size`` and every
customer-level table gets one part per block, so peak memory depends on the block size, not on the
scale.

| scale  | customers | block size | blocks | total rows (14 months) |
|--------|-----------|------------|--------|------------------------|
| small  | 3,000     | 1,000      | 3      | ~185k                  |
| medium | 16,000    | 4,000      | 4      | ~1.0M                  |
| large  | 340,000   | 25,000     | 14     | ~21M                   |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    block_size: int
    ad_campaigns: int

    @property
    def blocks(self) -> int:
        return -(-self.customers // self.block_size)

    def block_range(self, block: int) -> tuple[int, int]:
        """Global customer index range [first, last) of a block."""
        first = block * self.block_size
        return first, min(first + self.block_size, self.customers)


SCALES: dict[str, Scale] = {
    "small": Scale("small", customers=3_000, block_size=1_000, ad_campaigns=6),
    "medium": Scale("medium", customers=16_000, block_size=4_000, ad_campaigns=14),
    "large": Scale("large", customers=340_000, block_size=25_000, ad_campaigns=30),
}


def resolve_scale(name: str) -> Scale:
    try:
        return SCALES[name]
    except (KeyError, TypeError):
        choices = ", ".join(sorted(SCALES))
        raise ValueError(f"unknown scale {name!r}: choose one of {choices}") from None
