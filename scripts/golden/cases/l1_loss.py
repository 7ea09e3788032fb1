"""Golden cases for l1_loss: element-wise abs(x - y), matrix and scalar columns."""

from ..data import F32, gen, randn
from ..harness import FAMILY_F32_NOTE, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def build():
    L = "l1_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("l1-matrix")
    x, t = randn(g, (8, 3), scale=2.0).tolist(), randn(g, (8, 3), scale=2.0).tolist()
    add_case(M + "/plain", L, (x, t), "matrix", STD, per_class_on=("sum", "mean"), note="Random input and target, C=3.")
    g = gen("l1-scalar")
    xs, ts = randn(g, (9,), scale=3.0).tolist(), randn(g, (9,), scale=3.0).tolist()
    add_case(S + "/plain", L, (xs, ts), "scalar", STD, per_class_on=("mean",), note="Scalar column (C=1).")
    xe = [[0.0, 1e300, 1e-300], [1e308, 5e-324, -7.25], [-2.0, 1e200, 0.5]]
    te = [[0.0, -1e300, 0.0], [-1e308, 0.0, -7.25], [1.0, 1e200, -0.5]]
    add_case(M + "/huge_and_tiny_differences", L, (xe, te), "matrix", STD,
             note="abs(1e308 - (-1e308)) overflows to +inf (so sum and mean are +inf); 2e300 and the subnormal 5e-324 "
             "are kept; equal values give 0.")
    xn = [list(r) for r in x[:4]]
    xn[0][1] = NAN
    xn[2][2] = INF
    add_case(M + "/nonfinite", L, (xn, t[:4]), "matrix", STD,
             note="A NaN input gives NaN for its element, sum and mean; a +inf input gives +inf for its element.")
    add_case(S + "/empty", L, ([], []), "scalar", STD, c=1, note="No rows: mean NaN, sum 0, none [].")
    g = gen("l1-sw")
    xs, ts = randn(g, (7,), scale=3.0).tolist(), randn(g, (7,), scale=3.0).tolist()
    family_sw(S, L, (xs, ts), "scalar", SUMMEAN, note="Scalar column.")
    g = gen("l1-f32")
    x, t = randn(g, (8, 3), F32, 2.0).tolist(), randn(g, (8, 3), F32, 2.0).tolist()
    add_case(M + "/float32", L, (x, t), "matrix", SUMMEAN, dtype="float32", note=FAMILY_F32_NOTE)
