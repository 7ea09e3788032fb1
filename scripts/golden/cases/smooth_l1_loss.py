"""Golden cases for smooth_l1_loss: 0.5 d^2 / beta below beta, abs(d) - 0.5 beta above; beta = 0 is l1."""

from ..data import F32, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def build():
    L = "smooth_l1_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("smooth_l1-matrix")
    x, t = randn(g, (8, 3), scale=1.5).tolist(), randn(g, (8, 3), scale=1.5).tolist()
    add_case(M + "/default_beta", L, (x, t), "matrix", STD, per_class_on=("sum", "mean"),
             note="beta not given (PyTorch's default 1.0); differences on both sides of beta.")
    add_case(M + "/beta=0.5", L, (x, t), "matrix", STD, {"beta": 0.5}, note="beta 0.5.")
    add_case(M + "/beta=0.0", L, (x, t), "matrix", STD, {"beta": 0.0},
             note="beta 0: the loss is l1, abs(d) (PyTorch routes beta 0 to l1_loss).")
    add_case(M + "/beta=2.5", L, (x, t), "matrix", NM, {"beta": 2.5}, note="beta 2.5: most differences below beta.")
    g = gen("smooth_l1-scalar")
    xs, ts = randn(g, (9,), scale=1.0).tolist(), randn(g, (9,), scale=1.0).tolist()
    add_case(S + "/beta=0.25", L, (xs, ts), "scalar", STD, {"beta": 0.25}, per_class_on=("mean",),
             note="Scalar column (C=1), beta 0.25.")
    xb = [[0.5, -0.5, 1.75], [0.0, 2.0, 0.4999999999999999], [1e-300, 0.25, -3.0]]
    tb = [[0.0, 0.0, 1.25], [0.0, 1.5, 0.0], [0.0, 0.75, -3.0]]
    add_case(M + "/boundary/beta=0.5", L, (xb, tb), "matrix", STD, {"beta": 0.5},
             note="abs(d) exactly beta (0.5: the abs(d) - 0.5 beta branch, 0.25 either way), just below beta, 0 "
             "and 1e-300 (0.5 d^2 / beta underflows to 0).")
    add_case(S + "/huge_and_tiny/beta=1e-06", L, ([1e300, 1e-7, -1e-300, 4.0], [-1e300, 0.0, 0.0, 4.0]), "scalar",
             STD, {"beta": 1e-6}, note="Tiny beta 1e-6: a difference of 2e300 stays finite, 1e-7 is below beta.")
    xn = [list(r) for r in x[:4]]
    xn[1][0] = NAN
    xn[3][2] = -INF
    add_case(M + "/nonfinite", L, (xn, t[:4]), "matrix", STD,
             note="A NaN input propagates (element, sum, mean); a -inf input gives +inf for its element.")
    add_case(M + "/empty", L, ([], []), "matrix", SUMMEAN, {"beta": 0.5}, c=3, note="No rows: mean NaN, sum 0.")
    g = gen("smooth_l1-sw")
    x, t = randn(g, (8, 3), scale=1.5).tolist(), randn(g, (8, 3), scale=1.5).tolist()
    family_sw(M + "/beta=0.5", L, (x, t), "matrix", SUMMEAN, {"beta": 0.5}, note="beta 0.5.")
    g = gen("smooth_l1-f32")
    x, t = randn(g, (8, 3), F32, 1.5).tolist(), randn(g, (8, 3), F32, 1.5).tolist()
    add_case(M + "/float32/beta=0.5", L, (x, t), "matrix", SUMMEAN, {"beta": 0.5}, dtype="float32",
             note=FAMILY_F32_NOTE)
