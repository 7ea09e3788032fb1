"""Seeded random data for the golden vectors.

Every family of cases draws from its own torch.Generator, seeded with the crc32 of the family's name:
adding or changing a family never changes another family's data.
"""

import zlib

import torch

F64 = torch.float64
F32 = torch.float32


def gen(name):
    g = torch.Generator()
    g.manual_seed(zlib.crc32(name.encode("utf-8")))
    return g


def randn(g, shape, dtype=F64, scale=1.0):
    return torch.randn(*shape, generator=g, dtype=dtype) * scale


def rand(g, shape, dtype=F64):
    return torch.rand(*shape, generator=g, dtype=dtype)


def randint(g, hi, n):
    return torch.randint(0, hi, (n,), generator=g).tolist()


def index_targets(g, n, c):
    """Random class indices that use every class at least once when n >= c."""
    t = randint(g, c, n)
    if n >= c:
        perm = torch.randperm(n, generator=g).tolist()
        for k in range(c):
            t[perm[k]] = k
    return t


def logits(g, n, c, dtype=F64, scale=2.0):
    return randn(g, (n, c), dtype, scale).tolist()


def softmax_rows(g, n, c, dtype=F64):
    return torch.softmax(randn(g, (n, c), dtype, 1.5), dim=1).tolist()


def log_softmax_rows(g, n, c, dtype=F64):
    return torch.log_softmax(randn(g, (n, c), dtype, 2.0), dim=1).tolist()


def probs_in_01(g, shape, dtype=F64):
    return torch.sigmoid(randn(g, shape, dtype, 2.0)).tolist()


# --------------------------------------------------------------------------------------------
# sample weights
# --------------------------------------------------------------------------------------------

INT_SW = {  # integer sample weights, always including 0 and 3
    5: [1.0, 0.0, 3.0, 2.0, 1.0],
    6: [1.0, 3.0, 0.0, 2.0, 1.0, 3.0],
    7: [2.0, 0.0, 1.0, 3.0, 1.0, 0.0, 3.0],
    8: [1.0, 3.0, 0.0, 2.0, 1.0, 1.0, 3.0, 0.0],
    9: [3.0, 1.0, 0.0, 2.0, 1.0, 3.0, 0.0, 1.0, 2.0],
    10: [1.0, 0.0, 3.0, 1.0, 2.0, 3.0, 1.0, 0.0, 2.0, 1.0],
}
FRAC_SW = {  # fractional sample weights (no zero, so per-class row counts are unambiguous)
    5: [0.5, 1.75, 0.1, 2.25, 1.0],
    6: [0.25, 1.5, 0.3, 2.0, 0.75, 1.1],
    7: [1.5, 0.2, 0.75, 2.5, 0.125, 1.0, 0.6],
    8: [0.5, 1.25, 0.1, 2.0, 0.75, 3.5, 0.3, 1.0],
    9: [0.9, 0.25, 1.5, 0.01, 2.0, 0.5, 1.25, 0.7, 3.0],
    10: [1.5, 0.25, 0.7, 2.0, 0.05, 1.0, 0.333, 2.5, 0.125, 0.9],
}
FRAC_SW_ZERO = [0.5, 0.0, 1.25, 2.5, 0.0, 0.75, 1.0, 0.2]  # fractional with zero weights
