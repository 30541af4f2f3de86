"""The keyed pseudonym used for emails, names and phone numbers (empathy.pii)."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pytest

from empathy import pii


def test_same_person_same_pseudonym_after_normalisation() -> None:
    key = b"k"
    assert pii.pseudonym(" Ana@Example.COM ", "email", key) == pii.pseudonym(
        "ana@example.com", "email", key
    )
    assert pii.pseudonym("+1 (555) 010-0199", "phone", key) == pii.pseudonym(
        "15550100199", "phone", key
    )


def test_pseudonym_depends_on_the_key_and_hides_the_value() -> None:
    first = pii.pseudonym("ana@example.com", "email", b"one")
    second = pii.pseudonym("ana@example.com", "email", b"two")
    assert first != second
    assert first is not None and "ana" not in first and len(first) == 64


def test_blank_and_missing_values_stay_missing() -> None:
    assert pii.pseudonym(None, "email", b"k") is None
    assert pii.pseudonym("   ", "email", b"k") is None


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pii.KEY_VARIABLE, raising=False)
    with pytest.raises(pii.MissingKeyError, match="EMPATHY_PII_KEY is not set"):
        pii._arrow_hash(pa.array(["a@b.com"]), pa.array(["email"]))


@pytest.mark.parametrize("key", [b"k", b"reference", b"x" * 64, b"y" * 65, "clé-ñ".encode() * 30])
def test_batched_hash_is_exactly_the_keyed_hmac(key: bytes) -> None:
    hasher = pii._Hasher(key)
    for message in [b"", b"email:ana@example.com", "name:zoë".encode(), b"m" * 1000]:
        assert hasher.hexdigest(message) == hmac.new(key, message, hashlib.sha256).hexdigest()


def test_the_arrow_udf_gives_the_pseudonym_of_every_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pii.KEY_VARIABLE, "a key")
    key = b"a key"
    values = [" Ana@Example.COM ", None, "", "   ", "+1 (555) 010-0199", "Zoë\u00a0Ünal\t", "none"]
    for kind in ["email", "phone", "name"]:
        hashed = pii._arrow_hash(pa.array(values, pa.string()), pa.array([kind] * len(values)))
        assert hashed.to_pylist() == [pii.pseudonym(value, kind, key) for value in values]
    kinds = ["email", "phone", "name", "email", "phone", None, "phone"]
    mixed = pii._arrow_hash(pa.array(values, pa.string()), pa.array(kinds, pa.string()))
    assert mixed.to_pylist() == [
        pii.pseudonym(value, kind or "text", key) for value, kind in zip(values, kinds, strict=True)
    ]
    assert pii._arrow_hash(pa.array([], pa.string()), pa.array([], pa.string())).to_pylist() == []
