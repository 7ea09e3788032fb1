"""Independent reference: the losses of docs/LOSS-SEMANTICS.md in pure Python (math, math.fsum).

No torch here. Every golden value computed with PyTorch is compared with this implementation and the
generator aborts on a disagreement beyond the stated relative tolerance; the largest deviation is
reported in each file's header note.
"""

import math

NAN = float("nan")
INF = float("inf")

ELEMENTWISE = ("binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div")


# --------------------------------------------------------------------------------------------
# case accessors and IEEE helpers
# --------------------------------------------------------------------------------------------

def num_classes(case):
    if case.get("num_classes") is not None:
        return case["num_classes"]
    if case["input_shape"] == "scalar":
        return 1
    return len(case["input"][0])


def weight_of(case, k):
    w = case["options"].get("weight")
    return 1.0 if w is None else w[k]


def ignored(case, y):
    return y == case["options"].get("ignore_index", -100)


def div(a, b):
    """IEEE a / b (0/0 = NaN, x/0 = +-inf), as PyTorch divides."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)
    return a / b


# --------------------------------------------------------------------------------------------
# the first five losses
# --------------------------------------------------------------------------------------------

def ref_log_softmax(row):
    if any(math.isnan(v) for v in row):
        return [NAN] * len(row)
    m = max(row)
    if math.isinf(m) and m > 0:
        return [NAN] * len(row)
    log_sum = math.log(math.fsum(math.exp(v - m) for v in row))
    return [(v - m) - log_sum for v in row]  # not v - (m + log_sum): that loses bits at |x| ~ 1000


def ref_xlogy(a, b):
    if a == 0 and not math.isnan(b):
        return 0.0
    return a * math.log(b)


def ref_mul(a, b):
    return a * b  # Python float multiply (inf * 0 = nan as in IEEE)


def ref_rows(case):
    loss, o = case["loss"], case["options"]
    xs, ts = case["input"], case["target"]
    c = num_classes(case)
    w = o.get("weight", [1.0] * c)
    rows = []
    if loss in ("cross_entropy", "nll_loss"):
        e = o.get("label_smoothing", 0.0)
        for x, t in zip(xs, ts):
            p = ref_log_softmax(x) if loss == "cross_entropy" else x
            if case["target_kind"] == "index":
                if ignored(case, t):
                    rows.append(0.0)
                    continue
                main = -w[t] * p[t]
                if e != 0:
                    smooth = math.fsum(-w[k] * p[k] for k in range(c)) if not any(
                        math.isnan(-w[k] * p[k]) for k in range(c)) else NAN
                    rows.append((1 - e) * main + (e / c) * smooth)
                else:
                    rows.append(main)
            else:
                q = [v * (1 - e) + e / c for v in t]
                terms = [-w[k] * q[k] * p[k] for k in range(c)]
                rows.append(NAN if any(math.isnan(v) for v in terms) else math.fsum(terms))
        return rows
    scalar = case["input_shape"] == "scalar"
    for x, t in zip(xs, ts):
        xr, tr = ([x], [t]) if scalar else (x, t)
        el = []
        for k in range(c):
            xv, tv = xr[k], tr[k]
            if loss == "binary_cross_entropy":
                lx = max(math.log(xv), -100.0) if xv > 0 else -100.0
                l1 = max(math.log1p(-xv), -100.0) if xv < 1 else -100.0
                el.append(-w[k] * (tv * lx + (1 - tv) * l1))
            elif loss == "binary_cross_entropy_with_logits":
                pw = o.get("pos_weight", [1.0] * c)[k]
                sp = math.log1p(math.exp(-abs(xv))) + max(-xv, 0.0)
                el.append(w[k] * ((1 - tv) * xv + (1 + (pw - 1) * tv) * sp))
            else:
                if o.get("log_target", False):
                    el.append(w[k] * math.exp(tv) * (tv - xv))
                else:
                    el.append(w[k] * (ref_xlogy(tv, tv) - tv * xv))
        rows.append(el[0] if scalar else el)
    return rows


def ref_reduced(case, reduction):
    rows = ref_rows(case)
    if reduction == "none":
        return rows
    n = len(rows)
    sw = case["sample_weight"] or [1.0] * n
    c = num_classes(case)
    if case["loss"] in ELEMENTWISE:
        flat = [(s, v) for s, r in zip(sw, rows) for v in (r if isinstance(r, list) else [r])]
        terms = [s * v for s, v in flat if s != 0]
        big_l = NAN if any(math.isnan(t) for t in terms) else (
            math.fsum(terms) if not any(math.isinf(t) for t in terms) else sum(terms))
        if reduction == "sum":
            return big_l
        if reduction == "mean":
            return div(big_l, c * math.fsum(sw))
        return div(big_l, math.fsum(sw))
    terms = [s * v for s, v in zip(sw, rows) if s != 0]
    big_l = NAN if any(math.isnan(t) for t in terms) else (
        math.fsum(terms) if not any(math.isinf(t) for t in terms) else sum(terms))
    if reduction == "sum":
        return big_l
    if case["target_kind"] == "index":
        d = math.fsum(s * weight_of(case, y) for s, y in zip(sw, case["target"]) if not ignored(case, y))
    else:
        d = math.fsum(sw)
    if d == 0:
        return NAN  # docs/LOSS-SEMANTICS.md: a mean with a zero weight sum is NaN, even if L != 0
    return div(big_l, d)


def flatten(v):
    if isinstance(v, list):
        for u in v:
            yield from flatten(u)
    else:
        yield v


def max_rel_deviation(case):
    """(largest relative deviation, largest on values of magnitude >= 0.1) from the reference."""
    worst, worst_big = 0.0, 0.0
    ref = ref_reduced(case, case["options"]["reduction"])
    for a, b in zip(flatten(case["expected"]), flatten(ref)):
        if math.isfinite(a) and math.isfinite(b) and a != b:
            r = abs(a - b) / max(abs(a), abs(b))
            worst = max(worst, r)
            if max(abs(a), abs(b)) >= 0.1:
                worst_big = max(worst_big, r)
    return worst, worst_big


def close(a, b, rtol):
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(
            close(u, v, rtol) for u, v in zip(a, b))
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + 1e-300



# --------------------------------------------------------------------------------------------
# the rest of PyTorch's loss family (docs/LOSS-SEMANTICS.md, "The rest of PyTorch's loss family")
# --------------------------------------------------------------------------------------------

FAMILY_ELEMENTWISE = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "poisson_nll_loss", "gaussian_nll_loss",
                      "soft_margin_loss", "hinge_embedding_loss", "margin_ranking_loss", "sigmoid_focal_loss")
FAMILY_PER_ROW = ("multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss",
                  "cosine_embedding_loss", "triplet_margin_loss")
COSINE_EPSILON = 9.999999960041972e-13  # PyTorch's EPSILON: the C++ float 1e-12, as a double


def family_first_arg(case):
    return next(iter(case["arg_shapes"]))


def family_num_classes(case):
    """C: elements per row of the first argument (1 for a scalar column)."""
    if case.get("num_classes") is not None:
        return case["num_classes"]
    first = family_first_arg(case)
    if case["arg_shapes"][first] == "scalar":
        return 1
    return len(case["args"][first][0])


def family_num_rows(case):
    return len(case["args"][family_first_arg(case)])


def safe_fsum(terms):
    """Exact sum; NaN if a term is NaN, IEEE addition once an infinity (or an overflow) is involved."""
    terms = list(terms)
    if any(math.isnan(t) for t in terms):
        return NAN
    if any(math.isinf(t) for t in terms):
        return sum(terms)
    try:
        return math.fsum(terms)
    except OverflowError:
        return sum(terms)


def r_exp(v):
    try:
        return math.exp(v)
    except OverflowError:
        return INF


def r_log(v):
    if math.isnan(v) or v < 0:
        return NAN
    if v == 0:
        return -INF
    return math.log(v)


def clamp0(v):
    """max(v, 0) that keeps NaN, as torch.clamp_min does."""
    if math.isnan(v):
        return NAN
    return v if v > 0 else 0.0


def nan_min(a, b):
    if math.isnan(a) or math.isnan(b):
        return NAN
    return min(a, b)


def log_sigmoid(x):
    """ln sigmoid(x) = min(x, 0) - log1p(exp(-|x|))."""
    if math.isnan(x):
        return NAN
    return min(x, 0.0) - math.log1p(r_exp(-abs(x)))


def softplus_neg(x):
    """softplus(-x) = ln(1 + exp(-x)), computed stably: log1p(exp(-|x|)) + max(-x, 0)."""
    if math.isnan(x):
        return NAN
    return math.log1p(r_exp(-abs(x))) + max(-x, 0.0)


def p_norm(v, p):
    if p == 2:
        return math.sqrt(safe_fsum(e * e for e in v))
    if p == 1:
        return safe_fsum(abs(e) for e in v)
    return safe_fsum(abs(e) ** p for e in v) ** (1.0 / p)


def elementwise_loss(loss, o, vals):
    """One element's loss; vals holds the element of each positional argument, in PyTorch's order."""
    if loss == "mse_loss":
        d = vals[0] - vals[1]
        return d * d
    if loss == "l1_loss":
        return abs(vals[0] - vals[1])
    if loss == "smooth_l1_loss":
        beta = o.get("beta", 1.0)
        z = abs(vals[0] - vals[1])
        if beta == 0:
            return z
        return 0.5 * z * z / beta if z < beta else z - 0.5 * beta
    if loss == "huber_loss":
        delta = o.get("delta", 1.0)
        z = abs(vals[0] - vals[1])
        return 0.5 * z * z if z < delta else delta * (z - 0.5 * delta)
    if loss == "poisson_nll_loss":
        x, y = vals
        if o.get("log_input", True):
            el = r_exp(x) - y * x
        else:
            el = x - y * r_log(x + o.get("eps", 1e-8))
        if o.get("full", False) and y > 1:
            el += y * r_log(y) - y + 0.5 * r_log(2 * math.pi * y)
        return el
    if loss == "gaussian_nll_loss":
        x, y, var = vals
        v = var if math.isnan(var) else max(var, o.get("eps", 1e-6))
        d = x - y
        el = 0.5 * (r_log(v) + d * d / v)
        if o.get("full", False):
            el += 0.5 * math.log(2 * math.pi)
        return el
    if loss == "soft_margin_loss":
        x, y = vals
        return math.log1p(r_exp(-x * y))
    if loss == "hinge_embedding_loss":
        x, y = vals
        margin = o.get("margin", 1.0)
        return (clamp0(margin - x) if y != 1 else 0.0) + (x if y != -1 else 0.0)
    if loss == "margin_ranking_loss":
        x1, x2, y = vals
        return clamp0(-y * (x1 - x2) + o.get("margin", 0.0))
    if loss == "sigmoid_focal_loss":
        x, t = vals
        alpha, gamma = o.get("alpha", 0.25), o.get("gamma", 2.0)
        p = 1.0 / (1.0 + r_exp(-x))
        ce = (1 - t) * x + softplus_neg(x)
        p_t = p * t + (1 - p) * (1 - t)
        el = ce * math.pow(1 - p_t, gamma)
        if alpha >= 0:
            el = (alpha * t + (1 - alpha) * (1 - t)) * el
        return el
    raise ValueError(loss)


def multilabel_soft_margin_terms(case, x, y):
    """The row's class terms -(1/C) w_c (y ln sigmoid(x) + (1 - y) ln sigmoid(-x)); they sum to the row loss."""
    c = len(x)
    w = case["options"].get("weight", [1.0] * c)
    return [-(w[k] * (y[k] * log_sigmoid(x[k]) + (1 - y[k]) * log_sigmoid(-x[k]))) / c for k in range(c)]


def per_row_loss(case, vals):
    loss, o = case["loss"], case["options"]
    if loss == "multilabel_soft_margin_loss":
        x, y = vals
        c = len(x)
        w = o.get("weight", [1.0] * c)
        s = safe_fsum(w[k] * (y[k] * log_sigmoid(x[k]) + (1 - y[k]) * log_sigmoid(-x[k])) for k in range(c))
        return -s / c
    if loss == "multi_margin_loss":
        x, y = vals
        c = len(x)
        w = o.get("weight", [1.0] * c)
        margin, p = o.get("margin", 1.0), o.get("p", 1)
        return safe_fsum(w[y] * clamp0(margin - x[y] + x[i]) ** p for i in range(c) if i != y) / c
    if loss == "multilabel_margin_loss":
        x, t = vals
        c = len(x)
        targets = []
        for j in t:
            if j < 0:
                break  # the first -1 ends the targets; anything after it is ignored
            targets.append(j)
        others = [i for i in range(c) if i not in set(targets)]
        return safe_fsum(clamp0(1 - (x[j] - x[i])) for j in targets for i in others) / c
    if loss == "cosine_embedding_loss":
        a, b, y = vals
        prod = safe_fsum(u * v for u, v in zip(a, b))
        m1 = safe_fsum(u * u for u in a) + COSINE_EPSILON
        m2 = safe_fsum(v * v for v in b) + COSINE_EPSILON
        cos = prod / math.sqrt(m1 * m2)
        if y == 1:
            return 1 - cos
        if y == -1:
            return clamp0(cos - o.get("margin", 0.0))
        return 0.0
    if loss == "triplet_margin_loss":
        a, pos, neg = vals
        p, eps = o.get("p", 2.0), o.get("eps", 1e-6)

        def dist(u, v):
            return p_norm([ui - vi + eps for ui, vi in zip(u, v)], p)

        d_pos, d_neg = dist(a, pos), dist(a, neg)
        if o.get("swap", False):
            d_neg = nan_min(d_neg, dist(pos, neg))
        return clamp0(o.get("margin", 1.0) + d_pos - d_neg)  # PyTorch's order: margin + d(a, p) - d(a, n)
    raise ValueError(loss)


def family_ref_rows(case):
    """Per-row losses: a list of per-element losses for element-wise losses on matrix arguments, one number
    for scalar columns and for per-row losses."""
    loss, o = case["loss"], case["options"]
    names = list(case["arg_shapes"])
    cols = [case["args"][k] for k in names]
    rows = []
    for n in range(family_num_rows(case)):
        vals = [col[n] for col in cols]
        if loss in FAMILY_PER_ROW:
            rows.append(per_row_loss(case, vals))
            continue
        if case["arg_shapes"][names[0]] == "scalar":
            rows.append(elementwise_loss(loss, o, vals))
            continue
        c = len(vals[0])
        el = []
        for k in range(c):
            # a "scalar" argument next to matrix ones (gaussian_nll_loss var) is broadcast over the row
            el.append(elementwise_loss(loss, o, [v[k] if isinstance(v, list) else v for v in vals]))
        rows.append(el)
    return rows


def family_weights(case):
    sw = case["sample_weight"]
    return [1.0] * family_num_rows(case) if sw is None else sw


def family_ref_reduced(case, reduction):
    rows = family_ref_rows(case)
    if reduction == "none":
        return rows
    sw = family_weights(case)
    terms = [s * v for s, r in zip(sw, rows) if s != 0 for v in (r if isinstance(r, list) else [r])]
    big_l = safe_fsum(terms)
    if reduction == "sum":
        return big_l
    d = math.fsum(sw)
    if case["loss"] in FAMILY_ELEMENTWISE:
        d *= family_num_classes(case)
    return div(big_l, d)


def family_ref_per_class(case, reduction):
    """Per-class partials: per element index for element-wise losses and multilabel_soft_margin_loss (its class
    terms), per target class for multi_margin_loss."""
    loss = case["loss"]
    sw = family_weights(case)
    c = family_num_classes(case)
    n_rows = family_num_rows(case)
    groups = []  # (class, [(s_n, l_nc)])
    if loss == "multi_margin_loss":
        rows = family_ref_rows(case)
        ys = case["args"]["target"]
        for k in range(c):
            groups.append((k, [(sw[n], rows[n]) for n in range(n_rows) if ys[n] == k]))
    else:
        if loss == "multilabel_soft_margin_loss":
            args = case["args"]
            rows = [multilabel_soft_margin_terms(case, x, y) for x, y in zip(args["input"], args["target"])]
        else:
            rows = [r if isinstance(r, list) else [r] for r in family_ref_rows(case)]
        for k in range(c):
            groups.append((k, [(sw[n], rows[n][k]) for n in range(n_rows)]))
    result = []
    for k, members in groups:
        loss_sum = safe_fsum(s * v for s, v in members if s != 0)
        weight_sum = math.fsum(s for s, _ in members)
        value = loss_sum if reduction == "sum" else div(loss_sum, weight_sum)
        result.append({"class": k, "value": value, "loss_sum": loss_sum, "weight_sum": weight_sum,
                       "rows": len(members)})
    return result


def deviation(expected, ref):
    """(largest relative deviation, largest on values of magnitude >= 0.1) between two results."""
    worst, worst_big = 0.0, 0.0
    for a, b in zip(flatten(expected), flatten(ref)):
        if math.isfinite(a) and math.isfinite(b) and a != b:
            r = abs(a - b) / max(abs(a), abs(b))
            worst = max(worst, r)
            if max(abs(a), abs(b)) >= 0.1:
                worst_big = max(worst_big, r)
    return worst, worst_big
