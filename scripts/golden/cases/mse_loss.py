"""Golden cases for mse_loss: element-wise (x - y)^2, matrix and scalar columns, overflow and underflow."""

from ..data import F32, gen, randn
from ..harness import FAMILY_F32_NOTE, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def build():
    L = "mse_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("mse-matrix")
    x, t = randn(g, (8, 3), scale=2.0).tolist(), randn(g, (8, 3), scale=2.0).tolist()
    add_case(M + "/plain", L, (x, t), "matrix", STD, per_class_on=("sum", "mean"), note="Random input and target, C=3.")
    g = gen("mse-scalar")
    xs, ts = randn(g, (9,), scale=3.0).tolist(), randn(g, (9,), scale=3.0).tolist()
    add_case(S + "/plain", L, (xs, ts), "scalar", STD, per_class_on=("mean",), note="Scalar column (C=1).")
    xe = [[0.0, 1e300, 1e-300], [1e200, 1e-160, 3.5], [-2.0, 1e154, 0.5]]
    te = [[0.0, 0.0, 0.0], [1e200, 0.0, 3.5], [1.0, -1e154, 0.5]]
    add_case(M + "/huge_and_tiny_differences", L, (xe, te), "matrix", STD,
             note="Differences of 1e300 and 2e154 square to +inf (so sum and mean are +inf); 1e-300 squares to 0; "
             "1e-160 squares to the subnormal 1e-320; equal huge values (1e200) give 0.")
    add_case(S + "/huge_and_tiny_differences", L,
             ([1e150, 1e-300, 0.0, 1e-160, 3.0, -1e-155], [-1e150, 0.0, 0.0, 0.0, 3.0, 1e-155]), "scalar", SUMMEAN,
             note="A difference of 2e150 squares to 4e300 (finite); tiny differences square to 0 or subnormals.")
    xi = [list(r) for r in x[:4]]
    xi[1][2] = INF
    xi[3][0] = -INF
    add_case(M + "/infinite_input", L, (xi, t[:4]), "matrix", STD,
             note="+inf and -inf inputs: those elements are +inf, so are sum and mean.")
    xn = list(xs)
    xn[4] = NAN
    add_case(S + "/nan_input", L, (xn, ts), "scalar", SUMMEAN, note="A NaN input propagates to sum and mean.")
    add_case(M + "/empty", L, ([], []), "matrix", STD, c=3, note="No rows (C=3): mean NaN, sum 0, none [].")
    add_case(S + "/empty", L, ([], []), "scalar", SUMMEAN, c=1, note="No rows: mean NaN, sum 0.")
    g = gen("mse-sw")
    x, t = randn(g, (8, 3), scale=2.0).tolist(), randn(g, (8, 3), scale=2.0).tolist()
    family_sw(M, L, (x, t), "matrix", SUMMEAN, note="C=3.", frac_zero=True)
    add_case(M + "/sample_weight_all_zero", L, (x, t), "matrix", SUMMEAN, sw=[0.0] * 8,
             note="Every sample weight 0: mean NaN, sum 0.")
    g = gen("mse-f32")
    x, t = randn(g, (8, 3), F32, 2.0).tolist(), randn(g, (8, 3), F32, 2.0).tolist()
    add_case(M + "/float32", L, (x, t), "matrix", STD, dtype="float32", note=FAMILY_F32_NOTE)
