"""Source-data simulator: a coherent, messy, deterministic demo of every raw source system.

``generate(scale, seed, out_dir)`` writes the raw files the warehouse reads, plus ``_truth.json``
describing the planted effects and the correlations built into the data. See ``generation.py``.
"""

from .generation import generate
from .scales import SCALES
from .schema import TABLES

__all__ = ["SCALES", "TABLES", "generate"]
