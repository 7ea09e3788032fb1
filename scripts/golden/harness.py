"""Torch evaluation, sample-weight handling, case assembly and JSON rendering for the golden vectors.

Each case is evaluated with real PyTorch (float64 on CPU, one thread) and checked against the
independent pure-Python implementation in golden.reference.
"""

import json
import math
import os
import warnings

import torch
import torch.nn.functional as F
import torchvision
from torchvision.ops import sigmoid_focal_loss

from .data import F32, F64, FRAC_SW, FRAC_SW_ZERO, INT_SW
from .reference import (ELEMENTWISE, FAMILY_ELEMENTWISE, FAMILY_PER_ROW, NAN, close, deviation, family_first_arg,
                        family_num_classes, family_num_rows, family_ref_per_class, family_ref_reduced,
                        family_weights, ignored, num_classes, ref_reduced, safe_fsum, weight_of)
from .reference import div as ieee_div
from .uncertainty import DEFAULT_CONFIDENCE, estimate, estimate_numpy, sem_check

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

GENERATOR = "scripts/gen-golden"
SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_DIR = os.path.join(SCRIPTS, "..", "src", "test", "resources", "golden")
DEFAULT_OUTPUT = os.path.join(GOLDEN_DIR, "pytorch-golden.json")
FAMILY_OUTPUT = os.path.join(GOLDEN_DIR, "pytorch-family-golden.json")
UNCERTAINTY_OUTPUT = os.path.join(GOLDEN_DIR, "uncertainty-golden.json")

STD = ["none", "sum", "mean"]
KLRED = ["none", "sum", "mean", "batchmean"]
SUMMEAN = ["sum", "mean"]
NM = ["none", "mean"]

LOSSES = ["cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div"]

BCE_13_NOTE = ("PyTorch 1.13 computes ln(1-x) as log(1-x), 2.x as log1p(-x): for x < 0.5 the two can differ "
               "in the last bits (relative difference up to about 1.1e-16/x on a small loss; at most ~2e-14 in "
               "these cases, inputs are all >= 1e-3); compare with a small relative tolerance.")
BCEWL_13_NOTE = ("PyTorch 1.13 computes the softplus as log(exp(-m) + exp(-x-m)) + m, 2.x via log_sigmoid: same "
                 "mathematics, last-bit differences (relative up to ~5e-14 on losses near 0.003).")


# --------------------------------------------------------------------------------------------
# torch evaluation
# --------------------------------------------------------------------------------------------

def tensors(case, xs, ts, dtype):
    c = num_classes(case)
    scalar = case["input_shape"] == "scalar"
    if len(xs) == 0:
        x = torch.zeros((0,) if scalar else (0, c), dtype=dtype)
    else:
        x = torch.tensor(xs, dtype=dtype)
    if case["target_kind"] == "index":
        t = torch.tensor(ts, dtype=torch.long) if ts else torch.zeros(0, dtype=torch.long)
    elif len(ts) == 0:
        t = torch.zeros((0,) if scalar else (0, c), dtype=dtype)
    else:
        t = torch.tensor(ts, dtype=dtype)
    return x, t


def torch_call(case, xs, ts, reduction, dtype):
    """torch.nn.functional.<loss> with the case's options (kl_div weight excluded)."""
    loss, opts = case["loss"], case["options"]
    x, t = tensors(case, xs, ts, dtype)
    kw = {"reduction": reduction}
    if loss in ("cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits"):
        if "weight" in opts:
            kw["weight"] = torch.tensor(opts["weight"], dtype=dtype)
    if loss in ("cross_entropy", "nll_loss") and "ignore_index" in opts:
        kw["ignore_index"] = opts["ignore_index"]
    if loss == "cross_entropy" and "label_smoothing" in opts:
        kw["label_smoothing"] = opts["label_smoothing"]
    if loss == "binary_cross_entropy_with_logits" and "pos_weight" in opts:
        kw["pos_weight"] = torch.tensor(opts["pos_weight"], dtype=dtype)
    if loss == "kl_div" and "log_target" in opts:
        kw["log_target"] = opts["log_target"]
    fn = getattr(F, loss)
    if case.get("special") == "bce_log1p":
        return bce_log1p(case, x, t, reduction, dtype)
    return fn(x, t, **kw)


def bce_log1p(case, x, t, reduction, dtype):
    """PyTorch 2.x's binary_cross_entropy element formula, evaluated with torch ops."""
    el = (t - 1) * torch.clamp(torch.log1p(-x), min=-100) - t * torch.clamp(torch.log(x), min=-100)
    if "weight" in case["options"]:
        el = el * torch.tensor(case["options"]["weight"], dtype=dtype)
    if reduction == "none":
        return el
    s = math.fsum(el.flatten().tolist())
    return torch.tensor(s if reduction == "sum" else div(s, el.numel()), dtype=F64)


def per_row(case, xs, ts, dtype=F64):
    """torch's reduction='none' output (times w[k] for kl_div's weight extension), as a tensor."""
    out = torch_call(case, xs, ts, "none", dtype)
    if case["loss"] == "kl_div" and "weight" in case["options"]:
        out = out * torch.tensor(case["options"]["weight"], dtype=dtype)
    return out


def div(a, b):
    """IEEE a / b (0/0 = NaN, x/0 = +-inf), as PyTorch divides."""
    return (torch.tensor(a, dtype=F64) / torch.tensor(float(b), dtype=F64)).item()


def reduce_elementwise_fsum(case, out, n_rows, reduction):
    vals = out.flatten().tolist()
    s = math.fsum(vals)
    if reduction == "sum":
        return s
    if reduction == "mean":
        return div(s, out.numel())
    if reduction == "batchmean":
        return div(s, n_rows)
    raise ValueError(reduction)


def torch_reduced(case, xs, ts, reduction, dtype=F64):
    """The loss under `reduction` on the given rows, straight from torch (float64 result)."""
    loss, opts = case["loss"], case["options"]
    if loss == "kl_div" and "weight" in opts:
        out = per_row(case, xs, ts, dtype)
        if reduction == "none":
            return out.tolist()
        if dtype == F64:
            return reduce_elementwise_fsum(case, out, len(xs), reduction)
        # float32, for information: torch's own float32 sum
        s = out.sum()
        if reduction == "sum":
            return s.item()
        if reduction == "mean":
            return (s / out.numel()).item()
        return (s / len(xs)).item()
    torch_red = reduction
    if reduction == "batchmean":
        torch_red = "batchmean"
    out = torch_call(case, xs, ts, torch_red, dtype)
    if reduction == "none":
        return out.tolist()
    return out.item()


def is_int_weights(sw):
    return all(float(s).is_integer() for s in sw)


def repeat_rows(xs, ts, sw):
    rx, rt = [], []
    for x, t, s in zip(xs, ts, sw):
        for _ in range(int(s)):
            rx.append(x)
            rt.append(t)
    return rx, rt


def fractional_reduced(case, reduction):
    """L / D with sample weights, from torch's per-row output (docs/LOSS-SEMANTICS.md reductions)."""
    xs, ts, sw = case["input"], case["target"], case["sample_weight"]
    out = per_row(case, xs, ts, F64).tolist()
    loss, kind = case["loss"], case["target_kind"]
    c = num_classes(case)
    if loss in ELEMENTWISE:
        if case["input_shape"] == "scalar":
            out = [[v] for v in out]
        big_l = math.fsum(s * v for s, row in zip(sw, out) for v in row)
        ssum = math.fsum(sw)
        if reduction == "sum":
            return big_l
        if reduction == "mean":
            return div(big_l, c * ssum)
        if reduction == "batchmean":
            return div(big_l, ssum)
        raise ValueError(reduction)
    big_l = math.fsum(s * v for s, v in zip(sw, out))
    if reduction == "sum":
        return big_l
    if kind == "index":
        d = math.fsum(s * weight_of(case, y) for s, y in zip(sw, ts) if not ignored(case, y))
    else:
        d = math.fsum(sw)
    return div(big_l, d)


# --------------------------------------------------------------------------------------------
# per-class partials
# --------------------------------------------------------------------------------------------

def copies(case):
    """Row multiplicities: integer sample weights are expanded into copies (exact), fractional
    weights multiply once."""
    sw = case["sample_weight"]
    n = len(case["input"])
    if sw is None:
        return [(1, 1.0)] * n
    if is_int_weights(sw):
        return [(int(s), 1.0) for s in sw]
    return [(1, float(s)) for s in sw]


def weighted_terms(mult, value):
    reps, s = mult
    return [s * value] * reps


def per_class(case):
    xs, ts = case["input"], case["target"]
    c = num_classes(case)
    mult = copies(case)
    result = []
    if case["target_kind"] == "index":
        l = per_row(case, xs, ts, F64).tolist()
        for k in range(c):
            ls, ws, rows = [], [], 0
            for n, y in enumerate(ts):
                if ignored(case, y) or y != k:
                    continue
                ls += weighted_terms(mult[n], l[n])
                ws += weighted_terms(mult[n], weight_of(case, k))
                rows += 1
            result.append({"class": k, "loss_sum": math.fsum(ls), "weight_sum": math.fsum(ws), "rows": rows})
        return result
    if case["target_kind"] == "probs":
        e = case["options"].get("label_smoothing", 0.0)
        x, _ = tensors(case, xs, ts, F64)
        for k in range(c):
            q = [[((row[j] * (1 - e) + e / c) if j == k else 0.0) for j in range(c)] for row in ts]
            kw = {"reduction": "none"}
            if "weight" in case["options"]:
                kw["weight"] = torch.tensor(case["options"]["weight"], dtype=F64)
            contrib = F.cross_entropy(x, torch.tensor(q, dtype=F64), **kw).tolist()
            ls, ws = [], []
            for n in range(len(xs)):
                ls += weighted_terms(mult[n], contrib[n])
                ws += weighted_terms(mult[n], 1.0)
            result.append({"class": k, "loss_sum": math.fsum(ls), "weight_sum": math.fsum(ws), "rows": len(xs)})
        return result
    out = per_row(case, xs, ts, F64).tolist()
    if case["input_shape"] == "scalar":
        out = [[v] for v in out]
    for k in range(c):
        ls, ws = [], []
        for n in range(len(xs)):
            ls += weighted_terms(mult[n], out[n][k])
            ws += weighted_terms(mult[n], 1.0)
        result.append({"class": k, "loss_sum": math.fsum(ls), "weight_sum": math.fsum(ws), "rows": len(xs)})
    return result


# --------------------------------------------------------------------------------------------
# case assembly
# --------------------------------------------------------------------------------------------

CASES = []
IDS = set()


def describe_how(case, reduction):
    loss = case["loss"]
    sw = case["sample_weight"]
    kl_w = loss == "kl_div" and "weight" in case["options"]
    call = "torch.nn.functional.%s (torch %s, float64)" % (loss, torch.__version__)
    if case.get("special") == "bce_log1p":
        return ("PyTorch 2.x vs 1.13: expected computed with torch ops on float64 from 2.x's element formula "
                "(t-1)*clamp(torch.log1p(-x), min=-100) - t*clamp(torch.log(x), min=-100), times weight, "
                "reduced with math.fsum (mean: / number of elements), because 1.13's own "
                "binary_cross_entropy uses log(1-x) and loses x below ~1e-16.")
    parts = []
    if sw is None:
        if kl_w:
            parts.append("%s with reduction='none', multiplied elementwise by the per-class weight w[k] "
                         "(project extension; kl_div has no weight), then reduced with math.fsum "
                         "(sum; mean: / rows*C; batchmean: / rows)" % call)
        else:
            parts.append("%s with reduction='%s'" % (call, reduction))
    elif is_int_weights(sw):
        if kl_w:
            parts.append("integer sample weights: rows physically repeated s_n times (s=0 drops the row), then "
                         "%s reduction='none' times w[k], reduced with math.fsum" % call)
        else:
            parts.append("integer sample weights, checked against repeated rows: %s with reduction='%s' on the "
                         "rows physically repeated s_n times (s=0 drops the row)" % (call, reduction))
    else:
        denom = {
            ("index", "mean"): "fsum(s_n * w[y_n]) over non-ignored rows",
            ("probs", "mean"): "fsum(s_n)",
            ("elementwise", "mean"): "C * fsum(s_n)",
            ("scalar", "mean"): "C * fsum(s_n) with C = 1",
            ("elementwise", "batchmean"): "fsum(s_n)",
        }.get((case["target_kind"], reduction))
        s = "fractional sample weights: L = math.fsum(s_n * l_n) with l_n from %s reduction='none'" % call
        if kl_w:
            s += " times w[k]"
        if loss in ELEMENTWISE:
            s += " (summed over every element)"
        if denom:
            s += ", divided by %s" % denom
        parts.append(s)
    return "; ".join(parts) + "."


def add_family(fam, loss, x, kind, t, reductions, opts=None, sw=None, dtype="float64", shape="matrix",
               note="", per_class_on=(), c=None, special=None):
    for r in reductions:
        o = dict(opts or {})
        o["reduction"] = r
        case = {
            "id": "%s/%s" % (fam, r),
            "loss": loss,
            "input_dtype": dtype,
            "input": x,
            "input_shape": shape,
            "target_kind": kind,
            "target": t,
            "sample_weight": sw,
            "options": o,
            "note": note,
        }
        if c is not None:
            case["num_classes"] = c
        if special:
            case["special"] = special
        case["per_class"] = r in per_class_on
        if case["id"] in IDS:
            raise SystemExit("duplicate id " + case["id"])
        IDS.add(case["id"])
        CASES.append(case)


def evaluate(case):
    r = case["options"]["reduction"]
    xs, ts, sw = case["input"], case["target"], case["sample_weight"]
    if sw is None:
        expected = torch_reduced(case, xs, ts, r)
    elif is_int_weights(sw):
        rx, rt = repeat_rows(xs, ts, sw)
        expected = torch_reduced(case, rx, rt, r)
        frac = fractional_reduced(case, r)  # the fsum formula must agree with the repeated rows
        if not close(expected, frac, 1e-12):
            raise SystemExit("%s: repeated rows %r != fsum formula %r" % (case["id"], expected, frac))
    else:
        expected = fractional_reduced(case, r)
    case["expected"] = expected
    if case["input_dtype"] == "float32":
        case["expected_torch_float32"] = torch_reduced(case, xs, ts, r, F32)
    if case.pop("per_class"):
        pc = per_class(case)
        case["expected_per_class"] = pc
        if r in ("sum", "mean"):
            big_l = math.fsum(p["loss_sum"] for p in pc)
            if case["target_kind"] == "probs":
                d = pc[0]["weight_sum"]  # every column carries fsum(s_n); the mean divides by it once
            else:
                d = math.fsum(p["weight_sum"] for p in pc)  # index: sum of s_n*w[y_n]; elementwise: C*fsum(s_n)
            val = big_l if r == "sum" else div(big_l, d)
            if not close(val, expected, 1e-12):
                raise SystemExit("%s: per-class partials give %r, expected %r" % (case["id"], val, expected))
    # self-check against the independent reference of docs/LOSS-SEMANTICS.md
    ref = ref_reduced(case, r)
    if not close(expected, ref, 1e-12):
        raise SystemExit("%s: torch %r disagrees with docs/LOSS-SEMANTICS.md reference %r" % (case["id"], expected, ref))
    how = describe_how(case, r)
    case["note"] = (case["note"] + " " if case["note"] else "") + "Expected: " + how
    case.pop("special", None)


# --------------------------------------------------------------------------------------------
# JSON output
# --------------------------------------------------------------------------------------------

def clean(v, zero_sign=False):
    """Non-finite numbers as strings; -0.0 as 0.0 in results (the contract's 'sum over nothing is 0')."""
    if isinstance(v, bool) or v is None or isinstance(v, str) or isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        if zero_sign and v == 0.0:
            return 0.0
        return v
    if isinstance(v, list):
        return [clean(u, zero_sign) for u in v]
    if isinstance(v, dict):
        return {k: clean(u, zero_sign) for k, u in v.items()}
    raise TypeError(type(v))


KEY_ORDER = ["id", "loss", "input_dtype", "num_classes", "input", "input_shape", "target_kind", "target",
             "sample_weight", "options", "expected", "expected_torch_float32", "expected_per_class", "note"]
FAMILY_KEY_ORDER = ["id", "loss", "input_dtype", "num_classes", "args", "arg_shapes", "sample_weight", "options",
                    "expected", "expected_per_class", "note"]
RESULT_KEYS = ("expected", "expected_torch_float32", "expected_per_class")


def dumps(v):
    return json.dumps(v, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def render(header, cases, key_order=KEY_ORDER):
    lines = ["{"]
    for k, v in header.items():
        lines.append("  %s: %s," % (dumps(k), dumps(v)))
    lines.append('  "cases": [')
    for i, case in enumerate(cases):
        lines.append("    {")
        keys = [k for k in key_order if k in case]
        assert set(keys) == set(case), set(case) - set(keys)
        for j, k in enumerate(keys):
            val = clean(case[k], zero_sign=k in RESULT_KEYS)
            if k == "expected_per_class":
                inner = ",\n".join("        " + dumps(p) for p in val)
                body = "[\n" + inner + "\n      ]"
            else:
                body = dumps(val)
            lines.append("      %s: %s%s" % (dumps(k), body, "," if j < len(keys) - 1 else ""))
        lines.append("    }" + ("," if i < len(cases) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# case builder helpers
# --------------------------------------------------------------------------------------------

def sw_families(prefix, loss, x, kind, t, reductions, opts=None, shape="matrix", note="", per_class=True,
                frac_zero=False):
    n = len(x)
    add_family(prefix + "/sample_weight_int", loss, x, kind, t, reductions, opts, INT_SW[n], shape=shape,
               note=(note + " Integer sample weights with 0 and 3: must equal the rows repeated.").strip())
    add_family(prefix + "/sample_weight_frac", loss, x, kind, t, reductions, opts, FRAC_SW[n], shape=shape,
               note=(note + " Fractional sample weights.").strip(),
               per_class_on=reductions if per_class else ())
    if frac_zero:
        assert n == len(FRAC_SW_ZERO)
        add_family(prefix + "/sample_weight_frac_with_zeros", loss, x, kind, t, reductions, opts, FRAC_SW_ZERO,
                   shape=shape, note=(note + " Fractional sample weights, some exactly 0 (rows contribute nothing).").strip())



# --------------------------------------------------------------------------------------------
# the rest of PyTorch's loss family (pytorch-family-golden.json)
# --------------------------------------------------------------------------------------------

FAMILY_SIGNATURES = {  # PyTorch's positional arguments, in order
    "mse_loss": ("input", "target"),
    "l1_loss": ("input", "target"),
    "smooth_l1_loss": ("input", "target"),
    "huber_loss": ("input", "target"),
    "poisson_nll_loss": ("input", "target"),
    "gaussian_nll_loss": ("input", "target", "var"),
    "soft_margin_loss": ("input", "target"),
    "multilabel_soft_margin_loss": ("input", "target"),
    "multi_margin_loss": ("input", "target"),
    "multilabel_margin_loss": ("input", "target"),
    "hinge_embedding_loss": ("input", "target"),
    "margin_ranking_loss": ("input1", "input2", "target"),
    "cosine_embedding_loss": ("input1", "input2", "target"),
    "triplet_margin_loss": ("anchor", "positive", "negative"),
    "sigmoid_focal_loss": ("input", "target"),
}
FAMILY_LOSSES = list(FAMILY_SIGNATURES)
SHAPES = ("matrix", "scalar", "index", "index_matrix", "sign")
# PyTorch's CPU kernels for these two return before writing the scalar result when the batch is empty
# (1.13, and the 2.x kernel has the same early return): sum/mean over zero rows is unwritten memory.
EMPTY_UNWRITTEN = ("multi_margin_loss", "multilabel_margin_loss")
FAMILY_RTOL = 1e-12

SOFT_MARGIN_13_NOTE = ("PyTorch 1.13 computes log(1 + exp(-y*x)), 2.x log1p(exp(-y*x)): same mathematics, "
                       "last-bit differences where exp(-y*x) is small (relative ~1e-14 here).")
FOCAL_13_NOTE = ("torchvision's focal loss calls binary_cross_entropy_with_logits: PyTorch 1.13 computes its "
                 "softplus as log(exp(-m) + exp(-x-m)) + m, 2.x via log_sigmoid: same mathematics, last-bit "
                 "differences.")

FAMILY_F32_NOTE = ("float32 args: generated in float32 and written as their exact float64 values; expected "
                   "computed by torch in float64 on those values.")

FAMILY_CASES = []
FAMILY_IDS = set()


def family_call_name(loss):
    if loss == "sigmoid_focal_loss":
        return "torchvision.ops.sigmoid_focal_loss (torchvision %s, torch %s, float64)" % (
            torchvision.__version__, torch.__version__)
    return "torch.nn.functional.%s (torch %s, float64)" % (loss, torch.__version__)


def family_tensors(case, args):
    c = family_num_classes(case)
    out = []
    for name, shape in case["arg_shapes"].items():
        v = args[name]
        if shape == "matrix":
            out.append(torch.tensor(v, dtype=F64) if v else torch.zeros((0, c), dtype=F64))
        elif shape in ("scalar", "sign"):
            out.append(torch.tensor(v, dtype=F64) if v else torch.zeros(0, dtype=F64))
        elif shape == "index":
            out.append(torch.tensor(v, dtype=torch.long) if v else torch.zeros(0, dtype=torch.long))
        elif shape == "index_matrix":
            out.append(torch.tensor(v, dtype=torch.long) if v else torch.zeros((0, c), dtype=torch.long))
        else:
            raise ValueError(shape)
    return out


def torch_reduce(out, reduction):
    """apply_loss_reduction, as PyTorch's kernels end."""
    if reduction == "sum":
        return out.sum()
    if reduction == "mean":
        return out.mean()
    return out


def soft_margin_2x(ts, opts, reduction):
    """PyTorch 2.x's soft_margin_loss: neg(x).mul(y).exp().log1p(), then the reduction."""
    x, y = ts
    return torch_reduce(torch.log1p(torch.exp(torch.neg(x).mul(y))), reduction)


def focal_2x(ts, opts, reduction):
    """torchvision's sigmoid_focal_loss with PyTorch 2.x's binary_cross_entropy_with_logits,
    (1 - t) * x - log_sigmoid(x)."""
    x, t = ts
    alpha, gamma = opts.get("alpha", 0.25), opts.get("gamma", 2)
    p = torch.sigmoid(x)
    ce_loss = (1 - t).mul(x).sub(F.logsigmoid(x))
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * t + (1 - alpha) * (1 - t)
        loss = alpha_t * loss
    return torch_reduce(loss, reduction)


SPECIALS = {"soft_margin_2x": soft_margin_2x, "focal_2x": focal_2x}


def family_torch(case, args, reduction):
    """The loss on the given rows under `reduction`, straight from torch (float64), as Python numbers."""
    loss = case["loss"]
    if reduction != "none" and loss in EMPTY_UNWRITTEN and not args[family_first_arg(case)]:
        case["empty_unwritten"] = True
        return 0.0 if reduction == "sum" else NAN
    opts = {k: v for k, v in case["options"].items() if k != "reduction"}
    if "weight" in opts:
        opts["weight"] = torch.tensor(opts["weight"], dtype=F64)
    ts = family_tensors(case, args)
    special = case.get("special")
    if special:
        out = SPECIALS[special](ts, opts, reduction)
    elif loss == "sigmoid_focal_loss":
        out = sigmoid_focal_loss(*ts, reduction=reduction, **opts)
    else:
        out = getattr(F, loss)(*ts, reduction=reduction, **opts)
    return out.tolist() if reduction == "none" else out.item()


def family_repeat(args, sw):
    return {name: [v for v, s in zip(col, sw) for _ in range(int(s))] for name, col in args.items()}


def family_fractional(case, reduction):
    """L / D with sample weights from torch's reduction='none' output: L = fsum(s_n * l_n) over every element
    (element-wise losses) or row; D = C * fsum(s_n) (element-wise) or fsum(s_n) (per-row). s_n = 0 rows
    contribute nothing."""
    sw = case["sample_weight"]
    out = family_torch(case, case["args"], "none")
    terms = [s * v for s, r in zip(sw, out) if s != 0 for v in (r if isinstance(r, list) else [r])]
    big_l = safe_fsum(terms)
    if reduction == "sum":
        return big_l
    d = math.fsum(sw)
    if case["loss"] in FAMILY_ELEMENTWISE:
        d *= family_num_classes(case)
    return ieee_div(big_l, d)


def family_class_terms(case):
    """Per-row lists of per-class terms l_nc from torch: the reduction='none' elements for element-wise losses;
    for multilabel_soft_margin_loss the class terms -(w_c/C)(y ln sigmoid(x) + (1-y) ln sigmoid(-x))."""
    if case["loss"] == "multilabel_soft_margin_loss":
        x, t = family_tensors(case, case["args"])
        el = -(t * F.logsigmoid(x) + (1 - t) * F.logsigmoid(-x))
        if "weight" in case["options"]:
            el = el * torch.tensor(case["options"]["weight"], dtype=F64)
        return (el / family_num_classes(case)).tolist()
    out = family_torch(case, case["args"], "none")
    return [r if isinstance(r, list) else [r] for r in out]


def family_per_class(case, reduction):
    loss = case["loss"]
    sw = family_weights(case)
    n_rows = family_num_rows(case)
    c = family_num_classes(case)
    groups = []
    if loss == "multi_margin_loss":
        out = family_torch(case, case["args"], "none")
        ys = case["args"]["target"]
        for k in range(c):
            groups.append((k, [(sw[n], out[n]) for n in range(n_rows) if ys[n] == k]))
    else:
        terms = family_class_terms(case)
        for k in range(c):
            groups.append((k, [(sw[n], terms[n][k]) for n in range(n_rows)]))
    result = []
    for k, members in groups:
        loss_sum = safe_fsum(s * v for s, v in members if s != 0)
        weight_sum = math.fsum(s for s, _ in members)
        value = loss_sum if reduction == "sum" else ieee_div(loss_sum, weight_sum)
        result.append({"class": k, "value": value, "loss_sum": loss_sum, "weight_sum": weight_sum,
                       "rows": len(members)})
    return result


def per_class_total(case, pc, reduction):
    """The reduced loss recomputed from per-class partials (a consistency check)."""
    big_l = safe_fsum(p["loss_sum"] for p in pc)
    if reduction == "sum":
        return big_l
    if case["loss"] == "multilabel_soft_margin_loss":
        return ieee_div(big_l, pc[0]["weight_sum"])  # every class carries fsum(s_n); the mean divides once
    return ieee_div(big_l, math.fsum(p["weight_sum"] for p in pc))  # element-wise: C * fsum(s_n)


def describe_family_how(case, reduction):
    loss, sw = case["loss"], case["sample_weight"]
    call = family_call_name(loss)
    special = case.get("special")
    if special == "soft_margin_2x":
        how = ("PyTorch 2.x vs 1.13: expected computed with torch ops on float64 from 2.x's soft_margin_loss, "
               "log1p(exp(-x*y)), then torch's sum/mean, because 1.13's log(1 + exp(-x*y)) rounds to 0 once "
               "exp(-x*y) is below ~1.1e-16 (2.x keeps it)")
    elif special == "focal_2x":
        how = ("PyTorch 2.x vs 1.13: expected computed with torch ops on float64 from torchvision's "
               "sigmoid_focal_loss with 2.x's binary_cross_entropy_with_logits, (1-t)*x - logsigmoid(x), then "
               "torch's sum/mean, because 1.13's log(exp(-m) + exp(-x-m)) + m rounds softplus(-x) to 0 once "
               "exp(-|x|) is below ~1.1e-16 (2.x keeps it)")
    elif sw is None:
        how = "%s with reduction='%s'" % (call, reduction)
    elif all(float(s).is_integer() for s in sw):
        how = ("integer sample weights, checked against repeated rows: %s with reduction='%s' on the rows "
               "physically repeated s_n times (s=0 drops the row)" % (call, reduction))
    else:
        elementwise = loss in FAMILY_ELEMENTWISE
        how = "fractional sample weights: L = math.fsum(s_n * l_n) with l_n from %s reduction='none'" % call
        how += " (over every element)" if elementwise else " (one per row)"
        if reduction == "mean":
            how += ", divided by %s" % ("C * fsum(s_n)" if elementwise else "fsum(s_n)")
    if case.get("empty_unwritten"):
        how = ("not from torch: for zero rows PyTorch's CPU kernel returns an unwritten scalar under reduction "
               "'%s' (1.13 and 2.x alike), so the value is the contract's (sum 0, mean NaN)" % reduction)
    if "expected_per_class" in case:
        if loss == "multi_margin_loss":
            how += ("; expected_per_class: per target class c, over the rows whose target is c, loss_sum = "
                    "fsum(s_n * l_n), weight_sum = fsum(s_n)")
        elif loss == "multilabel_soft_margin_loss":
            how += ("; expected_per_class: per class c, loss_sum = fsum over rows of s_n * l_nc with l_nc the "
                    "row's class term -(w_c/C)(y ln sigmoid(x) + (1-y) ln sigmoid(-x)) from torch ops, "
                    "weight_sum = fsum(s_n)")
        else:
            how += ("; expected_per_class: per element index c, loss_sum = fsum over rows of s_n * l_nc "
                    "(torch's reduction='none' elements), weight_sum = fsum(s_n)")
        how += ", value = loss_sum" + (" / weight_sum" if reduction == "mean" else "")
    return how + "."


def add_case(fam, loss, args, shapes, reductions, opts=None, sw=None, dtype="float64", c=None, per_class_on=(),
             special=None, note=""):
    """One case per reduction. args and shapes: in PyTorch's positional order (shapes may be one string for
    every argument)."""
    names = FAMILY_SIGNATURES[loss]
    if isinstance(shapes, str):
        shapes = [shapes] * len(names)
    assert len(args) == len(names) == len(shapes), fam
    assert all(s in SHAPES for s in shapes), shapes
    n = len(args[0])
    assert all(len(a) == n for a in args), fam
    if sw is not None:
        assert len(sw) == n, fam
    for r in reductions:
        o = dict(opts or {})
        o["reduction"] = r
        case = {
            "id": "%s/%s" % (fam, r),
            "loss": loss,
            "input_dtype": dtype,
            "args": dict(zip(names, args)),
            "arg_shapes": dict(zip(names, shapes)),
            "sample_weight": sw,
            "options": o,
            "note": note,
        }
        if c is not None:
            case["num_classes"] = c
        if special:
            case["special"] = special
        case["per_class"] = r in per_class_on
        assert case["id"].startswith(loss + "/"), case["id"]
        if case["id"] in FAMILY_IDS:
            raise SystemExit("duplicate id " + case["id"])
        FAMILY_IDS.add(case["id"])
        FAMILY_CASES.append(case)


def family_sw(prefix, loss, args, shapes, reductions, opts=None, note="", per_class=True, frac_zero=False):
    """Integer (with 0 and 3) and fractional sample weights, optionally fractional ones with zeros."""
    n = len(args[0])
    add_case(prefix + "/sample_weight_int", loss, args, shapes, reductions, opts, INT_SW[n],
             note=(note + " Integer sample weights with 0 and 3: must equal the rows repeated.").strip())
    add_case(prefix + "/sample_weight_frac", loss, args, shapes, reductions, opts, FRAC_SW[n],
             per_class_on=reductions if per_class else (), note=(note + " Fractional sample weights.").strip())
    if frac_zero:
        assert n == len(FRAC_SW_ZERO)
        add_case(prefix + "/sample_weight_frac_with_zeros", loss, args, shapes, reductions, opts, FRAC_SW_ZERO,
                 note=(note + " Fractional sample weights, some exactly 0 (rows contribute nothing).").strip())


def evaluate_family(case):
    """Expected value (and per-class partials) from torch, checked against the reference; returns the
    relative deviation from the reference."""
    r = case["options"]["reduction"]
    sw = case["sample_weight"]
    if sw is None:
        expected = family_torch(case, case["args"], r)
    elif all(float(s).is_integer() for s in sw):
        expected = family_torch(case, family_repeat(case["args"], sw), r)
        frac = family_fractional(case, r)  # the fsum formula must agree with the repeated rows
        if not close(expected, frac, FAMILY_RTOL):
            raise SystemExit("%s: repeated rows %r != fsum formula %r" % (case["id"], expected, frac))
    else:
        expected = family_fractional(case, r)
    case["expected"] = expected
    ref = family_ref_reduced(case, r)
    if not close(expected, ref, FAMILY_RTOL):
        raise SystemExit("%s: torch %r disagrees with docs/LOSS-SEMANTICS.md reference %r"
                         % (case["id"], expected, ref))
    dev = deviation(expected, ref)
    if case.pop("per_class"):
        pc = family_per_class(case, r)
        total = per_class_total(case, pc, r)
        if not close(total, expected, FAMILY_RTOL):
            raise SystemExit("%s: per-class partials give %r, expected %r" % (case["id"], total, expected))
        ref_pc = family_ref_per_class(case, r)
        for a, b in zip(pc, ref_pc):
            for k in ("value", "loss_sum", "weight_sum"):
                if not close(a[k], b[k], FAMILY_RTOL):
                    raise SystemExit("%s: per-class %r disagrees with the reference %r" % (case["id"], a, b))
            assert a["rows"] == b["rows"] and a["class"] == b["class"]
        case["expected_per_class"] = pc
    case["note"] = (case["note"] + " " if case["note"] else "") + "Expected: " + describe_family_how(case, r)
    case.pop("special", None)
    case.pop("empty_unwritten", None)
    return dev


# --------------------------------------------------------------------------------------------
# standard errors and confidence intervals (uncertainty-golden.json)
# --------------------------------------------------------------------------------------------

UNCERTAINTY_KEY_ORDER = ["id", "loss", "input_dtype", "num_classes", "input", "input_shape", "target_kind", "target",
                         "args", "arg_shapes", "sample_weight", "options", "expected", "expected_torch_float32",
                         "uncertainty", "note"]
UNCERTAINTY_RTOL = 1e-12
UNCERTAINTY_CASES = []
UNCERTAINTY_IDS = set()
UNCERTAINTY_CHECKS = {"sem": 0, "repeated_rows": 0}


def add_uncertainty_case(case, per_class, confidence):
    if case["id"] in UNCERTAINTY_IDS:
        raise SystemExit("duplicate id " + case["id"])
    assert case["id"].startswith(case["loss"] + "/"), case["id"]
    assert confidence is None or confidence != DEFAULT_CONFIDENCE, case["id"]
    UNCERTAINTY_IDS.add(case["id"])
    case["per_class"] = False  # the partials of the other files are not repeated here
    case["uncertainty_per_class"] = per_class
    case["uncertainty_confidence"] = confidence
    UNCERTAINTY_CASES.append(case)


def uncertainty_core(fam, loss, x, kind, t, reductions, opts=None, sw=None, dtype="float64", shape="matrix", c=None,
                     per_class_on=(), confidence=None, note=""):
    """One case per reduction in pytorch-golden.json's layout (input, input_shape, target_kind, target)."""
    for r in reductions:
        o = dict(opts or {})
        o["reduction"] = r
        case = {"id": "%s/%s" % (fam, r), "loss": loss, "input_dtype": dtype, "input": x, "input_shape": shape,
                "target_kind": kind, "target": t, "sample_weight": sw, "options": o, "note": note}
        if c is not None:
            case["num_classes"] = c
        add_uncertainty_case(case, r in per_class_on, confidence)


def uncertainty_family(fam, loss, args, shapes, reductions, opts=None, sw=None, dtype="float64", c=None,
                       per_class_on=(), confidence=None, note=""):
    """One case per reduction in pytorch-family-golden.json's layout (args, arg_shapes under PyTorch's names)."""
    names = FAMILY_SIGNATURES[loss]
    if isinstance(shapes, str):
        shapes = [shapes] * len(names)
    assert len(args) == len(names) == len(shapes), fam
    for r in reductions:
        o = dict(opts or {})
        o["reduction"] = r
        case = {"id": "%s/%s" % (fam, r), "loss": loss, "input_dtype": dtype, "args": dict(zip(names, args)),
                "arg_shapes": dict(zip(names, shapes)), "sample_weight": sw, "options": o, "note": note}
        if c is not None:
            case["num_classes"] = c
        add_uncertainty_case(case, r in per_class_on, confidence)


def uncertainty_terms(case, reduction, per_class_on):
    """From torch's reduction='none' output (float64): the counted rows' (s_n, a_n, b_n), the per-class groups
    [(c, [(s_n, a_nc, b_nc)])] (None where the case has none) and a description of both."""
    loss = case["loss"]
    batch_b = reduction == "batchmean"
    if "args" in case:
        out = family_torch(case, case["args"], "none")
        sw = family_weights(case)
        c = family_num_classes(case)
        if loss in FAMILY_PER_ROW:
            rows = [(s, v, 1.0) for s, v in zip(sw, out)]
            return rows, None, "a_n = the row's loss from torch's reduction='none' output, b_n = 1"
        elements = [r if isinstance(r, list) else [r] for r in out]
    else:
        xs, ts = case["input"], case["target"]
        sw = case["sample_weight"] or [1.0] * len(xs)
        out = per_row(case, xs, ts, F64).tolist()
        c = num_classes(case)
        if case["target_kind"] == "index":
            keep = [n for n, y in enumerate(ts) if not ignored(case, y)]
            rows = [(sw[n], out[n], weight_of(case, ts[n])) for n in keep]
            groups = [(k, [(sw[n], out[n], weight_of(case, k)) for n in keep if ts[n] == k]) for k in range(c)]
            b = (" (which includes w[y_n]), b_n = w[y_n]" if "weight" in case["options"]
                 else ", b_n = 1 (no class weight)")
            how = ("a_n = the row's loss from torch's reduction='none' output%s; rows whose target is ignore_index "
                   "are left out" % b)
            return rows, groups, how + ("; per class c: the rows of target c, b_n = w[c], their own N_c"
                                        if per_class_on else "")
        if case["target_kind"] == "probs":
            return ([(s, v, 1.0) for s, v in zip(sw, out)], None,
                    "a_n = the row's loss from torch's reduction='none' output, b_n = 1 (probability targets)")
        elements = [[v] for v in out] if case["input_shape"] == "scalar" else out
    b = 1.0 if batch_b else float(c)
    rows = [(s, math.fsum(r), b) for s, r in zip(sw, elements)]
    groups = [(k, [(s, r[k], 1.0) for s, r in zip(sw, elements)]) for k in range(c)]
    how = ("a_n = math.fsum of the row's %d element(s) of torch's reduction='none' output, b_n = %s"
           % (c, "1 (batchmean)" if batch_b else "C = %d" % c))
    return rows, groups, how + ("; per class c: element column c, a_n = the row's element c, b_n = 1"
                                if per_class_on else "")


def check_estimate(case_id, what, got, terms, reduction):
    """got (from golden.uncertainty.estimate) against NumPy, scipy.stats.sem where it applies, and repeated rows
    where the sample weights are integers."""
    val, se = estimate_numpy(terms, reduction)
    if not (close(got["value"], val, UNCERTAINTY_RTOL) and close(got["std_error"], se, UNCERTAINTY_RTOL)):
        raise SystemExit("%s %s: fsum %r disagrees with NumPy (%r, %r)" % (case_id, what, got, val, se))
    sem = sem_check(terms, reduction)
    if sem is not None:
        if not (close(got["value"], sem[0], UNCERTAINTY_RTOL) and close(got["std_error"], sem[1], UNCERTAINTY_RTOL)):
            raise SystemExit("%s %s: %r disagrees with scipy.stats.sem %r" % (case_id, what, got, sem))
        UNCERTAINTY_CHECKS["sem"] += 1
    if all(float(s).is_integer() for s, _, _ in terms) and any(s != 1 for s, _, _ in terms):
        repeated = [(1.0, a, b) for s, a, b in terms for _ in range(int(s))]
        again = estimate(repeated, reduction, got["confidence"])
        if not all(close(got[k], again[k], UNCERTAINTY_RTOL) for k in ("value", "std_error", "n")):
            raise SystemExit("%s %s: %r disagrees with the repeated rows %r" % (case_id, what, got, again))
        sem = sem_check(repeated, reduction)
        if sem is not None and not close(got["std_error"], sem[1], UNCERTAINTY_RTOL):
            raise SystemExit("%s %s: %r disagrees with scipy.stats.sem on the repeated rows %r"
                             % (case_id, what, got, sem))
        UNCERTAINTY_CHECKS["repeated_rows"] += 1


def evaluate_uncertainty(case):
    """expected and its note as in the other files, then the uncertainty object from torch's per-row losses."""
    r = case["options"]["reduction"]
    per_class_on = case.pop("uncertainty_per_class")
    confidence = case.pop("uncertainty_confidence")
    if "args" in case:
        evaluate_family(case)
    else:
        evaluate(case)
    rows, groups, how = uncertainty_terms(case, r, per_class_on)
    if r == "sum":
        how += " (b_n does not enter 'sum')"
    conf = DEFAULT_CONFIDENCE if confidence is None else confidence
    got = estimate(rows, r, conf)
    if not close(got["value"], case["expected"], UNCERTAINTY_RTOL):
        raise SystemExit("%s: value %r != expected %r" % (case["id"], got["value"], case["expected"]))
    check_estimate(case["id"], "group", got, rows, r)
    result = dict(got)
    if per_class_on:
        if groups is None:
            raise SystemExit("%s: no per-class groups for this case" % case["id"])
        result["per_class"] = []
        for k, terms in groups:
            pc = estimate(terms, r, conf)
            check_estimate(case["id"], "class %d" % k, pc, terms, r)
            result["per_class"].append({"class": k, **{f: pc[f] for f in ("value", "std_error", "ci_low", "ci_high")}})
    case["uncertainty"] = clean(result, zero_sign=True)
    if confidence is not None:
        case["options"]["confidence"] = confidence
    case["note"] += (" Uncertainty: %s; N = sum of the counted rows' s_n; value, std_error and the interval "
                     "(z = scipy.stats.norm.ppf((1 + %r) / 2)) from golden.uncertainty with math.fsum."
                     % (how, conf))
