"""Golden cases for soft_margin_loss: element-wise ln(1 + exp(-y x)), targets +-1 and others."""

import torch

from ..data import F32, F64, gen, randn
from ..harness import FAMILY_CASES, FAMILY_F32_NOTE, NM, SOFT_MARGIN_13_NOTE, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def signs(g, shape, dtype=F64):
    return torch.bernoulli(torch.full(shape, 0.5, dtype=dtype), generator=g).mul(2).sub(1).tolist()


def build():
    L = "soft_margin_loss"
    M, S = L + "/matrix", L + "/scalar"
    start = len(FAMILY_CASES)
    g = gen("soft_margin-matrix")
    x, y = randn(g, (8, 3), scale=2.0).tolist(), signs(g, (8, 3))
    add_case(M + "/plain", L, (x, y), "matrix", STD, per_class_on=("sum", "mean"), note="Targets +-1, C=3.")
    g = gen("soft_margin-scalar")
    xs, ys = randn(g, (9,), scale=2.0).tolist(), signs(g, (9,))
    add_case(S + "/plain", L, (xs, ys), "scalar", STD, per_class_on=("mean",), note="Scalar column (C=1), targets +-1.")
    yo = [[0.0, 0.5, 2.0], [-3.0, 1.0, -1.0], [0.25, -0.5, 1.5], [-1.0, 0.0, 1.0]]
    add_case(M + "/targets_not_pm1", L, (x[:4], yo), "matrix", STD,
             note="Targets other than +-1 (0, 0.5, 2, -3, ...): PyTorch computes them silently, so does the contract "
             "(target 0 gives ln 2).")
    xo = [[-1000.0, 710.0, -709.0], [0.5, 1000.0, -2.0]]
    yo = [[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]
    add_case(M + "/overflow", L, (xo, yo), "matrix", STD,
             note="-y*x = 1000 and 710: PyTorch (1.13 and 2.x) evaluates exp(-y*x) first, which overflows, so the "
             "element is +inf (mathematically about -y*x), and so are sum and mean; -y*x = 709 stays finite (709.0).")
    xn = [list(r) for r in x[:4]]
    xn[0][2] = NAN
    xn[1][0] = INF
    xn[2][1] = -INF
    yn = [list(r) for r in y[:4]]
    yn[1][0], yn[2][1] = 1.0, 1.0
    add_case(M + "/nonfinite", L, (xn, yn), "matrix", NM,
             note="NaN propagates; x = +inf with y = 1 gives 0 (exp(-inf) = 0), x = -inf with y = 1 gives +inf.")
    add_case(M + "/empty", L, ([], []), "matrix", SUMMEAN, c=3, note="No rows: mean NaN, sum 0.")
    g = gen("soft_margin-sw")
    x, y = randn(g, (8, 3), scale=2.0).tolist(), signs(g, (8, 3))
    family_sw(M, L, (x, y), "matrix", SUMMEAN, note="Targets +-1.")
    g = gen("soft_margin-f32")
    x, y = randn(g, (8, 3), F32, 2.0).tolist(), signs(g, (8, 3), F32)
    add_case(M + "/float32", L, (x, y), "matrix", SUMMEAN, dtype="float32", note=FAMILY_F32_NOTE)
    for case in FAMILY_CASES[start:]:
        case["note"] = case["note"] + " " + SOFT_MARGIN_13_NOTE
    # where 1.13 and 2.x differ beyond the last bits: exp(-y*x) below ~1.1e-16
    xl = [[40.0, -50.0, 100.0], [700.0, 37.5, -600.0], [2.0, -3.0, 36.0]]
    yl = [[1.0, -1.0, 1.0], [1.0, 1.0, -1.0], [1.0, -1.0, 1.0]]
    add_case(M + "/large_margins_2x_vs_1.13", L, (xl, yl), "matrix", STD, special="soft_margin_2x",
             note="y*x of 36 to 700: the loss is exp(-y*x) (4.2e-18 at 40, 9.9e-305 at 700). 2.x vs 1.13: 1.13's "
             "log(1 + exp(-y*x)) gives 0 here, 2.x's log1p(exp(-y*x)) keeps the value; the expectation follows 2.x.")
