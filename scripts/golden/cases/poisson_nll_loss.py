"""Golden cases for poisson_nll_loss: exp(x) - y x (log_input) or x - y ln(x + eps); full adds Stirling's term
where y > 1."""

import torch

from ..data import F32, F64, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import NAN


def counts(g, rates, dtype=F64):
    """Poisson samples (float counts) for the given rates."""
    return torch.poisson(torch.tensor(rates, dtype=dtype), generator=g).tolist()


def build():
    L = "poisson_nll_loss"
    M, S = L + "/matrix", L + "/scalar"
    g = gen("poisson-matrix")
    log_rate = randn(g, (8, 3), scale=1.0).add(0.5)
    x_log = log_rate.tolist()
    x_rate = log_rate.exp().tolist()
    y = counts(g, x_rate)
    # targets 0, 1, above 1 and non-integer (0.5 and 1.5: Stirling's term applies only where y > 1)
    y[0] = [0.0, 1.0, 2.0]
    y[1][1] = 0.5
    y[2][2] = 1.5
    y[3][0] = 7.0
    add_case(M + "/log_input_default", L, (x_log, y), "matrix", STD, per_class_on=("sum", "mean"),
             note="log_input not given (PyTorch's default true): exp(x) - y x; targets 0, 0.5, 1, 1.5 and counts.")
    add_case(M + "/log_input=true+full=true", L, (x_log, y), "matrix", STD, {"log_input": True, "full": True},
             note="full: Stirling's term y ln y - y + 0.5 ln(2 pi y) added where y > 1 (targets 1.5, 2, 7 and "
             "counts), not for y = 0, 0.5, 1.")
    add_case(M + "/log_input=false", L, (x_rate, y), "matrix", STD, {"log_input": False},
             per_class_on=("mean",), note="log_input false: x - y ln(x + eps), default eps 1e-8; inputs are rates.")
    add_case(M + "/log_input=false+full=true", L, (x_rate, y), "matrix", STD, {"log_input": False, "full": True},
             note="log_input false with Stirling's term where y > 1.")
    g = gen("poisson-scalar")
    xs = randn(g, (9,), scale=1.0).exp().tolist()
    xs[0] = 0.0
    xs[4] = 0.0
    ys = counts(g, xs)
    ys[0], ys[4], ys[6] = 0.0, 3.0, 1.0
    add_case(S + "/log_input=false+eps=0.001", L, (xs, ys), "scalar", STD, {"log_input": False, "eps": 0.001},
             note="Scalar column (C=1); rate 0 with target 0 (loss 0) and with target 3 (-3 ln(eps)).")
    add_case(S + "/log_input=false+full=true", L, (xs, ys), "scalar", NM, {"log_input": False, "full": True},
             note="Scalar column, rate 0 (default eps 1e-8), Stirling's term where y > 1.")
    xl = [[50.0, -50.0, 700.0], [-700.0, 0.0, 1e-300], [2.5, 30.0, -1.0]]
    yl = [[3.0, 0.0, 1.0], [5.0, 2.0, 1.0], [12.0, 1e6, 0.0]]
    add_case(M + "/large_log_input", L, (xl, yl), "matrix", STD, {"full": True},
             note="log_input (default) with x up to 700 (exp(x) = 1e304, finite) and -700; a target of 1e6 "
             "with full.")
    add_case(M + "/overflow", L, ([[710.0, 1.0], [0.5, 2.0]], [[1.0, 2.0], [0.0, 1.0]]), "matrix", STD,
             note="exp(710) overflows: that element, sum and mean are +inf.")
    xn = [list(r) for r in x_log[:4]]
    xn[1][2] = NAN
    add_case(M + "/nan_input", L, (xn, y[:4]), "matrix", NM, note="A NaN input propagates.")
    add_case(M + "/empty", L, ([], []), "matrix", SUMMEAN, {"log_input": False, "full": True}, c=3,
             note="No rows: mean NaN, sum 0.")
    g = gen("poisson-sw")
    x = randn(g, (8, 3), scale=1.0).add(0.5).exp().tolist()
    y = counts(g, x)
    y[2][1] = 0.0
    family_sw(M + "/log_input=false+full=true", L, (x, y), "matrix", SUMMEAN, {"log_input": False, "full": True},
              note="log_input false, full.")
    g = gen("poisson-f32")
    x = randn(g, (8, 3), F32, 1.0).tolist()
    y = counts(g, torch.tensor(x).exp().tolist(), F32)
    add_case(M + "/float32/full=true", L, (x, y), "matrix", SUMMEAN, {"full": True}, dtype="float32",
             note=FAMILY_F32_NOTE)
