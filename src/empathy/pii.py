"""Keyed pseudonymisation of personal data, as a dbt-duckdb plugin.

Staging calls ``empathy_pii_hash(value)`` (through the ``pseudonymise`` macro) on emails, names and
phone numbers. The function is HMAC-SHA256 under a key read from the environment variable
``EMPATHY_PII_KEY`` when the function first runs, so the key never appears in compiled SQL, dbt
logs or the warehouse. The same key gives the same pseudonym for the same person in every system, so
joins on a hashed email still work; without the key the pseudonym cannot be reversed or recomputed.

Values are normalised before hashing (trimmed, lower-cased; phone numbers reduced to their digits)
so that ``" Ana@Example.com"`` and ``"ana@example.com"`` are one person.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import Any

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import VARCHAR

from empathy.settings import PII_KEY_VARIABLE as KEY_VARIABLE

_NON_DIGITS = re.compile(r"\D+")


class MissingKeyError(RuntimeError):
    """Raised when personal data must be hashed but no key is configured."""


def pii_key() -> bytes:
    """The pseudonymisation key from the environment, or a clear error."""
    key = os.environ.get(KEY_VARIABLE, "")
    if not key:
        raise MissingKeyError(
            f"{KEY_VARIABLE} is not set: staging pseudonymises emails, names and phone numbers "
            f"with a keyed hash. Set {KEY_VARIABLE} to a secret string (empathy refresh creates "
            "one in data/.pii_key when it is missing)."
        )
    return key.encode("utf-8")


def normalise(value: str, kind: str) -> str:
    """The canonical form of a personal value before hashing."""
    cleaned = value.strip().lower()
    if kind == "phone":
        return _NON_DIGITS.sub("", cleaned)
    return cleaned


def pseudonym(value: str | None, kind: str, key: bytes) -> str | None:
    """HMAC-SHA256 hex digest of the normalised value; None and blank values stay None."""
    if value is None:
        return None
    canonical = normalise(value, kind)
    if not canonical:
        return None
    return hmac.new(key, f"{kind}:{canonical}".encode(), hashlib.sha256).hexdigest()


class _Hasher:
    """HMAC-SHA256 (RFC 2104) under one key, with the keyed inner and outer states made once.

    ``hmac.new`` pads the key and hashes both pads for every value; staging hashes millions of
    values, so the two keyed SHA-256 states are computed once and copied per value. The digests are
    exactly ``hmac.new(key, message, sha256).hexdigest()`` (checked in tests/test_pii_unit.py).
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block_size = hashlib.sha256().block_size
        if len(key) > block_size:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block_size, b"\0")
        self._inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key))
        self._outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in key))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def pseudonyms(self, values: list[str | None], kind: str) -> list[str | None]:
        """`pseudonym` of each value, all of one kind."""
        prefix = f"{kind}:"
        digits_only = kind == "phone"
        hashed: list[str | None] = []
        for value in values:
            if value is None:
                hashed.append(None)
                continue
            canonical = value.strip().lower()
            if digits_only:
                canonical = _NON_DIGITS.sub("", canonical)
            hashed.append(self.hexdigest(f"{prefix}{canonical}".encode()) if canonical else None)
        return hashed


_hashers: dict[bytes, _Hasher] = {}


def _hasher(key: bytes) -> _Hasher:
    hasher = _hashers.get(key)
    if hasher is None:
        hasher = _hashers[key] = _Hasher(key)
    return hasher


def _arrow_hash(values: pa.Array, kinds: pa.Array) -> pa.Array:
    hasher = _hasher(pii_key())
    texts = values.to_pylist()
    distinct_kinds = kinds.unique().to_pylist()
    if len(distinct_kinds) == 1:
        # the usual call: one column of one kind (the kind is a literal in the SQL)
        hashed = hasher.pseudonyms(texts, distinct_kinds[0] or "text")
    else:
        hashed = [
            hasher.pseudonyms([value], kind or "text")[0]
            for value, kind in zip(texts, kinds.to_pylist(), strict=True)
        ]
    return pa.array(hashed, type=pa.string())


class Plugin(BasePlugin):
    """Registers ``empathy_pii_hash(value, kind)`` on every connection dbt opens."""

    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._config = plugin_config

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        conn.create_function(
            "empathy_pii_hash",
            _arrow_hash,
            [VARCHAR, VARCHAR],
            VARCHAR,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )
