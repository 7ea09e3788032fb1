"""Golden cases for multi_margin_loss: per row (1/C) sum over i != y of w[y] max(0, margin - x[y] + x[i])^p."""

from ..data import F32, gen, index_targets, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import INF

SHAPES = ("matrix", "index")
MEAN_NOTE = "PyTorch's weight does not enter the denominator: mean divides by the row count (fsum(s_n))."


def build():
    L = "multi_margin_loss"
    g = gen("multi_margin-main")
    x, y = randn(g, (8, 3), scale=1.5).tolist(), index_targets(g, 8, 3)
    w = [0.5, 2.0, 1.25]
    add_case(L + "/default", L, (x, y), SHAPES, STD, per_class_on=("sum", "mean"),
             note="p and margin not given (PyTorch's defaults p = 1, margin 1.0), C=3.")
    add_case(L + "/p=2", L, (x, y), SHAPES, STD, {"p": 2}, note="p = 2: squared hinge terms.")
    xc = [list(r) for r in x[:6]]
    xc[0] = [0.5, 0.0, 0.5]  # target 2: margin - x[y] + x[i] is 0.5 for i = 0, exactly 0 for i = 1
    xc[1] = [3.0, 0.0, 2.5]  # target 0: -2.5 and exactly 0
    yc = list(y[:6])
    yc[0], yc[1] = 2, 0
    add_case(L + "/margin=0.5+p=2", L, (xc, yc), SHAPES, NM, {"margin": 0.5, "p": 2},
             note="margin 0.5 with p = 2; row 0 has one term exactly 0 and one 0.5 (loss 0.25/3), row 1 only terms "
             "<= 0 (loss 0).")
    add_case(L + "/margin=0.0", L, (x, y), SHAPES, NM, {"margin": 0.0}, note="margin 0: only violations count.")
    add_case(L + "/margin=10.0", L, (x, y), SHAPES, NM, {"margin": 10.0},
             note="margin 10: no term is clipped, the loss is linear in the inputs.")
    add_case(L + "/weight", L, (x, y), SHAPES, STD, {"weight": w}, per_class_on=("sum", "mean"),
             note="Per-class weight: w[y] multiplies the row's terms. " + MEAN_NOTE)
    add_case(L + "/weight+p=2+margin=2.0", L, (x, y), SHAPES, NM, {"weight": w, "p": 2, "margin": 2.0},
             note="Weight with p = 2 and margin 2. " + MEAN_NOTE)
    g = gen("multi_margin-C5")
    add_case(L + "/C5/weight", L, (randn(g, (10, 5), scale=1.5).tolist(), index_targets(g, 10, 5)), SHAPES, NM,
             {"weight": [1.0, 0.2, 3.0, 0.0, 1.5]}, note="C=5 with weight (one entry 0). " + MEAN_NOTE)
    xi = [[INF, 0.5, -1.0], [0.25, -INF, 1.0], [INF, 0.0, 2.0], [1.0, 2.0, 0.5]]
    add_case(L + "/infinite_input", L, (xi, [1, 0, 0, 2]), SHAPES, STD,
             note="+inf in a non-target class gives +inf (row, sum, mean); -inf in a non-target class contributes 0; "
             "+inf in the target class clips every term (row loss 0).")
    add_case(L + "/empty", L, ([], []), SHAPES, STD, c=3, note="No rows: mean NaN, sum 0, none [].")
    g = gen("multi_margin-sw")
    x, y = randn(g, (8, 3), scale=1.5).tolist(), index_targets(g, 8, 3)
    family_sw(L + "/weight", L, (x, y), SHAPES, SUMMEAN, {"weight": w},
              note="Weight; mean divides by fsum(s_n), not by weights.", frac_zero=True)
    g = gen("multi_margin-f32")
    x, y = randn(g, (8, 3), F32, 1.5).tolist(), index_targets(g, 8, 3)
    add_case(L + "/float32/p=2", L, (x, y), SHAPES, SUMMEAN, {"p": 2}, dtype="float32", note=FAMILY_F32_NOTE)
