"""Golden cases for kl_div: probability and log-probability targets, the per-class weight extension, batchmean."""

from ..data import F32, gen, softmax_rows, log_softmax_rows
from ..harness import KLRED, add_family, sw_families


def build():
    L = "kl_div"
    P = L
    g = gen("kl-main")
    x = log_softmax_rows(g, 8, 3)
    t = softmax_rows(g, 8, 3)
    tl = log_softmax_rows(g, 8, 3)
    w = [0.5, 2.0, 1.25]
    add_family(P + "/probs_target", L, x, "elementwise", t, KLRED,
               note="Input: log_softmax of random logits; target: probabilities (log_target false, not set).",
               per_class_on=("sum", "mean"))
    add_family(P + "/log_target=false", L, x, "elementwise", t, ["mean", "batchmean"], {"log_target": False},
               note="log_target false set explicitly.")
    add_family(P + "/log_target=true", L, x, "elementwise", tl, KLRED, {"log_target": True},
               note="log_target true: target given as log-probabilities.", per_class_on=("sum",))
    add_family(P + "/weight", L, x, "elementwise", t, KLRED, {"weight": w},
               note="Per-class weight (project extension).", per_class_on=("sum", "mean"))
    add_family(P + "/weight+log_target=true", L, x, "elementwise", tl, KLRED, {"weight": w, "log_target": True},
               note="Per-class weight (project extension) with log_target true.")
    # zero targets: xlogy(0, 0) = 0 whatever x is
    g = gen("kl-zero")
    xz = log_softmax_rows(g, 6, 3)
    xz[1] = [2.5, -1000.0, 0.0]
    xz[4] = [-50.0, 7.25, -1e-300]
    tz = softmax_rows(g, 6, 3)
    tz[0] = [0.0, 1.0, 0.0]
    tz[1] = [0.0, 0.0, 0.0]
    tz[2][2] = 0.0
    tz[4] = [0.0, 0.0, 1.0]
    add_family(P + "/zero_targets", L, xz, "elementwise", tz, KLRED,
               note="Targets exactly 0 (xlogy(0, 0) = 0), including a zero row and t=0 with arbitrary x "
               "(positive, -1000, -50).", per_class_on=("mean",))
    add_family(P + "/zero_targets+weight", L, xz, "elementwise", tz, ["sum", "mean", "batchmean"], {"weight": [1.5, 0.0, 0.75]},
               note="Zero targets with weight (project extension, one entry 0).")
    for c, n in ((2, 6), (5, 7)):
        g2 = gen("kl-C%d" % c)
        xc, tc = log_softmax_rows(g2, n, c), softmax_rows(g2, n, c)
        tlc = log_softmax_rows(g2, n, c)
        if c == 2:
            add_family("%s/C%d" % (P, c), L, xc, "elementwise", tc, KLRED, note="C=%d." % c)
        else:
            add_family("%s/C%d/log_target=true" % (P, c), L, xc, "elementwise", tlc, KLRED, {"log_target": True},
                       note="C=%d, log_target true." % c)
    add_family(P + "/empty", L, [], "elementwise", [], KLRED, c=3,
               note="No rows: mean and batchmean NaN, sum 0.")
    # sample weights
    g = gen("kl-sw")
    x = log_softmax_rows(g, 8, 3)
    t = softmax_rows(g, 8, 3)
    t[2][0] = 0.0
    tl = log_softmax_rows(g, 8, 3)
    sw_families(P + "/probs_target", L, x, "elementwise", t, ["sum", "mean", "batchmean"],
                note="Probability targets (one 0).", frac_zero=True)
    sw_families(P + "/weight+log_target=true", L, x, "elementwise", tl, ["sum", "mean", "batchmean"],
                {"weight": w, "log_target": True}, note="log_target true with weight (project extension).")
    sw_families(P + "/weight", L, x, "elementwise", t, ["batchmean"], {"weight": w},
                note="Weight (project extension).", per_class=True)
    add_family(P + "/sample_weight_all_zero", L, x, "elementwise", t, ["sum", "batchmean"], sw=[0.0] * 8,
               note="Every sample weight 0: batchmean NaN, sum 0.")
    # float32
    g = gen("kl-f32")
    x = log_softmax_rows(g, 8, 3, F32)
    t = softmax_rows(g, 8, 3, F32)
    tl = log_softmax_rows(g, 8, 3, F32)
    f32 = "float32 input and targets (exactly representable values)."
    add_family(P + "/float32", L, x, "elementwise", t, KLRED, dtype="float32", note=f32)
    add_family(P + "/float32/log_target=true", L, x, "elementwise", tl, KLRED, {"log_target": True},
               dtype="float32", note=f32)
    add_family(P + "/float32/weight", L, x, "elementwise", t, ["sum", "batchmean"], {"weight": w},
               dtype="float32", note=f32 + " Weight is the project extension; expected_torch_float32 multiplies "
               "and sums in float32 with torch.")
