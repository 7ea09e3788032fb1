"""Golden cases for triplet_margin_loss: per row max(margin + d(a, p) - d(a, n), 0), d(u, v) = norm_p(u - v + eps);
swap uses min(d(a, n), d(p, n))."""

from ..data import F32, gen, randn
from ..harness import FAMILY_F32_NOTE, NM, STD, SUMMEAN, add_case, family_sw
from ..reference import NAN


def triplets(g, n, c, dtype=None):
    """Anchors, positives near the anchors, negatives at random (some closer to the positive than to the anchor)."""
    kw = {} if dtype is None else {"dtype": dtype}
    a = randn(g, (n, c), **kw)
    p = a + randn(g, (n, c), scale=0.6, **kw)
    neg = randn(g, (n, c), scale=1.2, **kw)
    neg[1::3] = p[1::3] + randn(g, (len(range(1, n, 3)), c), scale=0.3, **kw)  # swap makes a difference here
    return a.tolist(), p.tolist(), neg.tolist()


def build():
    L = "triplet_margin_loss"
    g = gen("triplet-main")
    a, p, n = triplets(g, 8, 4)
    add_case(L + "/default", L, (a, p, n), "matrix", STD,
             note="Options not given (PyTorch's defaults margin 1.0, p 2.0, eps 1e-6, swap false), C=4.")
    add_case(L + "/p=1.0", L, (a, p, n), "matrix", STD, {"p": 1.0}, note="p = 1: Manhattan distances.")
    add_case(L + "/swap=true", L, (a, p, n), "matrix", STD, {"swap": True},
             note="swap: d(a, n) replaced by d(p, n) where smaller (rows 1, 4, 7 have negatives near the positive).")
    add_case(L + "/p=1.0+swap=true", L, (a, p, n), "matrix", NM, {"p": 1.0, "swap": True}, note="p = 1 with swap.")
    add_case(L + "/margin=0.2", L, (a, p, n), "matrix", NM, {"margin": 0.2}, note="margin 0.2 (more rows clipped).")
    add_case(L + "/margin=5.0", L, (a, p, n), "matrix", NM, {"margin": 5.0}, note="margin 5: no row clipped.")
    add_case(L + "/eps=0.0+margin=0.5", L, (a, p, n), "matrix", NM, {"eps": 0.0, "margin": 0.5},
             note="eps 0: plain distances.")
    add_case(L + "/p=3.0", L, (a, p, n), "matrix", NM, {"p": 3.0}, note="p = 3: (sum |u - v + eps|^3)^(1/3).")
    ai = [[1.0, 2.0, 3.0], [0.5, -0.5, 0.0], [2.0, 2.0, 2.0]]
    pi = [[1.0, 2.0, 3.0], [0.5, -0.5, 0.0], [2.0, 2.0, 2.0]]
    ni = [[1.0, 2.0, 3.0], [1.5, -0.5, 0.0], [2.0, 2.0, 2.5]]
    add_case(L + "/identical_vectors", L, (ai, pi, ni), "matrix", STD,
             note="Positive equal to the anchor: d(a, p) = norm of the eps vector (eps sqrt(C) for p = 2); row 0 "
             "has the negative equal too (loss = margin).")
    an = [list(r) for r in a[:4]]
    an[1][3] = NAN
    add_case(L + "/nan_input", L, (an, p[:4], n[:4]), "matrix", STD, note="A NaN propagates to its row, sum and mean.")
    add_case(L + "/empty", L, ([], [], []), "matrix", SUMMEAN, c=4, note="No rows: mean NaN, sum 0.")
    g = gen("triplet-sw")
    a, p, n = triplets(g, 8, 4)
    family_sw(L + "/margin=2.0", L, (a, p, n), "matrix", SUMMEAN, {"margin": 2.0}, per_class=False,
              note="margin 2.")
    g = gen("triplet-f32")
    a, p, n = triplets(g, 8, 4, F32)
    add_case(L + "/float32/swap=true", L, (a, p, n), "matrix", SUMMEAN, {"swap": True}, dtype="float32",
             note=FAMILY_F32_NOTE)
