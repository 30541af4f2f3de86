"""Per-block state shared by the family generators.

A block owns a slice of the customer universe; every row a customer causes lives in the same
block, so ids only need to be unique per block (the block number is part of every id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .frames import Collector
from .lifecycle import ChurnStats, Lifecycle
from .seeding import Streams
from .timeline import Window
from .universe import Customers


class Ids:
    """Sequential row numbers per id prefix within a block."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, prefix: str, n: int) -> np.ndarray:
        start = self._next.get(prefix, 0)
        self._next[prefix] = start + n
        return np.arange(start, start + n, dtype=np.int64)


@dataclass
class Assignment:
    """One experiment's per-customer assignment (variant -1 = not assigned)."""

    variant: np.ndarray
    assigned_at: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Assignment:
        return cls(np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64))


@dataclass
class BlockContext:
    block: int
    streams: Streams
    window: Window
    customers: Customers
    life: Lifecycle
    ad_campaigns: int = 8
    ids: Ids = field(default_factory=Ids)
    out: Collector = field(default_factory=Collector)
    churn_stats: ChurnStats = field(default_factory=ChurnStats)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    emails: pa.Array | None = None
    phones: pa.Array | None = None
    billing_stats: dict[str, int] = field(default_factory=dict)
    onboarding_steps: np.ndarray | None = None

    @property
    def export_us(self) -> int:
        return self.window.end_us

    @property
    def n(self) -> int:
        return self.customers.n

    def email_of(self, cust: np.ndarray) -> pa.Array:
        assert self.emails is not None
        return self.emails.take(pa.array(np.asarray(cust, dtype=np.int64)))

    def phone_of(self, cust: np.ndarray) -> pa.Array:
        assert self.phones is not None
        return self.phones.take(pa.array(np.asarray(cust, dtype=np.int64)))

    def gidx(self, cust: np.ndarray) -> np.ndarray:
        return self.customers.gidx[cust]
