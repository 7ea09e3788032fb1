"""Golden cases for binary_cross_entropy_with_logits: logits, weight and pos_weight, extreme logits."""

import torch

from ..data import F32, F64, gen, randn, rand
from ..harness import CASES, STD, SUMMEAN, NM, BCEWL_13_NOTE, add_family, sw_families
from ..reference import NAN, INF


def build():
    L = "binary_cross_entropy_with_logits"
    start = len(CASES)
    PM, PS = L + "/matrix", L + "/scalar"
    g = gen("bcewl-matrix")
    x = randn(g, (8, 3), scale=2.5).tolist()
    th = torch.bernoulli(torch.full((8, 3), 0.5, dtype=F64), generator=g).tolist()
    ts = rand(g, (8, 3)).tolist()
    w, pw = [0.5, 2.0, 1.25], [3.0, 0.5, 1.0]
    add_family(PM + "/hard_targets", L, x, "elementwise", th, STD, note="Multi-label logits, C=3, targets 0/1.",
               per_class_on=("sum", "mean"))
    add_family(PM + "/soft_targets", L, x, "elementwise", ts, STD, note="Soft targets in (0, 1).")
    add_family(PM + "/weight", L, x, "elementwise", th, STD, {"weight": w}, note="Per-class weight.")
    add_family(PM + "/pos_weight", L, x, "elementwise", th, STD, {"pos_weight": pw}, note="Per-class pos_weight.",
               per_class_on=("mean",))
    add_family(PM + "/weight+pos_weight", L, x, "elementwise", ts, STD, {"weight": w, "pos_weight": pw},
               note="Weight and pos_weight with soft targets.", per_class_on=("sum",))
    for c, n in ((2, 6), (5, 7)):
        g2 = gen("bcewl-matrix-C%d" % c)
        add_family("%s/C%d/pos_weight" % (PM, c), L, randn(g2, (n, c), scale=2.0).tolist(), "elementwise",
                   rand(g2, (n, c)).tolist(), NM, {"pos_weight": [2.0, 0.25, 1.5, 4.0, 0.0][:c]},
                   note="Soft targets with pos_weight, C=%d." % c)
    g = gen("bcewl-scalar")
    xs = randn(g, (9,), scale=2.5).tolist()
    tsh = torch.bernoulli(torch.full((9,), 0.5, dtype=F64), generator=g).tolist()
    tss = rand(g, (9,)).tolist()
    add_family(PS + "/hard_targets", L, xs, "scalar", tsh, STD, shape="scalar", note="Scalar logit column, targets 0/1.",
               per_class_on=("sum", "mean"))
    add_family(PS + "/soft_targets", L, xs, "scalar", tss, STD, shape="scalar", note="Scalar column, soft targets.")
    add_family(PS + "/pos_weight", L, xs, "scalar", tsh, STD, {"pos_weight": [4.0]}, shape="scalar",
               note="Scalar column, length-1 pos_weight.")
    add_family(PS + "/weight+pos_weight", L, xs, "scalar", tss, STD, {"weight": [0.75], "pos_weight": [4.0]},
               shape="scalar", note="Scalar column, weight and pos_weight, soft targets.")
    # extreme
    xe = [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0], [1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, 1e-300],
          [40.0, -40.0, 800.0]]
    te = [[0.0, 1.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.3, 0.0], [0.5, 0.0, 1.0], [0.0, 1.0, 0.25]]
    add_family(PM + "/extreme_logits", L, xe, "elementwise", te, STD,
               note="Logits of +-1000 (and +-40, 800): stable softplus, no overflow (losses up to 1000).")
    add_family(PM + "/extreme_logits+weight+pos_weight", L, xe, "elementwise", te, STD, {"weight": w, "pos_weight": pw},
               note="Logits of +-1000 with weight and pos_weight.")
    add_family(PS + "/extreme_logits", L, [1000.0, -1000.0, 1000.0, -1000.0, 0.0], "scalar", [0.0, 1.0, 1.0, 0.0, 0.5],
               STD, {"pos_weight": [2.0]}, shape="scalar", note="Scalar logits of +-1000 with pos_weight.")
    xn = [list(r) for r in x[:4]]
    xn[1][0] = NAN
    xn[2][2] = INF
    add_family(PM + "/nonfinite", L, xn, "elementwise", th[:4], STD,
               note="A NaN logit propagates (row and reductions NaN); a +inf logit with target %r." % th[2][2])
    add_family(PM + "/empty", L, [], "elementwise", [], STD, c=3, note="No rows: mean NaN, sum 0.")
    add_family(PS + "/empty", L, [], "scalar", [], SUMMEAN, shape="scalar", c=1, note="No rows: mean NaN, sum 0.")
    # sample weights
    g = gen("bcewl-sw")
    x = randn(g, (8, 3), scale=2.5).tolist()
    t = rand(g, (8, 3)).tolist()
    sw_families(PM, L, x, "elementwise", t, SUMMEAN, note="Soft targets.")
    sw_families(PM + "/weight+pos_weight", L, x, "elementwise", t, SUMMEAN, {"weight": w, "pos_weight": pw},
                note="Soft targets with weight and pos_weight.", frac_zero=True)
    xs = randn(g, (7,), scale=2.5).tolist()
    tsc = torch.bernoulli(torch.full((7,), 0.5, dtype=F64), generator=g).tolist()
    sw_families(PS + "/pos_weight", L, xs, "scalar", tsc, SUMMEAN, {"pos_weight": [2.5]}, shape="scalar",
                note="Scalar column with pos_weight.")
    # float32
    g = gen("bcewl-f32")
    x = randn(g, (8, 3), F32, 2.5).tolist()
    t = rand(g, (8, 3), F32).tolist()
    f32 = "float32 input and targets (exactly representable values)."
    add_family(PM + "/float32", L, x, "elementwise", t, STD, dtype="float32", note=f32)
    add_family(PM + "/float32/weight+pos_weight", L, x, "elementwise", t, SUMMEAN, {"weight": w, "pos_weight": pw},
               dtype="float32", note=f32)
    xs = randn(g, (8,), F32, 2.5).tolist()
    tsc = torch.bernoulli(torch.full((8,), 0.5, dtype=F32), generator=g).tolist()
    add_family(PS + "/float32", L, xs, "scalar", tsc, STD, dtype="float32", shape="scalar", note=f32)
    for case in CASES[start:]:
        case["note"] = (case["note"] + " " + BCEWL_13_NOTE).strip()
