"""Distribution functions and significance tests for experiment read-outs, without SciPy.

Every formula of the scorecard's statistics lives here once:

- the standard normal distribution (``math.erfc``; the quantile from ``statistics.NormalDist``),
- Student's t through the regularized incomplete beta function (a continued fraction),
- the chi-square survival function through the regularized incomplete gamma function (a series
  below the mean, a continued fraction above it),
- the two-proportion z-test (pooled standard error for the test, unpooled for the interval), the
  Welch t-test with Welch-Satterthwaite degrees of freedom, the chi-square sample-ratio-mismatch
  test against configured weights, and Holm's step-down adjustment.

The lift is always ``treatment - control`` and its interval is the two-sided ``CONFIDENCE``
interval of that difference. Values are accurate to about 1e-12 (tests hold them to SciPy at 1e-9).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95

# Convergence of the series and continued fractions: relative change of one step (a few units in
# the last place of a double, so rounding noise cannot keep a loop from stopping).
_EPSILON = 1e-15
# Keeps the modified Lentz recursion away from division by zero.
_TINY = 1e-300
_MAX_STEPS = 10_000
_STANDARD_NORMAL = NormalDist()


# -- the normal distribution -------------------------------------------------------------------


def normal_cdf(x: float) -> float:
    """P(Z <= x) for a standard normal Z."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_sf(x: float) -> float:
    """P(Z > x), exact in the far upper tail (no 1 - cdf cancellation)."""
    return 0.5 * math.erfc(x / math.sqrt(2.0))


def normal_ppf(q: float) -> float:
    """The x with P(Z <= x) = q, for 0 < q < 1."""
    return _STANDARD_NORMAL.inv_cdf(q)


# -- the regularized incomplete beta function and Student's t -------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b), evaluated by the modified Lentz method."""
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    fraction = d
    for m in range(1, _MAX_STEPS):
        # even step: d_{2m}
        numerator = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + numerator / c
        c = c if abs(c) > _TINY else _TINY
        fraction *= d * c
        # odd step: d_{2m+1}
        numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + numerator / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        fraction *= step
        if abs(step - 1.0) < _EPSILON:
            return fraction
    raise ArithmeticError(f"incomplete beta did not converge (a={a}, b={b}, x={x})")


def regularized_beta(a: float, b: float, x: float, one_minus_x: float | None = None) -> float:
    """I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 <= x <= 1.

    ``one_minus_x`` may carry 1 - x computed without cancellation (Student's t passes it).
    """
    if a <= 0 or b <= 0:
        raise ValueError("the incomplete beta function needs a > 0 and b > 0")
    if not 0.0 <= x <= 1.0:
        raise ValueError("the incomplete beta function needs 0 <= x <= 1")
    y = 1.0 - x if one_minus_x is None else one_minus_x
    if x == 0.0:
        return 0.0
    if y == 0.0:
        return 1.0
    log_front = (
        a * math.log(x) + b * math.log(y) + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    )
    # The fraction converges fast for x below the mean a / (a + b); use symmetry above it.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, y) / b


def _t_tail_pair(t: float, df: float) -> tuple[float, float]:
    """x = df / (df + t^2) and 1 - x, each without cancellation."""
    t2 = t * t
    return df / (df + t2), t2 / (df + t2)


def student_t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with ``df`` > 0 degrees of freedom."""
    if df <= 0:
        raise ValueError("Student's t needs df > 0")
    x, y = _t_tail_pair(t, df)
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, x, y)
    return tail if t >= 0 else 1.0 - tail


def student_t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` > 0 degrees of freedom."""
    return student_t_sf(-t, df)


def student_t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|)."""
    x, y = _t_tail_pair(t, df)
    return regularized_beta(df / 2.0, 0.5, x, y)


def _student_t_pdf(t: float, df: float) -> float:
    log_density = (
        math.lgamma((df + 1.0) / 2.0)
        - math.lgamma(df / 2.0)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )
    return math.exp(log_density)


def student_t_ppf(q: float, df: float) -> float:
    """The t with P(T <= t) = q, for 0 < q < 1: Newton steps from the normal quantile, kept
    inside a bracket that bisection shrinks whenever a step would leave it."""
    if not 0.0 < q < 1.0:
        raise ValueError("a quantile needs 0 < q < 1")
    if df <= 0:
        raise ValueError("Student's t needs df > 0")
    if q == 0.5:
        return 0.0
    if q < 0.5:
        return -student_t_ppf(1.0 - q, df)
    low, high = 0.0, 1.0
    while student_t_cdf(high, df) < q:
        low, high = high, high * 2.0
    t = min(max(normal_ppf(q), low), high)
    for _ in range(_MAX_STEPS):
        gap = student_t_cdf(t, df) - q
        if gap > 0:
            high = t
        else:
            low = t
        density = _student_t_pdf(t, df)
        proposal = t - gap / density if density > 0 else (low + high) / 2.0
        if not low < proposal < high:
            proposal = (low + high) / 2.0
        if abs(proposal - t) <= 1e-13 * max(1.0, abs(t)) or high - low <= 1e-15 * high:
            return proposal
        t = proposal
    raise ArithmeticError(f"t quantile did not converge (q={q}, df={df})")


# -- the regularized incomplete gamma function and chi-square -----------------------------------


def _lower_gamma_series(a: float, x: float) -> float:
    """P(a, x) by its power series (converges fast for x < a + 1)."""
    term = 1.0 / a
    total = term
    denominator = a
    for _ in range(_MAX_STEPS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPSILON:
            return total * math.exp(-x + a * math.log(x) - math.lgamma(a))
    raise ArithmeticError(f"incomplete gamma series did not converge (a={a}, x={x})")


def _upper_gamma_continued_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction, modified Lentz (converges fast for x >= a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    fraction = d
    for i in range(1, _MAX_STEPS):
        numerator = -i * (i - a)
        b += 2.0
        d = numerator * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + numerator / c
        c = c if abs(c) > _TINY else _TINY
        step = d * c
        fraction *= step
        if abs(step - 1.0) < _EPSILON:
            return fraction * math.exp(-x + a * math.log(x) - math.lgamma(a))
    raise ArithmeticError(f"incomplete gamma fraction did not converge (a={a}, x={x})")


def regularized_gamma_q(a: float, x: float) -> float:
    """Q(a, x) = Gamma(a, x) / Gamma(a), the upper regularized incomplete gamma function."""
    if a <= 0:
        raise ValueError("the incomplete gamma function needs a > 0")
    if x < 0:
        raise ValueError("the incomplete gamma function needs x >= 0")
    if x == 0:
        return 1.0
    if x < a + 1.0:
        return 1.0 - _lower_gamma_series(a, x)
    return _upper_gamma_continued_fraction(a, x)


def chi_square_sf(statistic: float, df: float) -> float:
    """P(X > statistic) for a chi-square X with ``df`` degrees of freedom."""
    return regularized_gamma_q(df / 2.0, statistic / 2.0)


# -- tests ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A treatment arm against its control: the lift and, when it can be tested, its inference.

    ``lift_abs`` = treatment - control; ``lift_rel`` = lift_abs / control (None when control is
    0). The interval, statistic and p-value are None when the difference has no spread (a
    standard error of 0: e.g. both arms at 0% or 100%, or constant values).
    """

    lift_abs: float
    lift_rel: float | None
    standard_error: float | None
    statistic: float | None
    degrees_of_freedom: float | None
    p_value: float | None
    ci_low: float | None
    ci_high: float | None


def _relative(lift: float, control: float) -> float | None:
    return lift / control if control != 0 else None


def two_proportion_z_test(
    control_rate: float, control_n: float, treatment_rate: float, treatment_n: float
) -> Comparison:
    """Two-sided two-proportion z-test of treatment_rate - control_rate.

    The test statistic uses the pooled proportion (the null hypothesis of equal rates); the
    interval of the difference uses the unpooled (Wald) standard error.
    """
    if control_n <= 0 or treatment_n <= 0:
        raise ValueError("both arms need at least one unit")
    lift = treatment_rate - control_rate
    pooled = (control_rate * control_n + treatment_rate * treatment_n) / (control_n + treatment_n)
    pooled_se = math.sqrt(max(pooled * (1.0 - pooled), 0.0) * (1.0 / control_n + 1.0 / treatment_n))
    interval_se = math.sqrt(
        max(control_rate * (1.0 - control_rate), 0.0) / control_n
        + max(treatment_rate * (1.0 - treatment_rate), 0.0) / treatment_n
    )
    statistic = lift / pooled_se if pooled_se > 0 else None
    p_value = 2.0 * normal_sf(abs(statistic)) if statistic is not None else None
    half_width = normal_ppf(0.5 + CONFIDENCE / 2.0) * interval_se if interval_se > 0 else None
    return Comparison(
        lift_abs=lift,
        lift_rel=_relative(lift, control_rate),
        standard_error=interval_se if interval_se > 0 else None,
        statistic=statistic,
        degrees_of_freedom=None,
        p_value=p_value,
        ci_low=lift - half_width if half_width is not None else None,
        ci_high=lift + half_width if half_width is not None else None,
    )


def welch_degrees_of_freedom(
    control_variance: float, control_n: float, treatment_variance: float, treatment_n: float
) -> float:
    """Welch-Satterthwaite degrees of freedom of a difference of two means."""
    control_term = control_variance / control_n
    treatment_term = treatment_variance / treatment_n
    return (control_term + treatment_term) ** 2 / (
        control_term**2 / (control_n - 1.0) + treatment_term**2 / (treatment_n - 1.0)
    )


def welch_t_test(
    control_mean: float,
    control_variance: float,
    control_n: float,
    treatment_mean: float,
    treatment_variance: float,
    treatment_n: float,
) -> Comparison:
    """Two-sided Welch t-test of treatment_mean - control_mean (sample variances, n - 1)."""
    if control_n < 2 or treatment_n < 2:
        raise ValueError("a Welch t-test needs at least two units per arm")
    lift = treatment_mean - control_mean
    control_variance = max(control_variance, 0.0)
    treatment_variance = max(treatment_variance, 0.0)
    se = math.sqrt(control_variance / control_n + treatment_variance / treatment_n)
    if se == 0:
        return Comparison(lift, _relative(lift, control_mean), None, None, None, None, None, None)
    df = welch_degrees_of_freedom(control_variance, control_n, treatment_variance, treatment_n)
    statistic = lift / se
    half_width = student_t_ppf(0.5 + CONFIDENCE / 2.0, df) * se
    return Comparison(
        lift_abs=lift,
        lift_rel=_relative(lift, control_mean),
        standard_error=se,
        statistic=statistic,
        degrees_of_freedom=df,
        p_value=student_t_two_sided_p(statistic, df),
        ci_low=lift - half_width,
        ci_high=lift + half_width,
    )


@dataclass(frozen=True)
class SampleRatioTest:
    """Pearson's chi-square goodness of fit of the observed split to the configured weights."""

    statistic: float
    degrees_of_freedom: int
    p_value: float


def sample_ratio_test(observed: Sequence[float], weights: Sequence[float]) -> SampleRatioTest:
    """Chi-square test of observed unit counts per variant against configured weights (which
    are normalised, so they need not sum to exactly 1)."""
    if len(observed) != len(weights) or len(observed) < 2:
        raise ValueError("a sample-ratio test needs two or more variants with a weight each")
    if any(w <= 0 for w in weights):
        raise ValueError("every configured weight must be positive")
    total = float(sum(observed))
    if total <= 0:
        raise ValueError("a sample-ratio test needs assigned units")
    weight_total = float(sum(weights))
    statistic = 0.0
    for count, weight in zip(observed, weights, strict=True):
        expected = total * weight / weight_total
        statistic += (count - expected) ** 2 / expected
    df = len(observed) - 1
    return SampleRatioTest(statistic, df, chi_square_sf(statistic, df))


def holm_adjust(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjustment of a family of p-values, returned in the input order.

    The i-th smallest of m p-values becomes max over j <= i of min(1, (m - j + 1) p_(j)).
    None (an untested metric) stays None and does not count in m.
    """
    tested = sorted(
        ((p, index) for index, p in enumerate(p_values) if p is not None),
        key=lambda pair: (pair[0], pair[1]),
    )
    m = len(tested)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(tested):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted
