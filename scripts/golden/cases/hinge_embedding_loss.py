"""Golden cases for hinge_embedding_loss: x where y != -1, plus max(0, margin - x) where y != 1."""

import torch

from ..data import F32, F64, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import INF, NAN


def signs(g, shape, dtype=F64):
    return torch.bernoulli(torch.full(shape, 0.5, dtype=dtype), generator=g).mul(2).sub(1).tolist()


def build():
    L = "hinge_embedding_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("hinge-matrix")
    x, y = randn(g, (8, 3), scale=1.5).tolist(), signs(g, (8, 3))
    add_case(M + "/plain", L, (x, y), "matrix", STD, per_class_on=("sum", "mean"),
             note="Targets +-1, margin not given (PyTorch's default 1.0): y = 1 gives x itself (negative inputs "
             "give negative losses), y = -1 gives max(0, 1 - x).")
    add_case(M + "/margin=2.0", L, (x, y), "matrix", NM, {"margin": 2.0}, note="margin 2.")
    g = gen("hinge-scalar")
    xs, ys = randn(g, (9,), scale=1.5).tolist(), signs(g, (9,))
    add_case(S + "/margin=0.5", L, (xs, ys), "scalar", STD, {"margin": 0.5}, per_class_on=("mean",),
             note="Scalar column (C=1), margin 0.5.")
    add_case(S + "/margin=0.0", L, (xs, ys), "scalar", NM, {"margin": 0.0}, note="margin 0.")
    yo = [[0.0, 0.5, 2.0], [-2.0, 1.0, -1.0], [0.0, -0.5, 3.0], [1.0, -1.0, 0.25]]
    add_case(M + "/targets_not_pm1", L, (x[:4], yo), "matrix", STD,
             note="Targets other than +-1 (0, 0.5, 2, -2, ...): both of PyTorch's masks apply, the loss is "
             "x + max(0, margin - x).")
    xn = [[NAN, 0.5, INF], [NAN, -INF, INF], [-INF, 2.0, 0.0]]
    yn = [[1.0, -1.0, 1.0], [-1.0, -1.0, -1.0], [1.0, 1.0, -1.0]]
    add_case(M + "/nonfinite", L, (xn, yn), "matrix", STD,
             note="NaN propagates with either target; +inf gives +inf with y = 1 and 0 with y = -1; -inf gives -inf "
             "with y = 1 and +inf with y = -1; sum and mean are NaN.")
    add_case(S + "/empty", L, ([], []), "scalar", SUMMEAN, c=1, note="No rows: mean NaN, sum 0.")
    g = gen("hinge-sw")
    x, y = randn(g, (8, 3), scale=1.5).tolist(), signs(g, (8, 3))
    family_sw(M + "/margin=0.5", L, (x, y), "matrix", SUMMEAN, {"margin": 0.5}, note="margin 0.5.")
    g = gen("hinge-f32")
    x, y = randn(g, (8, 3), F32, 1.5).tolist(), signs(g, (8, 3), F32)
    add_case(M + "/float32", L, (x, y), "matrix", SUMMEAN, dtype="float32", note=FAMILY_F32_NOTE)
