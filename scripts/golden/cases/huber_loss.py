"""Golden cases for huber_loss: 0.5 d^2 below delta, delta (abs(d) - 0.5 delta) above."""

from ..data import F32, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def build():
    L = "huber_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("huber-matrix")
    x, t = randn(g, (8, 3), scale=1.5).tolist(), randn(g, (8, 3), scale=1.5).tolist()
    add_case(M + "/default_delta", L, (x, t), "matrix", STD, per_class_on=("sum", "mean"),
             note="delta not given (PyTorch's default 1.0); differences on both sides of delta.")
    add_case(M + "/delta=0.5", L, (x, t), "matrix", STD, {"delta": 0.5}, note="delta 0.5.")
    add_case(M + "/delta=2.5", L, (x, t), "matrix", NM, {"delta": 2.5}, note="delta 2.5: most differences below delta.")
    add_case(M + "/delta=0.001", L, (x, t), "matrix", NM, {"delta": 0.001},
             note="Tiny delta 0.001: every difference above delta (about 0.001 abs(d)).")
    g = gen("huber-scalar")
    xs, ts = randn(g, (9,), scale=2.0).tolist(), randn(g, (9,), scale=2.0).tolist()
    add_case(S + "/delta=1.5", L, (xs, ts), "scalar", STD, {"delta": 1.5}, per_class_on=("sum", "mean"),
             note="Scalar column (C=1), delta 1.5.")
    xb = [[0.5, -0.5, 1.75], [0.0, 2.0, 0.4999999999999999], [1e-300, 0.25, -3.0]]
    tb = [[0.0, 0.0, 1.25], [0.0, 1.5, 0.0], [0.0, 0.75, -3.0]]
    add_case(M + "/boundary/delta=0.5", L, (xb, tb), "matrix", STD, {"delta": 0.5},
             note="abs(d) exactly delta (0.5: the delta branch, 0.125 either way), just below delta, 0 and 1e-300 "
             "(0.5 d^2 underflows to 0).")
    add_case(S + "/huge/delta=1e10", L, ([1e300, -1e297, 3.0, 1e-200], [-1e300, 0.0, 3.0, 0.0]), "scalar", STD,
             {"delta": 1e10}, note="delta 1e10: delta * abs(d) overflows to +inf for d = 2e300 (sum and mean +inf); "
             "1e10 * 1e297 stays finite; 1e-200 squares to 0.")
    xn = [list(r) for r in x[:4]]
    xn[0][0] = INF
    xn[2][1] = NAN
    add_case(M + "/nonfinite", L, (xn, t[:4]), "matrix", STD,
             note="A +inf input gives +inf for its element; a NaN input propagates (element, sum, mean).")
    add_case(S + "/empty", L, ([], []), "scalar", SUMMEAN, {"delta": 0.5}, c=1, note="No rows: mean NaN, sum 0.")
    g = gen("huber-sw")
    x, t = randn(g, (8, 3), scale=1.5).tolist(), randn(g, (8, 3), scale=1.5).tolist()
    family_sw(M + "/delta=0.5", L, (x, t), "matrix", SUMMEAN, {"delta": 0.5}, note="delta 0.5.", frac_zero=True)
    g = gen("huber-f32")
    xs, ts = randn(g, (8,), F32, 2.0).tolist(), randn(g, (8,), F32, 2.0).tolist()
    add_case(S + "/float32/delta=1.5", L, (xs, ts), "scalar", STD, {"delta": 1.5}, dtype="float32",
             note=FAMILY_F32_NOTE)
