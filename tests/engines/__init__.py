"""Engine tests (pytest -m engines): a package, so its conftest does not shadow tests/conftest."""
