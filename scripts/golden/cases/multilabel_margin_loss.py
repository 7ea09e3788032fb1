"""Golden cases for multilabel_margin_loss: per row (1/C) sum over targets j, non-targets i of
max(0, 1 - (x[j] - x[i])); targets are class indices ended by the first -1."""

import torch

from ..data import F32, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import INF

SHAPES = ("matrix", "index_matrix")


def target_rows(g, n, c):
    """Per row 1 to C-1 distinct classes in random order, padded with -1."""
    rows = []
    for _ in range(n):
        k = int(torch.randint(1, c, (1,), generator=g))
        perm = torch.randperm(c, generator=g).tolist()
        rows.append(perm[:k] + [-1] * (c - k))
    return rows


def build():
    L = "multilabel_margin_loss"
    g = gen("mlm-main")
    x, t = randn(g, (8, 4), scale=1.0).tolist(), target_rows(g, 8, 4)
    add_case(L + "/plain", L, (x, t), SHAPES, STD, note="C=4, random target sets padded with -1.")
    xp = randn(g, (6, 4), scale=1.0).tolist()
    tp = [[0, -1, -1, -1], [2, -1, 0, 1], [-1, 2, 3, 0], [3, 2, 1, 0], [1, 3, -1, 2], [2, 0, -1, -1]]
    add_case(L + "/padding", L, (xp, tp), SHAPES, STD,
             note="Row 1: targets after the first -1 (0, 1) are ignored; row 2 starts with -1 (no targets, loss 0); "
             "row 3 makes every class a target (no non-targets, loss 0); row 4 ignores the 2 after -1.")
    g = gen("mlm-C5")
    add_case(L + "/C5", L, (randn(g, (7, 5), scale=2.0).tolist(), target_rows(g, 7, 5)), SHAPES, NM,
             note="C=5, wider logits (some hinge terms clipped).")
    xm = [[5.0, -5.0, 0.0], [0.0, 0.5, 3.0], [1.0, 1.0, 1.0]]
    tm = [[0, -1, -1], [1, -1, -1], [2, 0, -1]]
    add_case(L + "/margins", L, (xm, tm), SHAPES, STD,
             note="Row 0: target far above (every term clipped, 0); row 1: terms 0.5 and 3.5; row 2: equal logits "
             "(terms exactly 1).")
    xi = [[INF, 0.0, 1.0], [0.0, INF, 1.0]]
    add_case(L + "/infinite_input", L, (xi, [[0, -1, -1], [0, -1, -1]]), SHAPES, STD,
             note="+inf in the target class clips every term (0); +inf in a non-target class gives +inf.")
    add_case(L + "/empty", L, ([], []), SHAPES, STD, c=4, note="No rows: mean NaN, sum 0, none [].")
    g = gen("mlm-sw")
    x, t = randn(g, (8, 4), scale=1.0).tolist(), target_rows(g, 8, 4)
    family_sw(L, L, (x, t), SHAPES, SUMMEAN, per_class=False)
    g = gen("mlm-f32")
    x, t = randn(g, (8, 4), F32, 1.0).tolist(), target_rows(g, 8, 4)
    add_case(L + "/float32", L, (x, t), SHAPES, SUMMEAN, dtype="float32", note=FAMILY_F32_NOTE)
