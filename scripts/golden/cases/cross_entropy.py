"""Golden cases for cross_entropy: class-index and probability targets, weight, ignore_index, label smoothing."""

from ..data import F32, gen, rand, index_targets, logits, softmax_rows
from ..harness import STD, SUMMEAN, NM, add_family, sw_families
from ..reference import NAN, INF


def build():
    L = "cross_entropy"
    P = L + "/index"
    # plain, C = 2, 3, 5
    for c, n in ((2, 7), (3, 8), (5, 10)):
        g = gen("ce-plain-%d" % c)
        add_family("%s/C%d" % (P, c), L, logits(g, n, c), "index", index_targets(g, n, c), STD if c == 3 else NM,
                   note="Class-index targets, no options.", per_class_on=("sum", "mean") if c == 3 else ())
    # weight
    for c, n, w in ((3, 8, [0.5, 2.0, 1.25]), (5, 10, [1.0, 0.2, 3.0, 0.0, 1.5])):
        g = gen("ce-weight-%d" % c)
        add_family("%s/weight/C%d" % (P, c), L, logits(g, n, c), "index", index_targets(g, n, c), STD if c == 3 else NM,
                   {"weight": w}, note="Per-class weight (a zero weight entry when C=5); mean divides by "
                   "sum of w[y_n].", per_class_on=("sum", "mean"))
    # ignore_index default (-100) present in the targets
    g = gen("ce-ignore-default")
    x = logits(g, 9, 3)
    t = index_targets(g, 9, 3)
    t[1] = t[4] = t[7] = -100
    add_family(P + "/ignore_index_default", L, x, "index", t, STD,
               note="Targets hold the default ignore_index -100 (option not set): those rows give 0 and "
               "do not count in the mean.", per_class_on=("mean",))
    add_family(P + "/weight+ignore_index_default", L, x, "index", t, STD, {"weight": [0.5, 2.0, 1.25]},
               note="Weight plus default ignore_index -100 rows.", per_class_on=("sum", "mean"))
    add_family(P + "/ignore_index=-100", L, x, "index", t, ["mean"], {"ignore_index": -100},
               note="ignore_index -100 set explicitly.")
    # custom ignore_index 2 and 0
    for ii in (2, 0):
        g = gen("ce-ignore-%d" % ii)
        x = logits(g, 8, 3)
        t = index_targets(g, 8, 3)
        t[0] = ii
        if ii == 2:
            add_family("%s/ignore_index=%d" % (P, ii), L, x, "index", t, STD, {"ignore_index": ii},
                       note="Custom ignore_index %d: rows of class %d are ignored." % (ii, ii), per_class_on=("mean",))
            continue
        add_family("%s/weight+ignore_index=%d" % (P, ii), L, x, "index", t, STD,
                   {"weight": [2.0, 0.75, 1.5], "ignore_index": ii},
                   note="Weight plus custom ignore_index %d." % ii)
    # label smoothing
    g = gen("ce-smoothing")
    x = logits(g, 9, 3)
    t = index_targets(g, 9, 3)
    ti = list(t)
    ti[2] = ti[6] = -100
    tc = list(t)
    tc[0] = 1
    for e in (0.0, 0.1, 1.0):
        es = repr(e)
        add_family("%s/label_smoothing=%s" % (P, es), L, x, "index", t, STD, {"label_smoothing": e},
                   note="Label smoothing %s." % es, per_class_on=("sum", "mean") if e == 0.1 else ())
        if e != 0.1:
            add_family("%s/weight+ignore_index+label_smoothing=%s" % (P, es), L, x, "index", ti, STD,
                       {"weight": [0.5, 2.0, 1.25], "ignore_index": -100, "label_smoothing": e},
                       note="Weight, ignore_index and label smoothing %s together." % es)
            continue
        add_family("%s/weight+label_smoothing=%s" % (P, es), L, x, "index", t, STD,
                   {"weight": [0.5, 2.0, 1.25], "label_smoothing": e},
                   note="Weight with label smoothing %s: both terms weighted, one denominator sum of w[y_n]." % es,
                   per_class_on=("mean",) if e == 0.1 else ())
        add_family("%s/ignore_index+label_smoothing=%s" % (P, es), L, x, "index", ti, STD,
                   {"label_smoothing": e},
                   note="Default ignore_index -100 rows with label smoothing %s: ignored rows give 0 and are "
                   "left out of the mean (also for the smoothing term)." % es)
        add_family("%s/weight+ignore_index+label_smoothing=%s" % (P, es), L, x, "index", ti, STD,
                   {"weight": [0.5, 2.0, 1.25], "ignore_index": -100, "label_smoothing": e},
                   note="Weight, ignore_index and label smoothing %s together." % es,
                   per_class_on=("sum", "mean") if e == 0.1 else ())
    add_family(P + "/ignore_index=1+label_smoothing=0.2", L, x, "index", tc, STD,
               {"ignore_index": 1, "label_smoothing": 0.2},
               note="Custom ignore_index 1 with label smoothing 0.2.")
    for c, n in ((2, 6), (5, 10)):
        g = gen("ce-smoothing-C%d" % c)
        add_family("%s/weight+label_smoothing=0.3/C%d" % (P, c), L, logits(g, n, c), "index",
                   index_targets(g, n, c), NM,
                   {"weight": [1.5, 0.5, 2.0, 1.0, 0.25][:c], "label_smoothing": 0.3},
                   note="Weight with label smoothing 0.3, C=%d." % c)
    # the weighted mean of docs/LOSS-SEMANTICS.md: labels [0, 1, 1], weight [1, 2]
    g = gen("ce-weighted-mean-example")
    add_family(P + "/weighted_mean_example", L, logits(g, 3, 2), "index", [0, 1, 1], STD, {"weight": [1.0, 2.0]},
               note="Weighted mean divides by the weights of the rows' targets: (l0 + 2 l1 + 2 l2) / 5 "
               "with l the unweighted losses.", per_class_on=("sum", "mean"))
    # zero weight sum
    g = gen("ce-zero-weight-sum")
    x = logits(g, 4, 3)
    add_family(P + "/zero_weight_sum", L, x, "index", [0, 0, 0, 0], SUMMEAN, {"weight": [0.0, 1.0, 2.0]},
               note="Every row's target class has weight 0: the weight sum is 0, so mean is NaN (0/0); sum is 0.")
    add_family(P + "/zero_weight_sum+label_smoothing=0.1", L, x, "index", [0, 0, 0, 0], SUMMEAN,
               {"weight": [0.0, 1.0, 2.0], "label_smoothing": 0.1},
               note="Zero weight sum with label smoothing: the smoothing numerator is positive but PyTorch "
               "still gives NaN for mean (its nll part is 0/0 and NaN wins); docs/LOSS-SEMANTICS.md: a mean "
               "with a zero weight sum is NaN.")

    # probability targets
    PP = L + "/probs"
    g = gen("ce-probs")
    x = logits(g, 8, 3)
    q = softmax_rows(g, 8, 3)
    q[3] = [0.0, 1.0, 0.0]
    add_family(PP + "/plain", L, x, "probs", q, STD, note="Probability targets summing to 1 (one one-hot row).",
               per_class_on=("sum", "mean"))
    add_family(PP + "/weight", L, x, "probs", q, STD, {"weight": [0.5, 2.0, 1.25]},
               note="Probability targets with weight: mean divides by the row count, not by weights.",
               per_class_on=("mean",))
    add_family(PP + "/label_smoothing=0.1", L, x, "probs", q, STD, {"label_smoothing": 0.1},
               note="Probability targets smoothed: q*(1-e) + e/C.")
    add_family(PP + "/label_smoothing=1.0", L, x, "probs", q, STD, {"label_smoothing": 1.0},
               note="Probability targets fully smoothed to 1/C.")
    add_family(PP + "/weight+label_smoothing=0.1", L, x, "probs", q, STD,
               {"weight": [0.5, 2.0, 1.25], "label_smoothing": 0.1},
               note="Probability targets with weight and smoothing.", per_class_on=("sum", "mean"))
    g = gen("ce-probs-unnormalized")
    x = logits(g, 7, 3)
    qu = rand(g, (7, 3)).mul(2.0).tolist()
    qu[0] = [0.0, 0.0, 0.0]
    qu[4][1] = 0.0
    add_family(PP + "/not_normalized", L, x, "probs", qu, STD,
               note="Probability targets not summing to 1 (one all-zero row, values up to 2): used as given.")
    add_family(PP + "/not_normalized+weight+label_smoothing=0.2", L, x, "probs", qu, STD,
               {"weight": [1.5, 0.5, 2.0], "label_smoothing": 0.2},
               note="Unnormalized probability targets with weight and smoothing.", per_class_on=("mean",))
    for c, n in ((2, 6), (5, 9)):
        g = gen("ce-probs-C%d" % c)
        add_family("%s/C%d" % (PP, c), L, logits(g, n, c), "probs", softmax_rows(g, n, c), NM,
                   note="Probability targets, C=%d." % c)

    # extreme logits
    PE = L + "/extreme"
    x = [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, -1000.0], [1000.0, 1000.0, -1000.0],
         [-1000.0, -1000.0, -1000.0], [1e-8, 1000.0, -3.0], [-999.5, 1000.0, 0.25], [1000.0, 2.5, -1e-300]]
    t = [1, 1, 0, 2, 0, 2, 0]
    add_family(PE + "/index", L, x, "index", t, STD,
               note="Logits of +-1000 and mixed huge/small: stable log-sum-exp, no overflow (losses up to 2000).")
    add_family(PE + "/index+weight+label_smoothing=0.1", L, x, "index", t, STD,
               {"weight": [0.5, 2.0, 1.25], "label_smoothing": 0.1},
               note="Logits of +-1000 with weight and smoothing (the smoothing term sums every log-probability).")
    qx = [[0.0, 1.0, 0.0], [0.2, 0.3, 0.5], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.25, 0.25, 0.5],
          [0.0, 0.0, 1.0], [0.9, 0.05, 0.05]]
    add_family(PE + "/probs", L, x, "probs", qx, STD, note="Logits of +-1000 with probability targets.")
    add_family(PE + "/probs+label_smoothing=0.1", L, x, "probs", qx, STD, {"label_smoothing": 0.1},
               note="Logits of +-1000 with smoothed probability targets.")

    # NaN / inf
    PN = L + "/nonfinite"
    g = gen("ce-nonfinite")
    base = logits(g, 5, 3)
    xn = [list(r) for r in base]
    xn[2][1] = NAN
    tn = [0, 1, 2, 0, 1]
    add_family(PN + "/nan_logit", L, xn, "index", tn, STD,
               note="A NaN logit propagates: that row's loss is NaN, so are sum and mean.")
    xp = [list(r) for r in base]
    xp[1][2] = INF
    add_family(PN + "/posinf_logit", L, xp, "index", tn, STD,
               note="A +inf logit gives NaN for its row (inf - inf in log-softmax); propagates.")
    xm = [list(r) for r in base]
    xm[0][2] = -INF
    add_family(PN + "/neginf_logit_other_class", L, xm, "index", tn, STD,
               note="A -inf logit in a non-target class: exp(-inf) = 0, the loss stays finite.")
    xt = [list(r) for r in base]
    xt[3][0] = -INF
    add_family(PN + "/neginf_logit_target_class", L, xt, "index", tn, STD,
               note="A -inf logit in the target class: that row's loss is +inf, so are sum and mean.")
    add_family(PN + "/neginf_logit_other_class+label_smoothing=0.1", L, xm, "index", tn, STD,
               {"label_smoothing": 0.1},
               note="-inf logit in a non-target class with smoothing: the smoothing term sums it, loss +inf.")
    add_family(PN + "/nan_logit_in_ignored_row", L, xn, "index", [0, 1, -100, 0, 1], STD,
               note="The NaN row is ignored (target -100): it gives 0 and the result stays finite.")
    add_family(PN + "/nan_logit_in_ignored_row+label_smoothing=0.1", L, xn, "index", [0, 1, -100, 0, 1],
               SUMMEAN, {"label_smoothing": 0.1},
               note="The NaN row is ignored, with smoothing: still finite.")
    add_family(PN + "/probs_neginf_logit_zero_target", L, xm, "probs",
               [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3], [1.0, 0.0, 0.0], [0.3, 0.3, 0.4]], STD,
               note="Probability target 0 on a -inf logit: 0 * -inf = NaN in PyTorch (no xlogy here); "
               "propagates.")
    add_family(PN + "/probs_nan_logit", L, xn, "probs",
               [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3], [1.0, 0.0, 0.0], [0.3, 0.3, 0.4]], SUMMEAN,
               note="A NaN logit with probability targets propagates.")

    # every row ignored / empty
    g = gen("ce-all-ignored")
    x = logits(g, 4, 3)
    add_family(P + "/all_ignored", L, x, "index", [-100, -100, -100, -100], STD,
               note="Every row ignored: mean over nothing is NaN, sum is 0, none is all zeros.")
    add_family(P + "/all_ignored+weight+label_smoothing=0.1", L, x, "index", [-100, -100, -100, -100], SUMMEAN,
               {"weight": [0.5, 2.0, 1.25], "label_smoothing": 0.1},
               note="Every row ignored with weight and smoothing: mean NaN, sum 0.")
    add_family(P + "/all_ignored+ignore_index=1", L, x, "index", [1, 1, 1, 1], SUMMEAN, {"ignore_index": 1},
               note="Every row ignored (custom ignore_index 1): mean NaN, sum 0.")
    add_family(P + "/empty", L, [], "index", [], STD, c=3,
               note="No rows (num_classes 3): mean NaN, sum 0, none [].")
    add_family(P + "/empty+weight", L, [], "index", [], ["mean"], {"weight": [0.5, 2.0, 1.25]}, c=3,
               note="No rows with weight: mean NaN, sum 0.")
    add_family(P + "/empty+label_smoothing=0.1", L, [], "index", [], ["mean"], {"label_smoothing": 0.1}, c=3,
               note="No rows with smoothing: mean NaN, sum 0.")
    add_family(PP + "/empty", L, [], "probs", [], STD, c=3,
               note="No rows, probability targets: mean NaN, sum 0 (PyTorch returns -0.0; written 0.0).")

    # sample weights
    g = gen("ce-sw")
    x = logits(g, 8, 3)
    t = index_targets(g, 8, 3)
    ti = list(t)
    ti[5] = -100
    sw_families(P + "/plain", L, x, "index", t, SUMMEAN, note="Class-index targets.", frac_zero=True)
    sw_families(P + "/weight", L, x, "index", t, SUMMEAN, {"weight": [0.5, 2.0, 1.25]},
                note="With weight: mean divides by fsum(s_n * w[y_n]).")
    sw_families(P + "/weight+ignore_index+label_smoothing=0.2", L, x, "index", ti, SUMMEAN,
                {"weight": [0.5, 2.0, 1.25], "ignore_index": -100, "label_smoothing": 0.2},
                note="With weight, ignore_index and label smoothing.", frac_zero=True)
    q = softmax_rows(g, 8, 3)
    sw_families(PP, L, x, "probs", q, SUMMEAN, note="Probability targets.")
    sw_families(PP + "/weight+label_smoothing=0.1", L, x, "probs", q, SUMMEAN,
                {"weight": [0.5, 2.0, 1.25], "label_smoothing": 0.1},
                note="Probability targets with weight and smoothing: mean divides by fsum(s_n).")
    add_family(P + "/sample_weight_all_zero", L, x, "index", t, SUMMEAN, sw=[0.0] * 8,
               note="Every sample weight 0: no rows count, mean NaN, sum 0.")
    add_family(P + "/sample_weight_all_ones", L, x, "index", t, SUMMEAN, {"weight": [0.5, 2.0, 1.25]},
               sw=[1.0] * 8, note="Sample weights all 1 equal no sample weights.")

    # float32
    g = gen("ce-f32")
    x = logits(g, 8, 3, F32)
    t = index_targets(g, 8, 3)
    ti = list(t)
    ti[3] = -100
    f32note = "float32 input (exactly representable values)."
    add_family(P + "/float32", L, x, "index", t, STD, dtype="float32", note=f32note)
    add_family(P + "/float32/weight+ignore_index+label_smoothing=0.1", L, x, "index", ti, STD,
               {"weight": [0.5, 2.0, 1.25], "label_smoothing": 0.1}, dtype="float32", note=f32note)
    q = softmax_rows(g, 8, 3, F32)
    add_family(PP + "/float32", L, x, "probs", q, STD, dtype="float32",
               note=f32note + " Probability targets are float32 too.")
    add_family(PP + "/float32/weight+label_smoothing=0.1", L, x, "probs", q, SUMMEAN,
               {"weight": [0.5, 2.0, 1.25], "label_smoothing": 0.1}, dtype="float32", note=f32note)
