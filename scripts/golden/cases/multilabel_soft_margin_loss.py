"""Golden cases for multilabel_soft_margin_loss: per row -(1/C) sum_c w_c (y ln sigmoid(x) + (1-y) ln sigmoid(-x))."""

import torch

from ..data import F32, F64, gen, rand, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import NAN


def labels(g, shape, dtype=F64):
    return torch.bernoulli(torch.full(shape, 0.5, dtype=dtype), generator=g).tolist()


def build():
    L = "multilabel_soft_margin_loss"
    g = gen("mlsm-main")
    x, y, ys = randn(g, (8, 3), scale=2.0).tolist(), labels(g, (8, 3)), rand(g, (8, 3)).tolist()
    w = [0.5, 2.0, 1.25]
    add_case(L + "/plain", L, (x, y), "matrix", STD, per_class_on=("sum", "mean"), note="Labels 0/1, C=3.")
    add_case(L + "/soft_targets", L, (x, ys), "matrix", STD, note="Soft targets in (0, 1).")
    add_case(L + "/weight", L, (x, y), "matrix", STD, {"weight": w}, per_class_on=("sum", "mean"),
             note="Per-class weight w_c multiplies each class term.")
    add_case(L + "/weight_with_zero+soft_targets", L, (x, ys), "matrix", NM, {"weight": [1.5, 0.0, 0.75]},
             note="Weight with a 0 entry, soft targets.")
    for c, n in ((2, 6), (5, 7)):
        g2 = gen("mlsm-C%d" % c)
        add_case("%s/C%d/weight" % (L, c), L, (randn(g2, (n, c), scale=2.0).tolist(), labels(g2, (n, c))), "matrix",
                 NM, {"weight": [2.0, 0.25, 1.5, 4.0, 0.5][:c]}, note="C=%d with weight." % c)
    xe = [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 40.0], [40.0, -40.0, 1e-300]]
    ye = [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.5]]
    add_case(L + "/extreme_logits", L, (xe, ye), "matrix", STD,
             note="Logits of +-1000 and +-40: log_sigmoid is stable (no overflow); wrong-side logits give losses of "
             "about abs(x) / C.")
    xn = [list(r) for r in x[:4]]
    xn[2][1] = NAN
    add_case(L + "/nan_input", L, (xn, y[:4]), "matrix", NM, note="A NaN logit gives NaN for its row and the mean.")
    add_case(L + "/empty", L, ([], []), "matrix", SUMMEAN, {"weight": w}, c=3, note="No rows: mean NaN, sum 0.")
    g = gen("mlsm-sw")
    x, y = randn(g, (8, 3), scale=2.0).tolist(), rand(g, (8, 3)).tolist()
    family_sw(L + "/weight", L, (x, y), "matrix", SUMMEAN, {"weight": w}, note="Soft targets with weight.",
              frac_zero=True)
    g = gen("mlsm-f32")
    x, y = randn(g, (8, 3), F32, 2.0).tolist(), labels(g, (8, 3), F32)
    add_case(L + "/float32/weight", L, (x, y), "matrix", SUMMEAN, {"weight": w}, dtype="float32",
             note=FAMILY_F32_NOTE)
