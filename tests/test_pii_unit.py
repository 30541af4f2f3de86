"""The keyed pseudonym used for emails, names and phone numbers (empathy.pii)."""

from __future__ import annotations

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
