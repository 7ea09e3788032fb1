"""Golden cases for binary_cross_entropy: probabilities, matrix and scalar columns, weight, the 2.x log1p case."""

import torch

from ..data import F32, F64, gen, rand, probs_in_01
from ..harness import STD, SUMMEAN, NM, BCE_13_NOTE, add_family, sw_families


def build():
    L = "binary_cross_entropy"
    PM, PS = L + "/matrix", L + "/scalar"
    note13 = BCE_13_NOTE
    g = gen("bce-matrix")
    x = probs_in_01(g, (8, 3))
    th = torch.bernoulli(torch.full((8, 3), 0.5, dtype=F64), generator=g).tolist()
    ts = rand(g, (8, 3)).tolist()
    add_family(PM + "/hard_targets", L, x, "elementwise", th, STD, note="Multi-label rows, C=3, targets 0/1. " + note13,
               per_class_on=("sum", "mean"))
    add_family(PM + "/soft_targets", L, x, "elementwise", ts, STD, note="Soft targets in (0, 1). " + note13)
    add_family(PM + "/weight", L, x, "elementwise", th, STD, {"weight": [0.5, 2.0, 1.25]},
               note="Per-class weight broadcast over the C=3 columns. " + note13, per_class_on=("mean",))
    add_family(PM + "/weight+soft_targets", L, x, "elementwise", ts, STD, {"weight": [1.5, 0.0, 0.75]},
               note="Weight (one entry 0) with soft targets. " + note13)
    for c, n in ((2, 6), (5, 7)):
        g2 = gen("bce-matrix-C%d" % c)
        add_family("%s/C%d" % (PM, c), L, probs_in_01(g2, (n, c)), "elementwise", rand(g2, (n, c)).tolist(), NM,
                   note="Soft targets, C=%d. " % c + note13)
    g = gen("bce-scalar")
    xs = probs_in_01(g, (9,))
    tsh = torch.bernoulli(torch.full((9,), 0.5, dtype=F64), generator=g).tolist()
    tss = rand(g, (9,)).tolist()
    add_family(PS + "/hard_targets", L, xs, "scalar", tsh, STD, shape="scalar",
               note="Scalar binary column (C=1), targets 0/1. " + note13, per_class_on=("sum", "mean"))
    add_family(PS + "/soft_targets", L, xs, "scalar", tss, STD, shape="scalar", note="Scalar column, soft targets. " + note13)
    add_family(PS + "/weight", L, xs, "scalar", tsh, STD, {"weight": [2.5]}, shape="scalar",
               note="Scalar column with a length-1 weight. " + note13)
    # exact 0 and 1
    x01 = [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.5], [0.0, 1.0, 0.25]]
    t01 = [[0.0, 1.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.3, 0.0], [1.0, 0.0, 0.5], [0.7, 1.0, 1.0]]
    add_family(PM + "/exact_0_1", L, x01, "elementwise", t01, STD,
               note="Probabilities exactly 0 and 1 with targets 0, 1 and soft: each log is clamped at -100 "
               "(loss 100 for a confident wrong answer, 0 for a right one, 100*t for soft targets).")
    add_family(PM + "/exact_0_1+weight", L, x01, "elementwise", t01, SUMMEAN, {"weight": [0.5, 2.0, 1.25]},
               note="Exact 0/1 probabilities with weight.")
    add_family(PS + "/exact_0_1", L, [0.0, 1.0, 0.0, 1.0, 0.0, 1.0], "scalar", [0.0, 1.0, 1.0, 0.0, 0.4, 0.9], STD,
               shape="scalar", note="Scalar column with probabilities exactly 0 and 1 (log clamp at -100).")
    # the 2.x vs 1.13 case
    xt = [[1e-17, 0.5, 3e-17], [2.5e-18, 1e-300, 0.25], [1e-16, 0.75, 5e-324], [0.9, 1e-17, 0.125]]
    tt = [[0.0, 1.0, 0.0], [0.0, 0.0, 0.5], [0.3, 0.0, 0.0], [1.0, 0.0, 1.0]]
    add_family(PM + "/tiny_probabilities_2x_vs_1.13", L, xt, "elementwise", tt, STD, {"weight": [1.0, 2.0, 0.5]},
               special="bce_log1p",
               note="Inputs within 1e-16 of 0: 2.x vs 1.13 differ here (1.13's log(1-x) rounds 1-x to 1 and gives "
               "0 where log1p(-x) gives -x); the expectation follows 2.x.")
    # empty
    add_family(PM + "/empty", L, [], "elementwise", [], STD, c=3, note="No rows: mean NaN, sum 0.")
    add_family(PS + "/empty", L, [], "scalar", [], SUMMEAN, shape="scalar", c=1, note="No rows: mean NaN, sum 0.")
    # sample weights
    g = gen("bce-sw")
    x = probs_in_01(g, (8, 3))
    t = rand(g, (8, 3)).tolist()
    sw_families(PM, L, x, "elementwise", t, SUMMEAN, note="Soft targets. " + note13, frac_zero=True)
    sw_families(PM + "/weight", L, x, "elementwise", t, SUMMEAN, {"weight": [0.5, 2.0, 1.25]},
                note="Soft targets with weight. " + note13)
    xs = probs_in_01(g, (7,))
    tsc = torch.bernoulli(torch.full((7,), 0.5, dtype=F64), generator=g).tolist()
    sw_families(PS, L, xs, "scalar", tsc, SUMMEAN, shape="scalar", note="Scalar column. " + note13)
    sw_families(PS + "/weight", L, xs, "scalar", tsc, SUMMEAN, {"weight": [0.4]}, shape="scalar",
                note="Scalar column with weight. " + note13, per_class=False)
    add_family(PM + "/sample_weight_all_zero", L, x, "elementwise", t, SUMMEAN, sw=[0.0] * 8,
               note="Every sample weight 0: mean NaN, sum 0.")
    # float32
    g = gen("bce-f32")
    x = probs_in_01(g, (8, 3), F32)
    t = rand(g, (8, 3), F32).tolist()
    f32 = "float32 input and targets (exactly representable values). " + note13
    add_family(PM + "/float32", L, x, "elementwise", t, STD, dtype="float32", note=f32)
    add_family(PM + "/float32/weight", L, x, "elementwise", t, SUMMEAN, {"weight": [0.5, 2.0, 1.25]},
               dtype="float32", note=f32)
    xs = probs_in_01(g, (8,), F32)
    tsc = torch.bernoulli(torch.full((8,), 0.5, dtype=F32), generator=g).tolist()
    add_family(PS + "/float32", L, xs, "scalar", tsc, STD, dtype="float32", shape="scalar", note=f32)
