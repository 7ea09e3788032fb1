"""Golden test vectors for sparkloss, computed with real PyTorch.

Run from the repository root (or anywhere; paths are relative to the script):

    /usr/bin/python3 scripts/gen-golden            # or just: scripts/gen-golden

It (re)writes three files in src/test/resources/golden/:
  * pytorch-golden.json: cross_entropy, nll_loss, binary_cross_entropy(_with_logits), kl_div;
  * pytorch-family-golden.json: the rest of PyTorch's loss family (mse_loss, l1_loss, smooth_l1_loss,
    huber_loss, poisson_nll_loss, gaussian_nll_loss, soft_margin_loss, multilabel_soft_margin_loss,
    multi_margin_loss, multilabel_margin_loss, hinge_embedding_loss, margin_ranking_loss,
    cosine_embedding_loss, triplet_margin_loss, torchvision's sigmoid_focal_loss);
  * uncertainty-golden.json: standard errors and confidence intervals of reduced losses (cross_entropy,
    nll_loss, binary_cross_entropy(_with_logits), kl_div, mse_loss, huber_loss, triplet_margin_loss,
    margin_ranking_loss), each case in the layout of its loss's file plus an "uncertainty" object.
The output is COMMITTED: the Java tests read it and never run Python. Regenerate only when the case
list changes, and commit the generator and the JSON together. The output is deterministic (fixed
seeds, single-threaded torch, no timestamps): running it twice gives identical bytes.

Options:
    --output PATH          write pytorch-golden.json somewhere else (e.g. to compare against the committed file)
    --family-output PATH   the same for pytorch-family-golden.json
    --uncertainty-output PATH   the same for uncertainty-golden.json
    --check                regenerate in memory and exit 1 if a committed file differs

Requirements: Python 3 standard library + torch (float64 on CPU) + torchvision (sigmoid_focal_loss) + NumPy
and SciPy (uncertainty-golden.json). The versions used are recorded in the JSON ("torch_version",
"torchvision_version", "numpy_version", "scipy_version"). The contract is
docs/LOSS-SEMANTICS.md (reference: PyTorch 2.x). Where PyTorch 1.13 and 2.x differ (binary_cross_entropy:
log(1-x) versus log1p(-x); targets outside [0, 1]), no case depends on the 1.13 behaviour except the one
case whose note says "2.x vs 1.13", whose expectation is computed with torch.log1p instead. In the family
file the same holds for soft_margin_loss (1.13: log(1 + exp(-y*x)), 2.x: log1p(exp(-y*x))) and for
sigmoid_focal_loss through binary_cross_entropy_with_logits: only the cases whose notes say "2.x vs 1.13"
depend on the difference, and they are computed with torch ops from 2.x's formula.

How every expected value is obtained:
  * plain cases: torch.nn.functional.<loss>(float64 tensors, reduction=...) as is
    (torchvision.ops.sigmoid_focal_loss for the focal loss);
  * integer sample weights: the same torch call on the physically repeated rows (row n repeated
    s_n times; s_n = 0 drops it);
  * fractional sample weights: L = fsum(s_n * l_n) with l_n torch's reduction='none' output, and
    the denominator of docs/LOSS-SEMANTICS.md (index targets: fsum(s_n * w[y_n]) over non-ignored rows;
    probability targets: fsum(s_n); BCE/BCEwL/KL mean: C * fsum(s_n); KL batchmean: fsum(s_n);
    family file: element-wise losses C * fsum(s_n), per-row losses fsum(s_n), multi_margin_loss
    included, whose weight never enters the denominator);
  * kl_div per-class weight (project extension): torch's reduction='none' output times w[k],
    then reduced as above with math.fsum;
  * float32 cases: inputs generated in float32 and written as their exact float64 values;
    "expected" is torch run in float64 on those values, "expected_torch_float32" is torch run in
    float32 (information only; first file only);
  * multi_margin_loss / multilabel_margin_loss with no rows and reduction sum/mean: PyTorch's CPU
    kernels return an unwritten scalar there (1.13 and 2.x), so the contract's values are used
    (sum 0, mean NaN).
Every case is also checked against an independent pure-Python implementation of
LOSS-SEMANTICS.md (golden.reference; relative tolerance 1e-12); the generator aborts on a disagreement.

How the uncertainty values are obtained (docs/LOSS-SEMANTICS.md, "Uncertainty"; golden.uncertainty):
  * "expected" as in the other two files (torch's reduction, sample weights as above);
  * per counted row n (not ignored; a sample weight 0 adds nothing), from torch's reduction='none' output in
    float64: a_n = the row's loss (element-wise losses: math.fsum of the row's elements; class-index targets:
    torch's output already holds w[y_n]) and b_n = w[y_n] (class-index targets), 1 (probability targets,
    per-row losses, kl_div 'batchmean'), C (element-wise losses, C = 1 for a scalar column);
  * N = fsum(s_n), A = fsum(s_n a_n), B = fsum(s_n b_n); 'mean'/'batchmean': value = A / B,
    Var = N / (N - 1) * fsum(s_n (a_n - value b_n)^2) / B^2 (delta method); 'sum': value = A,
    Var = N / (N - 1) * fsum(s_n (a_n - A / N)^2); std_error = sqrt(Var), NaN when N <= 1; the interval is
    value -+ z std_error, z = scipy.stats.norm.ppf((1 + confidence) / 2), confidence 0.95 unless the case's
    options say otherwise;
  * per class: class-index targets, the rows of target c (b_n = w[c], their own N_c); element-wise losses, the
    element column c (a_n = the row's element c, b_n = 1, the group's N);
  * checks (the generator aborts beyond 1e-12 relative): value against "expected"; value and std_error against a
    second NumPy float64 implementation; against scipy.stats.sem wherever the formula reduces to it (no sample
    weights, one b for every row: std_error = sem(a) / b for 'mean', N * sem(a) for 'sum'), which covers every
    unweighted cross_entropy mean; against the physically repeated rows for integer sample weights.

Layout: golden.data (seeded random data), golden.reference (the pure-Python implementation),
golden.uncertainty (the standard-error and interval formulas, math.fsum, NumPy and SciPy; no torch),
golden.harness (torch evaluation, sample weights, case assembly, JSON rendering) and golden.cases
(one module per loss, and golden.cases.uncertainty for uncertainty-golden.json).
"""

import argparse
import hashlib
import importlib
import os
import platform
import sys

import numpy
import scipy
import torch
import torchvision

from .cases import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, kl_div, nll_loss
from .cases import uncertainty as uncertainty_cases
from .harness import (CASES, DEFAULT_OUTPUT, FAMILY_CASES, FAMILY_KEY_ORDER, FAMILY_LOSSES, FAMILY_OUTPUT, FAMILY_RTOL,
                      GENERATOR, UNCERTAINTY_CASES, UNCERTAINTY_CHECKS, UNCERTAINTY_KEY_ORDER, UNCERTAINTY_OUTPUT,
                      UNCERTAINTY_RTOL, evaluate, evaluate_family, evaluate_uncertainty, render)
from .reference import max_rel_deviation

CORE_MODULES = (cross_entropy, nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits, kl_div)


def build_core():
    """pytorch-golden.json: cross_entropy, nll_loss, binary_cross_entropy(_with_logits), kl_div."""
    for module in CORE_MODULES:
        module.build()
    worst, worst_big = 0.0, 0.0
    for case in CASES:
        evaluate(case)
        dev = max_rel_deviation(case)
        worst, worst_big = max(worst, dev[0]), max(worst_big, dev[1])
    header = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "note": ("Golden vectors for sparkloss (contract: docs/LOSS-SEMANTICS.md, reference PyTorch 2.x), every value "
                 "computed by real PyTorch in float64 (see each case's note; sample weights and kl_div weight are "
                 "project extensions computed from PyTorch's own reduction='none' output with math.fsum; integer "
                 "sample weights come from PyTorch on physically repeated rows). Non-finite numbers are the "
                 "strings \"NaN\", \"Infinity\", \"-Infinity\"; finite numbers are Python repr (exact float64 "
                 "round trip); -0.0 results are written 0.0. Cases with an empty input carry num_classes. "
                 "Reduction 'none' gives per-row l_n, or per-row lists of per-element losses for matrix "
                 "BCE/BCEwL/kl_div inputs. The values carry PyTorch 1.13's rounding (its own summation order, "
                 "log(1-x) in binary_cross_entropy where 2.x uses log1p(-x), its softplus formula): compare "
                 "with a relative tolerance, not bit for bit. Largest relative deviation of these expected "
                 "values from an independent exact-sum (math.fsum), log1p/stable-softplus implementation of "
                 "docs/LOSS-SEMANTICS.md: %.1e overall (on small losses, near 1e-3), %.1e on values of magnitude >= 0.1. "
                 "Regenerate with scripts/gen-golden; the output is committed."),
    }
    header["note"] = header["note"] % (worst, worst_big)
    return render(header, CASES)


FAMILY_NOTE = (
    "Golden vectors for the rest of PyTorch's loss family in sparkloss (contract: docs/LOSS-SEMANTICS.md, \"The "
    "rest of PyTorch's loss family\", reference PyTorch 2.x). Every value is computed by real PyTorch in float64 "
    "(torch.nn.functional.<loss>; sigmoid_focal_loss from torchvision.ops), see each case's note: sample weights "
    "are this project's extension, computed by PyTorch on physically repeated rows (integer weights) or from "
    "PyTorch's own reduction='none' output with math.fsum (fractional weights; 'mean' divides by C * fsum(s_n) "
    "for element-wise losses, by fsum(s_n) for per-row losses). args carry PyTorch's positional arguments under "
    "PyTorch's names; arg_shapes: matrix (one list per row), scalar (one number per row: C = 1 for element-wise "
    "losses; a gaussian_nll_loss var 'scalar' next to a matrix input is one var per row), index (one class index "
    "per row), index_matrix (per row C class indices, ended by the first -1), sign (one number per row). options "
    "use PyTorch's names and always hold reduction; an option left out takes PyTorch's default. Reduction 'none' "
    "gives per row a list of per-element losses for element-wise losses on matrix arguments, one number per row "
    "otherwise. expected_per_class: value = loss_sum / weight_sum ('mean') or loss_sum ('sum'). Non-finite numbers "
    "are the strings \"NaN\", \"Infinity\", \"-Infinity\"; finite numbers are Python repr (exact float64 round "
    "trip); -0.0 results are written 0.0. Cases with no rows carry num_classes. The values carry PyTorch 1.13's "
    "rounding (its summation order; log(1 + exp(-y*x)) in soft_margin_loss where 2.x uses log1p; its softplus "
    "formula inside binary_cross_entropy_with_logits, which torchvision's sigmoid_focal_loss calls): compare with "
    "a relative tolerance, not bit for bit. The cases where 1.13 and 2.x differ beyond the last bits follow 2.x "
    "(their notes say \"2.x vs 1.13\"). Compared with 2.x's sources, 1.13 differs for these losses only in "
    "soft_margin_loss (log(1 + exp(-y*x)) versus 2.x's log1p(exp(-y*x))) and in sigmoid_focal_loss through "
    "binary_cross_entropy_with_logits (1.13's log-sum-exp softplus versus 2.x's log_sigmoid); the other thirteen "
    "compute the same formulas in the same order in both (2.x adds input checks only). In both versions "
    "multi_margin_loss and multilabel_margin_loss return an unwritten scalar for sum/mean over zero rows (those "
    "cases carry the contract's sum 0, mean NaN), and their CPU kernels skip a NaN hinge term (z > 0 is false) "
    "instead of propagating it: no case feeds NaN to those two. Every expected value and per-class partial "
    "agrees with an independent pure-Python implementation of docs/LOSS-SEMANTICS.md (math.fsum exact sums, "
    "log1p, stable softplus/log_sigmoid) to a relative %g; largest relative deviation: %.1e overall, %.1e on values of "
    "magnitude >= 0.1. Regenerate with scripts/gen-golden; the output is committed.")


def build_family():
    """pytorch-family-golden.json: the rest of PyTorch's loss family."""
    for loss in FAMILY_LOSSES:
        importlib.import_module(".cases." + loss, __name__).build()
    worst, worst_big = 0.0, 0.0
    for case in FAMILY_CASES:
        dev = evaluate_family(case)
        worst, worst_big = max(worst, dev[0]), max(worst_big, dev[1])
    header = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "python_version": platform.python_version(),
        "note": FAMILY_NOTE % (FAMILY_RTOL, worst, worst_big),
    }
    return render(header, FAMILY_CASES, FAMILY_KEY_ORDER)


UNCERTAINTY_NOTE = (
    "Golden vectors for standard errors and confidence intervals in sparkloss (contract: docs/LOSS-SEMANTICS.md, "
    "\"Uncertainty: standard errors and confidence intervals\"). Each case has the layout of its loss's golden file: "
    "pytorch-golden.json's (input, input_shape, target_kind, target) for cross_entropy, nll_loss, "
    "binary_cross_entropy(_with_logits) and kl_div, pytorch-family-golden.json's (args, arg_shapes) for the rest; "
    "options hold reduction and, when it is not 0.95, confidence. expected is the reduced loss obtained as in those "
    "files (real PyTorch in float64, see each note). uncertainty is computed from PyTorch's reduction='none' "
    "output in float64, independently of torch's reductions. Rows are the sampling unit: row n contributes "
    "a_n (its loss; for element-wise losses the math.fsum of its elements; for class-index targets torch's loss, "
    "which holds w[y_n]) and b_n (w[y_n] for class-index targets; 1 for probability targets, per-row losses and "
    "kl_div 'batchmean'; C for element-wise losses, 1 for a scalar column); rows whose target is ignore_index and "
    "rows of sample weight 0 count nowhere. N = sum s_n, A = sum s_n a_n, B = sum s_n b_n, every sum with "
    "math.fsum. 'mean'/'batchmean': value = A / B, std_error = sqrt(N / (N - 1) * sum s_n (a_n - value b_n)^2 / "
    "B^2) (delta method); 'sum': value = A, std_error = sqrt(N / (N - 1) * sum s_n (a_n - A / N)^2); the "
    "residuals are summed directly in a second pass. ci_low, ci_high = value -+ z std_error, z = "
    "scipy.stats.norm.ppf((1 + confidence) / 2). N <= 1 (N = 0 included) gives NaN for std_error, ci_low and "
    "ci_high. n is N, written as a float (a sum of sample weights). per_class (only where present): class-index "
    "targets, per target class c over its non-ignored rows (b_n = w[c], their own N_c); element-wise losses, per "
    "element column c (a_n = the row's element c from torch's reduction='none' output, b_n = 1, the group's N). "
    "Checks: value agrees with expected to %g relative (expected carries torch 1.13's summation order, value the "
    "exact sum); value and std_error of every group and class agree to %g with a second NumPy float64 "
    "implementation, with scipy.stats.sem (std_error = sem(a) / b for 'mean', N * sem(a) for 'sum') in the %d "
    "groups and classes without sample weights and with one b for every row, and with the physically repeated "
    "rows in the %d groups and classes with integer sample weights. Non-finite numbers are the strings \"NaN\", "
    "\"Infinity\", \"-Infinity\"; finite numbers are Python repr (exact float64 round trip); -0.0 results are "
    "written 0.0. Regenerate with scripts/gen-golden; the output is committed.")


def build_uncertainty():
    """uncertainty-golden.json: standard errors and confidence intervals."""
    uncertainty_cases.build()
    for case in UNCERTAINTY_CASES:
        evaluate_uncertainty(case)
    header = {
        "generator": GENERATOR,
        "torch_version": torch.__version__,
        "numpy_version": numpy.__version__,
        "scipy_version": scipy.__version__,
        "python_version": platform.python_version(),
        "note": UNCERTAINTY_NOTE % (UNCERTAINTY_RTOL, UNCERTAINTY_RTOL, UNCERTAINTY_CHECKS["sem"],
                                    UNCERTAINTY_CHECKS["repeated_rows"]),
    }
    return render(header, UNCERTAINTY_CASES, UNCERTAINTY_KEY_ORDER)


def counts(cases):
    result = {}
    for c in cases:
        result[c["loss"]] = result.get(c["loss"], 0) + 1
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", default=DEFAULT_OUTPUT, help="where to write pytorch-golden.json")
    ap.add_argument("--family-output", default=FAMILY_OUTPUT, help="where to write pytorch-family-golden.json")
    ap.add_argument("--uncertainty-output", default=UNCERTAINTY_OUTPUT, help="where to write uncertainty-golden.json")
    ap.add_argument("--check", action="store_true",
                    help="regenerate in memory and exit 1 if a committed file differs")
    args = ap.parse_args()
    outputs = [(os.path.normpath(args.output), build_core(), CASES),
               (os.path.normpath(args.family_output), build_family(), FAMILY_CASES),
               (os.path.normpath(args.uncertainty_output), build_uncertainty(), UNCERTAINTY_CASES)]
    if args.check:
        status = 0
        for path, text, _ in outputs:
            try:
                with open(path, encoding="utf-8") as f:
                    same = f.read() == text
            except FileNotFoundError:
                same = False
            print("%s: %s" % (path, "up to date" if same else "DIFFERS: regenerate with scripts/gen-golden"),
                  file=sys.stderr)
            status = status if same else 1
        return status
    for path, text, cases in outputs:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote %s: %d cases %s, sha256 %s" % (path, len(cases), counts(cases),
                                                     hashlib.sha256(text.encode("utf-8")).hexdigest()), file=sys.stderr)
    return 0
