"""Golden cases for standard errors and confidence intervals (uncertainty-golden.json): the ratio estimator of
'mean' (class weights, element counts, sample weights), 'sum', per-class groups, other confidences, and groups
too small for a standard error."""

import torch

from ..data import F32, F64, FRAC_SW, FRAC_SW_ZERO, INT_SW, gen, index_targets, log_softmax_rows, logits, \
    probs_in_01, rand, randn, softmax_rows
from ..harness import SUMMEAN, uncertainty_core, uncertainty_family
from .margin_ranking_loss import signs
from .triplet_margin_loss import triplets


def bernoulli(g, shape):
    return torch.bernoulli(torch.full(shape, 0.5, dtype=F64), generator=g).tolist()


def build():
    cross_entropy()
    nll_loss()
    binary_cross_entropy()
    binary_cross_entropy_with_logits()
    kl_div()
    family()


def cross_entropy():
    L = "cross_entropy"
    P = L + "/index"
    g = gen("uncertainty-ce")
    x = logits(g, 10, 3)
    t = index_targets(g, 10, 3)
    uncertainty_core(P + "/plain", L, x, "index", t, SUMMEAN,
                     note="Class-index targets, no options: the mean's std_error is the standard error of the mean "
                     "of the per-row losses (scipy.stats.sem); the sum's is N times it.")
    uncertainty_core(P + "/plain/confidence=0.9", L, x, "index", t, ["mean"], confidence=0.9,
                     note="The same rows at confidence 0.9 (z = 1.6448536269514722).")
    uncertainty_core(P + "/plain/confidence=0.99", L, x, "index", t, ["mean"], confidence=0.99,
                     note="The same rows at confidence 0.99 (z = 2.5758293035489004).")
    uncertainty_core(P + "/sample_weight_frac", L, x, "index", t, ["mean"], sw=FRAC_SW[10],
                     note="Fractional sample weights: N is the sum of the sample weights, not the row count.")
    uncertainty_core(P + "/sample_weight_int", L, x, "index", t, ["mean"], sw=INT_SW[10],
                     note="Integer sample weights with 0 and 3: the same as the rows repeated (N = 14).")
    ti = list(t)
    ti[1] = ti[4] = ti[8] = -100
    uncertainty_core(P + "/ignore_index_default", L, x, "index", ti, SUMMEAN,
                     note="Three rows hold the default ignore_index -100: they are left out entirely (N = 7), "
                     "also for 'sum'.")
    uncertainty_core(P + "/label_smoothing=0.1", L, x, "index", t, ["mean"], {"label_smoothing": 0.1},
                     note="Label smoothing 0.1, no class weight: b_n = 1.")

    g = gen("uncertainty-ce-weight")
    x = logits(g, 10, 3)
    t = [1, 0, 0, 1, 2, 2, 1, 2, 1, 0]
    w = [0.5, 2.0, 1.25]
    uncertainty_core(P + "/weight", L, x, "index", t, SUMMEAN, {"weight": w}, per_class_on=SUMMEAN,
                     note="Class weights: 'mean' is the ratio sum w[y_n] l_n / sum w[y_n], its variance the "
                     "delta method's; per class c the rows of target c (3, 4 and 3 rows).")
    ti = list(t)
    ti[2] = ti[7] = -100
    uncertainty_core(P + "/weight+ignore_index+sample_weight_frac", L, x, "index", ti, ["mean"], {"weight": w},
                     sw=FRAC_SW[10], per_class_on=("mean",),
                     note="Class weights, two ignored rows (targets 0 and 2) and fractional sample weights together: "
                     "per class N_c is the sum of the class's sample weights (class 0: 0.25 + 0.9 = 1.15).")
    uncertainty_core(P + "/weight+label_smoothing=0.2", L, x, "index", t, ["mean"],
                     {"weight": w, "label_smoothing": 0.2},
                     note="Class weights with label smoothing 0.2: a_n is torch's smoothed, weighted row loss, "
                     "b_n = w[y_n].")

    PP = L + "/probs"
    g = gen("uncertainty-ce-probs")
    x = logits(g, 9, 3)
    q = softmax_rows(g, 9, 3)
    uncertainty_core(PP + "/plain", L, x, "probs", q, ["mean"], note="Probability targets: b_n = 1.")
    uncertainty_core(PP + "/weight+label_smoothing=0.1+sample_weight_frac", L, x, "probs", q, ["mean"],
                     {"weight": w, "label_smoothing": 0.1}, sw=FRAC_SW[9],
                     note="Probability targets with class weights (which do not enter b_n) and fractional sample "
                     "weights.")

    g = gen("uncertainty-ce-small")
    uncertainty_core(P + "/one_row", L, logits(g, 1, 3), "index", [2], ["mean"],
                     note="A group of one row: N = 1, so std_error, ci_low and ci_high are NaN.")
    uncertainty_core(P + "/all_ignored", L, logits(g, 4, 3), "index", [-100] * 4, SUMMEAN,
                     note="Every row ignored: N = 0, std_error and the interval NaN; the mean is NaN, the sum 0.")
    uncertainty_core(P + "/sample_weight_sum_below_1", L, logits(g, 3, 3), "index", [0, 1, 2], ["mean"],
                     sw=[0.25, 0.5, 0.125],
                     note="Three rows whose sample weights sum to N = 0.875 <= 1: std_error and the interval NaN.")

    g = gen("uncertainty-ce-200")
    uncertainty_core(P + "/200_rows/C4", L, logits(g, 200, 4), "index", index_targets(g, 200, 4), ["mean"],
                     note="200 rows, C=4, no options.")

    g = gen("uncertainty-ce-f32")
    uncertainty_core(P + "/float32", L, logits(g, 8, 3, F32), "index", index_targets(g, 8, 3), ["mean"],
                     dtype="float32", note="float32 input (exactly representable values).")


def nll_loss():
    L = "nll_loss"
    g = gen("uncertainty-nll")
    x = log_softmax_rows(g, 9, 4)
    t = index_targets(g, 9, 4)
    t[3] = -100
    uncertainty_core(L + "/index/ignore_index_default", L, x, "index", t, ["sum"],
                     note="nll_loss 'sum' with one ignored row (left out: N = 8).")
    uncertainty_core(L + "/index/weight", L, x, "index", t, ["sum"], {"weight": [1.5, 0.5, 2.0, 1.0]},
                     note="nll_loss 'sum' with class weights: a_n = w[y_n] times the row's loss, as torch gives it.")


def binary_cross_entropy():
    L = "binary_cross_entropy"
    g = gen("uncertainty-bce")
    x = probs_in_01(g, (8, 4))
    t = bernoulli(g, (8, 4))
    uncertainty_core(L + "/matrix/hard_targets", L, x, "elementwise", t, SUMMEAN, per_class_on=SUMMEAN,
                     note="Multi-label rows, C=4: a_n is the row's element sum, b_n = 4; per class c, the element "
                     "column c.")
    uncertainty_core(L + "/matrix/weight+sample_weight_frac", L, x, "elementwise", t, ["mean"],
                     {"weight": [0.5, 2.0, 1.25, 1.0]}, sw=FRAC_SW[8], per_class_on=("mean",),
                     note="Per-element weight and fractional sample weights: b_n = C whatever the weights.")
    g = gen("uncertainty-bce-scalar")
    uncertainty_core(L + "/scalar/soft_targets/confidence=0.99", L, probs_in_01(g, (9,)), "scalar",
                     rand(g, (9,)).tolist(), ["mean"], shape="scalar", confidence=0.99,
                     note="Scalar column (C = 1, b_n = 1), soft targets, confidence 0.99.")


def binary_cross_entropy_with_logits():
    L = "binary_cross_entropy_with_logits"
    g = gen("uncertainty-bcewl")
    x = randn(g, (8, 3), scale=2.5).tolist()
    t = bernoulli(g, (8, 3))
    uncertainty_core(L + "/matrix/hard_targets", L, x, "elementwise", t, ["mean"],
                     note="Multi-label logits, C=3: a_n is the row's element sum, b_n = 3.")
    uncertainty_core(L + "/matrix/pos_weight+sample_weight_int", L, x, "elementwise", t, ["mean"],
                     {"pos_weight": [3.0, 0.5, 1.0]}, sw=INT_SW[8],
                     note="pos_weight with integer sample weights (0 and 3): the same as the rows repeated.")


def kl_div():
    L = "kl_div"
    g = gen("uncertainty-kl")
    x = log_softmax_rows(g, 8, 3)
    t = softmax_rows(g, 8, 3)
    uncertainty_core(L + "/probs_target", L, x, "elementwise", t, ["batchmean", "mean"],
                     note="'batchmean': b_n = 1 (the row's element sum over the rows); 'mean': b_n = C = 3.")
    uncertainty_core(L + "/probs_target/sample_weight_frac_with_zeros", L, x, "elementwise", t, ["batchmean"],
                     sw=FRAC_SW_ZERO, note="Fractional sample weights, two of them 0 (those rows count nowhere).")


def family():
    L = "mse_loss"
    g = gen("uncertainty-mse-scalar")
    xs, ts = randn(g, (9,), scale=3.0).tolist(), randn(g, (9,), scale=3.0).tolist()
    uncertainty_family(L + "/scalar/plain", L, (xs, ts), "scalar", ["mean"],
                       note="Scalar columns (C = 1): one loss per row, b_n = 1.")
    g = gen("uncertainty-mse-matrix")
    x, t = randn(g, (8, 3), scale=2.0).tolist(), randn(g, (8, 3), scale=2.0).tolist()
    uncertainty_family(L + "/matrix/plain", L, (x, t), "matrix", SUMMEAN,
                       note="Vectors of C=3: a_n is the row's element sum, b_n = 3.")
    uncertainty_family(L + "/matrix/sample_weight_frac_with_zeros", L, (x, t), "matrix", ["mean"],
                       sw=FRAC_SW_ZERO, note="Fractional sample weights, two of them 0.")

    L = "huber_loss"
    g = gen("uncertainty-huber")
    x, t = randn(g, (8, 3), scale=1.5).tolist(), randn(g, (8, 3), scale=1.5).tolist()
    uncertainty_family(L + "/matrix/delta=0.5", L, (x, t), "matrix", ["sum"], {"delta": 0.5},
                       note="delta 0.5, C=3: a_n is the row's element sum.")

    L = "triplet_margin_loss"
    g = gen("uncertainty-triplet")
    a, p, n = triplets(g, 8, 4)
    uncertainty_family(L + "/default", L, (a, p, n), "matrix", SUMMEAN,
                       note="One loss per row (C=4 vectors): b_n = 1.")

    L = "margin_ranking_loss"
    g = gen("uncertainty-margin_ranking")
    x1, x2, y = randn(g, (10,)).tolist(), randn(g, (10,)).tolist(), signs(g, (10,))
    uncertainty_family(L + "/scalar/margin=0.5", L, (x1, x2, y), "scalar", ["mean"], {"margin": 0.5},
                       sw=FRAC_SW[10], confidence=0.9,
                       note="Scalar columns (one loss per row, b_n = 1), fractional sample weights, confidence 0.9.")
