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

KEY_VARIABLE = "EMPATHY_PII_KEY"
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


def _arrow_hash(values: pa.Array, kinds: pa.Array) -> pa.Array:
    key = pii_key()
    return pa.array(
        [
            pseudonym(value, kind or "text", key)
            for value, kind in zip(values.to_pylist(), kinds.to_pylist(), strict=True)
        ],
        type=pa.string(),
    )


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
