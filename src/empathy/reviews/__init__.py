"""Weekly, monthly and quarterly review packs (HTML with inline SVG charts, and a CSV extract)
read from the governed tables of a published release."""

from empathy.reviews.packs import PACK_SECTIONS, ReviewPack, write_review_pack
from empathy.reviews.periods import CADENCES, last_closed_period, period_label

__all__ = [
    "CADENCES",
    "PACK_SECTIONS",
    "ReviewPack",
    "last_closed_period",
    "period_label",
    "write_review_pack",
]
