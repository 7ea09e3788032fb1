"""Golden cases for gaussian_nll_loss: 0.5 (ln v + d^2 / v), v = max(var, eps); var per element or per row."""

from ..data import F32, gen, rand, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def build():
    L = "gaussian_nll_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("gaussian-matrix")
    x, t = randn(g, (8, 3), scale=1.5).tolist(), randn(g, (8, 3), scale=1.5).tolist()
    v = randn(g, (8, 3), scale=1.0).exp().tolist()
    vr = randn(g, (8,), scale=1.0).exp().tolist()
    add_case(M + "/var_per_element", L, (x, t, v), ("matrix", "matrix", "matrix"), STD,
             per_class_on=("sum", "mean"), note="var per element (same shape as input), defaults full false, eps 1e-6.")
    add_case(M + "/var_per_element+full=true", L, (x, t, v), ("matrix", "matrix", "matrix"), STD, {"full": True},
             note="full: adds 0.5 ln(2 pi) to every element.")
    add_case(M + "/var_per_row", L, (x, t, vr), ("matrix", "matrix", "scalar"), STD, per_class_on=("mean",),
             note="One var per row (var of shape (N,)), broadcast over the row's C=3 elements.")
    vr2 = list(vr)
    vr2[1], vr2[5], vr2[6] = 0.0, 0.001, 0.01
    add_case(M + "/var_per_row+full=true+eps=0.01", L, (x, t, vr2), ("matrix", "matrix", "scalar"), SUMMEAN,
             {"full": True, "eps": 0.01}, note="Per-row var with eps 0.01: var 0 and 0.001 are clamped to eps, "
             "0.01 equals eps.")
    vb = [list(r) for r in v[:5]]
    vb[0] = [0.0, 1e-9, 1e-7]
    vb[2] = [1e-6, 5e-6, 1e-300]
    vb[4][1] = 0.0
    add_case(M + "/var_below_eps", L, (x[:5], t[:5], vb), ("matrix", "matrix", "matrix"), STD,
             note="var 0, 1e-300, 1e-9 and 1e-7 are clamped to the default eps 1e-6 (large losses d^2 / 2e-6); "
             "1e-6 and 5e-6 are not.")
    g = gen("gaussian-scalar")
    xs, ts = randn(g, (9,), scale=2.0).tolist(), randn(g, (9,), scale=2.0).tolist()
    vs = rand(g, (9,)).mul(3.0).tolist()
    add_case(S + "/plain", L, (xs, ts, vs), "scalar", STD, per_class_on=("sum", "mean"),
             note="Scalar columns (C=1): input, target and var one number per row.")
    vs2 = list(vs)
    vs2[0], vs2[3] = 0.1, 0.0
    add_case(S + "/eps=0.5", L, (xs, ts, vs2), "scalar", NM, {"eps": 0.5},
             note="eps 0.5: every var below 0.5 (0 included) is clamped to 0.5.")
    xn = [list(r) for r in x[:4]]
    tn = [list(r) for r in t[:4]]
    xn[0][1] = INF
    tn[2][0] = NAN
    xn[3][2] = 1e200
    add_case(M + "/nonfinite", L, (xn, tn, v[:4]), ("matrix", "matrix", "matrix"), STD,
             note="A +inf input and a difference of 1e200 (d^2 overflows) give +inf; a NaN target propagates "
             "(element, sum, mean NaN).")
    add_case(M + "/empty", L, ([], [], []), ("matrix", "matrix", "scalar"), SUMMEAN, c=3,
             note="No rows (var per row): mean NaN, sum 0.")
    g = gen("gaussian-sw")
    x, t = randn(g, (8, 3), scale=1.5).tolist(), randn(g, (8, 3), scale=1.5).tolist()
    vr = randn(g, (8,), scale=1.0).exp().tolist()
    family_sw(M + "/var_per_row", L, (x, t, vr), ("matrix", "matrix", "scalar"), SUMMEAN, note="var per row.")
    g = gen("gaussian-f32")
    x, t = randn(g, (8, 3), F32, 1.5).tolist(), randn(g, (8, 3), F32, 1.5).tolist()
    v = randn(g, (8, 3), F32, 1.0).exp().tolist()
    add_case(M + "/float32/var_per_element", L, (x, t, v), ("matrix", "matrix", "matrix"), SUMMEAN,
             dtype="float32", note=FAMILY_F32_NOTE)
