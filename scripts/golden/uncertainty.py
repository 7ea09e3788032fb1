"""Standard errors and confidence intervals of a group's loss (docs/LOSS-SEMANTICS.md, "Uncertainty").

No torch here: the formulas take each counted row's numerator term a_n, denominator term b_n and sample
weight s_n, as the golden cases read them from PyTorch's reduction='none' output. With N = sum s_n,
A = sum s_n a_n and B = sum s_n b_n:
  * 'mean' / 'batchmean': R = A / B, Var(R) = N / (N - 1) * sum s_n (a_n - R b_n)^2 / B^2 (delta method);
  * 'sum': A, Var(A) = N / (N - 1) * sum s_n (a_n - A / N)^2;
std_error = sqrt(Var), the interval value -+ z * std_error with z = the standard normal quantile at
(1 + confidence) / 2; N <= 1 gives NaN for the standard error and the interval.

estimate() computes every sum with math.fsum, two passes (the value first, then the squared residuals
around it), the residuals directly rather than through expanded moment sums. estimate_numpy() is a
second implementation in NumPy float64 (pairwise summation), and sem_check() compares with
scipy.stats.sem where the formula reduces to the standard error of the mean.
"""

import math

import numpy
import scipy.stats

NAN = float("nan")
DEFAULT_CONFIDENCE = 0.95


def z_of(confidence):
    """The two-sided standard normal quantile: scipy.stats.norm.ppf((1 + confidence) / 2)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be in (0, 1): %r" % (confidence,))
    return float(scipy.stats.norm.ppf((1.0 + confidence) / 2.0))


def ieee_div(a, b):
    """a / b with IEEE results for a zero divisor (0/0 = NaN, x/0 = +-inf)."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def counted(terms):
    """The (s, a, b) terms that enter the sums: a row with sample weight 0 adds 0 to every sum."""
    terms = [(float(s), float(a), float(b)) for s, a, b in terms if s != 0]
    for s, a, b in terms:
        if not (math.isfinite(s) and math.isfinite(a) and math.isfinite(b)) or s < 0:
            raise ValueError("non-finite term or negative sample weight: %r" % ((s, a, b),))
    return terms


def interval(value, var, n, confidence):
    se = math.sqrt(var) if n > 1 else NAN
    z = z_of(confidence)
    return {"confidence": confidence, "value": value, "std_error": se, "ci_low": value - z * se,
            "ci_high": value + z * se, "n": n}


def estimate(terms, reduction, confidence=DEFAULT_CONFIDENCE):
    """value, std_error, ci_low, ci_high and n of one group; terms are (s_n, a_n, b_n) per counted row."""
    terms = counted(terms)
    n = math.fsum(s for s, _, _ in terms)
    big_a = math.fsum(s * a for s, a, _ in terms)
    if reduction == "sum":
        if n <= 1:
            return interval(big_a, NAN, n, confidence)
        centre = big_a / n
        ss = math.fsum(s * (a - centre) ** 2 for s, a, _ in terms)
        return interval(big_a, n / (n - 1) * ss, n, confidence)
    if reduction not in ("mean", "batchmean"):
        raise ValueError(reduction)
    big_b = math.fsum(s * b for s, _, b in terms)
    r = ieee_div(big_a, big_b)
    if n <= 1:
        return interval(r, NAN, n, confidence)
    ss = math.fsum(s * (a - r * b) ** 2 for s, a, b in terms)
    return interval(r, n / (n - 1) * ss / (big_b * big_b), n, confidence)


def estimate_numpy(terms, reduction):
    """(value, std_error) again, in NumPy float64 (pairwise sums), for a cross-check."""
    terms = counted(terms)
    s = numpy.array([t[0] for t in terms], dtype=numpy.float64)
    a = numpy.array([t[1] for t in terms], dtype=numpy.float64)
    b = numpy.array([t[2] for t in terms], dtype=numpy.float64)
    n = float(numpy.sum(s))
    big_a = float(numpy.sum(s * a))
    if reduction == "sum":
        if n <= 1:
            return big_a, NAN
        return big_a, math.sqrt(n / (n - 1) * float(numpy.sum(s * (a - big_a / n) ** 2)))
    big_b = float(numpy.sum(s * b))
    r = ieee_div(big_a, big_b)
    if n <= 1:
        return r, NAN
    return r, math.sqrt(n / (n - 1) * float(numpy.sum(s * (a - r * b) ** 2)) / (big_b * big_b))


def sem_check(terms, reduction):
    """(value, std_error) from scipy.stats.sem where the formula reduces to it: no sample weights (all 1) and
    one b for every row. 'mean': R = mean(a) / b, std_error = sem(a) / b; 'sum': A = sum(a),
    std_error = N * sem(a). None where it does not apply (sample weights other than 1, differing b)."""
    terms = counted(terms)
    if any(s != 1 for s, _, _ in terms) or len({b for _, _, b in terms}) > 1:
        return None
    a = numpy.array([t[1] for t in terms], dtype=numpy.float64)
    n = len(terms)
    se = float(scipy.stats.sem(a)) if n > 1 else NAN
    if reduction == "sum":
        return float(numpy.sum(a)), n * se
    b = terms[0][2] if terms else 1.0
    return (float(numpy.mean(a)) if n else NAN) / b, se / b
