"""Golden cases for margin_ranking_loss: element-wise max(0, -y (x1 - x2) + margin)."""

import torch

from ..data import F32, F64, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def signs(g, shape, dtype=F64):
    return torch.bernoulli(torch.full(shape, 0.5, dtype=dtype), generator=g).mul(2).sub(1).tolist()


def build():
    L = "margin_ranking_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("margin_ranking-scalar")
    a, b, y = randn(g, (9,)).tolist(), randn(g, (9,)).tolist(), signs(g, (9,))
    add_case(S + "/default_margin", L, (a, b, y), "scalar", STD, per_class_on=("sum", "mean"),
             note="Scalar columns, margin not given (PyTorch's default 0): max(0, -y (x1 - x2)).")
    add_case(S + "/margin=0.5", L, (a, b, y), "scalar", STD, {"margin": 0.5}, note="margin 0.5.")
    add_case(S + "/margin=-0.5", L, (a, b, y), "scalar", NM, {"margin": -0.5}, note="A negative margin.")
    g = gen("margin_ranking-matrix")
    a, b, y = randn(g, (8, 3)).tolist(), randn(g, (8, 3)).tolist(), signs(g, (8, 3))
    add_case(M + "/default_margin", L, (a, b, y), "matrix", STD, per_class_on=("mean",),
             note="Matrix arguments (C=3), element-wise; margin 0.")
    add_case(M + "/margin=1.0", L, (a, b, y), "matrix", NM, {"margin": 1.0}, note="margin 1.")
    yo = [0.0, 2.0, -0.5, 1.0, -1.0, 0.0]
    add_case(S + "/targets_not_pm1/margin=0.25", L, ([1.0, 0.5, -1.0, 2.0, 2.0, -3.0],
                                                      [0.0, 1.5, 1.0, 2.0, 2.0, 4.0], yo), "scalar", STD,
             {"margin": 0.25}, note="Targets 0 (loss = margin), 2 and -0.5 are computed as given; equal inputs give "
             "the margin.")
    an = [[NAN, 0.0, INF], [1.0, -INF, 2.0]]
    bn = [[0.0, 1.0, INF], [0.5, 0.0, 1.0]]
    yn = [[1.0, 1.0, 1.0], [1.0, 1.0, -1.0]]
    add_case(M + "/nonfinite", L, (an, bn, yn), "matrix", STD,
             note="NaN propagates; inf - inf is NaN; x1 = -inf with y = 1 gives +inf; sum and mean NaN.")
    add_case(S + "/empty", L, ([], [], []), "scalar", SUMMEAN, c=1, note="No rows: mean NaN, sum 0.")
    g = gen("margin_ranking-sw")
    a, b, y = randn(g, (8,)).tolist(), randn(g, (8,)).tolist(), signs(g, (8,))
    family_sw(S + "/margin=0.5", L, (a, b, y), "scalar", SUMMEAN, {"margin": 0.5}, note="Scalar columns, margin 0.5.",
              frac_zero=True)
    g = gen("margin_ranking-f32")
    a, b, y = randn(g, (8, 3), F32).tolist(), randn(g, (8, 3), F32).tolist(), signs(g, (8, 3), F32)
    add_case(M + "/float32/margin=0.5", L, (a, b, y), "matrix", SUMMEAN, {"margin": 0.5}, dtype="float32",
             note=FAMILY_F32_NOTE)
