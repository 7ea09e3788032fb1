"""Golden cases for nll_loss: log-probability inputs used as given, weight, ignore_index."""

from ..data import F32, gen, randn, index_targets, log_softmax_rows
from ..harness import STD, SUMMEAN, NM, add_family, sw_families
from ..reference import NAN, INF


def build():
    L = "nll_loss"
    P = L + "/index"
    for c, n in ((2, 6), (3, 8), (5, 10)):
        g = gen("nll-plain-%d" % c)
        add_family("%s/C%d" % (P, c), L, randn(g, (n, c), scale=3.0).tolist(), "index", index_targets(g, n, c),
                   STD if c == 3 else NM, note="Arbitrary (not normalized, some positive) inputs used as given.",
                   per_class_on=("sum", "mean") if c == 3 else ())
    g = gen("nll-weight")
    x = randn(g, (9, 3), scale=3.0).tolist()
    t = index_targets(g, 9, 3)
    ti = list(t)
    ti[2] = ti[7] = -100
    w = [0.5, 2.0, 1.25]
    add_family(P + "/weight", L, x, "index", t, STD, {"weight": w}, note="Per-class weight.",
               per_class_on=("sum", "mean"))
    add_family(P + "/ignore_index_default", L, x, "index", ti, STD,
               note="Targets hold the default ignore_index -100.")
    add_family(P + "/weight+ignore_index_default", L, x, "index", ti, STD, {"weight": w},
               note="Weight plus default ignore_index rows.", per_class_on=("mean",))
    for ii in (2, 0):
        tc = list(t)
        tc[0] = ii
        if ii == 2:
            add_family("%s/ignore_index=%d" % (P, ii), L, x, "index", tc, STD, {"ignore_index": ii},
                       note="Custom ignore_index %d." % ii)
            continue
        add_family("%s/weight+ignore_index=%d" % (P, ii), L, x, "index", tc, STD,
                   {"weight": [2.0, 0.75, 1.5], "ignore_index": ii}, note="Weight plus custom ignore_index %d." % ii)
    g = gen("nll-example")
    add_family(P + "/weighted_mean_example", L, randn(g, (3, 2)).tolist(), "index", [0, 1, 1], STD,
               {"weight": [1.0, 2.0]}, note="Weighted mean: (l0 + 2 l1 + 2 l2) / 5.")
    add_family(P + "/zero_weight_sum", L, x[:4], "index", [0, 0, 0, 0], SUMMEAN, {"weight": [0.0, 1.0, 2.0]},
               note="Zero weight sum: mean NaN, sum 0.")
    add_family(P + "/all_ignored", L, x[:4], "index", [-100] * 4, STD, note="Every row ignored: mean NaN, sum 0.")
    add_family(P + "/empty", L, [], "index", [], STD, c=3, note="No rows: mean NaN, sum 0.")
    xn = [list(r) for r in x[:5]]
    xn[1][t[1]] = NAN
    xn[3][(t[3] + 1) % 3] = NAN
    add_family(L + "/nonfinite/nan_input", L, xn, "index", t[:5], STD,
               note="NaN at a target position propagates; NaN at a non-target position does not matter.")
    xi = [list(r) for r in x[:5]]
    xi[2][t[2]] = -INF
    add_family(L + "/nonfinite/neginf_input", L, xi, "index", t[:5], SUMMEAN,
               note="-inf at the target position: loss +inf.")
    g = gen("nll-logprobs")
    add_family(P + "/log_softmax_input", L, log_softmax_rows(g, 7, 5), "index", index_targets(g, 7, 5), STD,
               {"weight": [1.0, 0.5, 2.0, 0.0, 1.5]}, note="Inputs are log_softmax of random logits; a zero weight.")
    # sample weights
    g = gen("nll-sw")
    x = randn(g, (8, 3), scale=3.0).tolist()
    t = index_targets(g, 8, 3)
    ti = list(t)
    ti[2] = -100
    sw_families(P + "/plain", L, x, "index", t, SUMMEAN, note="Class-index targets.")
    sw_families(P + "/weight+ignore_index", L, x, "index", ti, SUMMEAN, {"weight": [0.5, 2.0, 1.25]},
                note="With weight and an ignored row.", frac_zero=True)
    sw_families(P + "/weight+ignore_index=0", L, x, "index", t, SUMMEAN, {"weight": [0.5, 2.0, 1.25], "ignore_index": 0},
                note="With weight and custom ignore_index 0.", per_class=False)
    # float32
    g = gen("nll-f32")
    x = randn(g, (8, 3), F32, 3.0).tolist()
    t = index_targets(g, 8, 3)
    t[4] = -100
    add_family(P + "/float32/weight+ignore_index", L, x, "index", t, STD, {"weight": [0.5, 2.0, 1.25]},
               dtype="float32", note="float32 input (exactly representable values).")
