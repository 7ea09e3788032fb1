"""Golden cases for torchvision.ops.sigmoid_focal_loss: element-wise
binary_cross_entropy_with_logits * (1 - p_t)^gamma * alpha_t (alpha < 0 disables alpha_t)."""

import torch

from ..data import F32, F64, gen, rand, randn
from ..harness import FAMILY_CASES, FAMILY_F32_NOTE, FOCAL_13_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import NAN

DEFAULTS = "torchvision's defaults alpha 0.25, gamma 2"


def labels(g, shape, dtype=F64):
    return torch.bernoulli(torch.full(shape, 0.5, dtype=dtype), generator=g).tolist()


def build():
    L = "sigmoid_focal_loss"
    M, S = L + "/matrix", L + "/scalar"
    start = len(FAMILY_CASES)
    g = gen("focal-matrix")
    x, y, ys = randn(g, (8, 3), scale=2.0).tolist(), labels(g, (8, 3)), rand(g, (8, 3)).tolist()
    add_case(M + "/default", L, (x, y), "matrix", STD, per_class_on=("sum", "mean"),
             note="Labels 0/1, alpha and gamma not given (%s); reduction always given (torchvision's own "
             "default is 'none')." % DEFAULTS)
    add_case(M + "/alpha=0.25+gamma=2.0", L, (x, y), "matrix", NM, {"alpha": 0.25, "gamma": 2.0},
             note="The defaults given explicitly.")
    add_case(M + "/alpha=-1.0", L, (x, y), "matrix", NM, {"alpha": -1.0},
             note="alpha < 0 disables the alpha_t factor.")
    add_case(M + "/gamma=0.0", L, (x, y), "matrix", SUMMEAN, {"gamma": 0.0},
             note="gamma 0: alpha_t times binary_cross_entropy_with_logits.")
    add_case(M + "/alpha=-1.0+gamma=0.0", L, (x, y), "matrix", NM, {"alpha": -1.0, "gamma": 0.0},
             note="alpha disabled and gamma 0: plain binary_cross_entropy_with_logits.")
    add_case(M + "/soft_targets/alpha=0.75+gamma=1.5", L, (x, ys), "matrix", STD, {"alpha": 0.75, "gamma": 1.5},
             per_class_on=("mean",), note="Soft targets in (0, 1), alpha 0.75, gamma 1.5.")
    g = gen("focal-scalar")
    xs, ysc = randn(g, (9,), scale=2.0).tolist(), labels(g, (9,))
    add_case(S + "/default", L, (xs, ysc), "scalar", STD, per_class_on=("mean",),
             note="Scalar column (C=1), %s." % DEFAULTS)
    xe = [[1000.0, -1000.0, 40.0], [-40.0, 1000.0, -1000.0], [45.0, -45.0, 0.0]]
    ye = [[1.0, 1.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.5]]
    add_case(M + "/extreme_logits", L, (xe, ye), "matrix", STD,
             note="Logits of +-1000, +-40, +-45 with gamma 2: right-side logits give exactly 0 (sigmoid rounds to 0 "
             "or 1), wrong-side ones about alpha_t * abs(x).")
    xn = [list(r) for r in x[:4]]
    xn[3][1] = NAN
    add_case(M + "/nan_input", L, (xn, y[:4]), "matrix", NM, note="A NaN logit propagates.")
    add_case(M + "/empty", L, ([], []), "matrix", SUMMEAN, c=3, note="No rows: mean NaN, sum 0.")
    g = gen("focal-sw")
    x, y = randn(g, (8, 3), scale=2.0).tolist(), labels(g, (8, 3))
    family_sw(M, L, (x, y), "matrix", SUMMEAN, note="Labels 0/1, %s." % DEFAULTS, frac_zero=True)
    g = gen("focal-f32")
    x, y = randn(g, (8, 3), F32, 2.0).tolist(), labels(g, (8, 3), F32)
    add_case(M + "/float32/alpha=0.75+gamma=1.5", L, (x, y), "matrix", SUMMEAN, {"alpha": 0.75, "gamma": 1.5},
             dtype="float32", note=FAMILY_F32_NOTE)
    for case in FAMILY_CASES[start:]:
        case["note"] = case["note"] + " " + FOCAL_13_NOTE
    # where 1.13 and 2.x differ beyond the last bits: softplus(-x) below ~1.1e-16 with gamma 0
    xg = [[40.0, 20.0, -40.0], [38.0, -37.0, 1.5]]
    yg = [[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]
    add_case(M + "/right_side_logits/gamma=0.0_2x_vs_1.13", L, (xg, yg), "matrix", STD, {"gamma": 0.0},
             special="focal_2x",
             note="gamma 0 with right-side logits: for x = 20, 38, 40 with target 1 the loss is alpha_t * "
             "log1p(exp(-x)) (1.06e-18 at 40); for x = -37, -40 with target 0 both versions give 0 ((1-t)*x - "
             "log_sigmoid(x) cancels). 2.x vs 1.13: 1.13's binary_cross_entropy_with_logits gives 0 for x = 38 "
             "and 40 and loses about 3e-8 relative at x = 20; 2.x's log_sigmoid keeps the value; the "
             "expectation follows 2.x.")
