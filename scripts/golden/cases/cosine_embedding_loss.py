"""Golden cases for cosine_embedding_loss: per row 1 - cos (y = 1), max(0, cos - margin) (y = -1), 0 otherwise;
PyTorch's EPSILON (the C++ float 1e-12) is added to each squared norm."""

import torch

from ..data import F32, F64, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import NAN

SHAPES = ("matrix", "matrix", "sign")


def signs(g, n, dtype=F64):
    return torch.bernoulli(torch.full((n,), 0.5, dtype=dtype), generator=g).mul(2).sub(1).tolist()


def build():
    L = "cosine_embedding_loss"
    g = gen("cosine-main")
    a, b = randn(g, (8, 4)).tolist(), randn(g, (8, 4)).tolist()
    for k in (1, 4):  # two pairs pointing roughly the same way, so y = -1 rows are not all clipped
        b[k] = [u + 0.3 * v for u, v in zip(a[k], b[k])]
    y = signs(g, 8)
    y[1], y[4] = -1.0, -1.0
    add_case(L + "/default_margin", L, (a, b, y), SHAPES, STD, note="Targets +-1, C=4, margin not given (0).")
    add_case(L + "/margin=0.5", L, (a, b, y), SHAPES, STD, {"margin": 0.5}, note="margin 0.5.")
    add_case(L + "/margin=-0.5", L, (a, b, y), SHAPES, NM, {"margin": -0.5},
             note="A negative margin: y = -1 rows with cos > -0.5 count.")
    yo = [0.0, 2.0, 0.5, 1.0, -1.0, -2.0, 0.0, 1.0]
    add_case(L + "/targets_not_pm1", L, (a, b, yo), SHAPES, STD, {"margin": 0.25},
             note="Targets other than +-1 (0, 2, 0.5, -2) give 0, as PyTorch's masks do.")
    az = [[0.0, 0.0, 0.0], [1.0, -2.0, 0.5], [0.0, 0.0, 0.0], [3.0, 0.0, 4.0], [0.0, 0.0, 0.0]]
    bz = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 0.0]]
    yz = [1.0, 1.0, 1.0, -1.0, -1.0]
    add_case(L + "/zero_vectors", L, (az, bz, yz), SHAPES, NM,
             note="Zero vectors: cos = 0 (EPSILON keeps the denominator positive), so y = 1 gives 1, y = -1 gives "
             "max(0, -margin) = 0.")
    add_case(L + "/zero_vectors/margin=-0.25", L, (az, bz, yz), SHAPES, SUMMEAN, {"margin": -0.25},
             note="Zero vectors with margin -0.25: y = -1 rows give 0.25.")
    g = gen("cosine-small")
    s_a = randn(g, (5, 3)).mul(1e-6).tolist()
    s_b = [[u * 1.5 for u in r] for r in s_a]
    s_b[1] = [-u for u in s_a[1]]
    s_b[3] = randn(g, (3,)).mul(1e-7).tolist()
    add_case(L + "/small_norms", L, (s_a, s_b, [1.0, -1.0, 1.0, 1.0, -1.0]), SHAPES, STD,
             note="Vectors of norm ~1e-6 (squared norms ~1e-12, comparable to EPSILON = 9.999999960041972e-13): "
             "parallel vectors give cos well below 1, the loss shows the EPSILON exactly.")
    g = gen("cosine-C2")
    add_case(L + "/C2", L, (randn(g, (6, 2)).tolist(), randn(g, (6, 2)).tolist(), signs(g, 6)), SHAPES, NM,
             note="C=2.")
    an = [list(r) for r in a[:4]]
    an[2][1] = NAN
    add_case(L + "/nan_input", L, (an, b[:4], [1.0, -1.0, 1.0, 0.0]), SHAPES, STD,
             note="A NaN in a row with y = 1 propagates to the row, sum and mean.")
    add_case(L + "/empty", L, ([], [], []), SHAPES, SUMMEAN, c=4, note="No rows: mean NaN, sum 0.")
    g = gen("cosine-sw")
    a, b, y = randn(g, (8, 4)).tolist(), randn(g, (8, 4)).tolist(), signs(g, 8)
    family_sw(L + "/margin=-0.2", L, (a, b, y), SHAPES, SUMMEAN, {"margin": -0.2}, per_class=False,
              note="margin -0.2.")
    g = gen("cosine-f32")
    a, b, y = randn(g, (8, 4), F32).tolist(), randn(g, (8, 4), F32).tolist(), signs(g, 8, F32)
    add_case(L + "/float32", L, (a, b, y), SHAPES, SUMMEAN, dtype="float32", note=FAMILY_F32_NOTE)
