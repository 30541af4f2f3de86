"""Experiment read-outs: the statistics behind ``experiment_scorecard``.

``stats`` holds the distribution functions and tests, written in plain Python so the warehouse needs
no SciPy: the normal, Student t and chi-square distributions, the two-proportion z-test, the Welch
t-test, the sample-ratio-mismatch test and Holm's adjustment. ``comparisons`` applies them to the
per-arm summaries the dbt models produce (it is what the dbt Python model
``int_experiment_arms_tested`` calls).
"""

from __future__ import annotations

from empathy.experiments.comparisons import ArmSummary, compare_arms, srm_by_experiment
from empathy.experiments.stats import (
    CONFIDENCE,
    Comparison,
    SampleRatioTest,
    chi_square_sf,
    holm_adjust,
    normal_cdf,
    normal_ppf,
    regularized_beta,
    regularized_gamma_q,
    sample_ratio_test,
    student_t_cdf,
    student_t_ppf,
    student_t_sf,
    two_proportion_z_test,
    welch_t_test,
)

__all__ = [
    "CONFIDENCE",
    "ArmSummary",
    "Comparison",
    "SampleRatioTest",
    "chi_square_sf",
    "compare_arms",
    "holm_adjust",
    "normal_cdf",
    "normal_ppf",
    "regularized_beta",
    "regularized_gamma_q",
    "sample_ratio_test",
    "srm_by_experiment",
    "student_t_cdf",
    "student_t_ppf",
    "student_t_sf",
    "two_proportion_z_test",
    "welch_t_test",
]
