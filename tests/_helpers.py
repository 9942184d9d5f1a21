"""Data and settings shared by the tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Settings that train in well under a second per class.
FAST = {
    "epochs": 5,
    "batch_size": 32,
    "latent_dim": 8,
    "generator_hidden": 16,
    "discriminator_hidden": 16,
    "device": "cpu",
}


def make_mixed(n: int = 240, minority: float = 0.2, seed: int = 0):
    """A DataFrame with every supported dtype and a binary string target."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < minority, "rare", "common")
    rare = y == "rare"
    X = pd.DataFrame(
        {
            "age": rng.integers(20, 65, n) + rare * 5,
            "salary": rng.normal(50_000, 8_000, n) + rare * 9_000.0,
            "ratio": rng.random(n).astype(np.float32),
            "subject": pd.Categorical(
                rng.choice(["math", "art", "pe"], n),
                categories=["math", "art", "pe", "unused"],
            ),
            "degree": np.array(rng.choice(["ba", "ma"], n), dtype=object),
            "city": pd.array(rng.choice(["x", "y", "z"], n), dtype="string"),
            "coach": rng.random(n) < 0.3 + 0.4 * rare,
        },
        index=pd.RangeIndex(1000, 1000 + n),
    )
    return X, pd.Series(y, name="label", index=X.index)


# Column catalogue of the property tests and benchmarks/fuzz.py: every dtype a
# random table may use.
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float16", "float32", "float64")
OTHER_KINDS = (
    "Int64",
    "Float64",
    "boolean",
    "string",
    "str",
    "category",
    "ordered",
    "object",
    "bool",
)
KINDS = INT_DTYPES + FLOAT_DTYPES + OTHER_KINDS
#: Kinds whose column can hold a missing value, and how the input spells it.
MISSING_MARKER = {
    "float16": np.nan,
    "float32": np.nan,
    "float64": np.nan,
    "Int64": pd.NA,
    "Float64": pd.NA,
    "boolean": pd.NA,
    "string": pd.NA,
    "str": None,
    "category": np.nan,
    "ordered": np.nan,
    "object": None,
}


def spy_on_evaluations(monkeypatch) -> list:
    """A list that receives the first class's early-stopping evaluations.

    Each entry is ``(step, distance)``, as training recorded it, for every
    training run in the test.
    """
    from gan_oversampler import _training

    evaluations = []
    results = _training._results

    def spy(gen, stats, classes):
        evaluations.extend(classes[0].evaluations)
        return results(gen, stats, classes)

    monkeypatch.setattr(_training, "_results", spy)
    return evaluations


def script_distances(monkeypatch, values) -> list:
    """Make early stopping see ``values`` as its successive distances.

    Every early-stopping evaluation of every class draws the next value (in
    class order within an evaluation); once ``values`` runs out the last one
    repeats, a plateau. The generators still train as usual: only the score
    that decides which one is kept, and when a class stops, is scripted, so
    that a test builds the stopping situation it checks instead of hoping that
    a training run produces it. Returns the list of values handed out.
    """
    import torch

    from gan_oversampler import _training

    script = [float(v) for v in values]
    handed = []

    def scripted(real, fake):
        value = script[min(len(handed), len(script) - 1)]
        handed.append(value)
        return torch.tensor(value, dtype=_training.DTYPE, device=real.device)

    monkeypatch.setattr(_training, "marginal_distance", scripted)
    return handed


def small_mixed_class(n_small: int = 5, big_integers: bool = False):
    """60 rows, ``n_small`` of them in class 1, with every column kind the
    small-class fallbacks keep (and integers beyond 64 bits if asked)."""
    rng = np.random.default_rng(3)
    n = 60
    columns = {
        "score": rng.normal(size=n),
        "age": rng.integers(20, 60, n),
        "grade": pd.Categorical(rng.choice(["a", "b", "c"], n)),
        "member": rng.random(n) < 0.5,
        "visits": pd.array(rng.integers(0, 9, n), dtype="Int64"),
    }
    if big_integers:
        columns["big"] = [2**70 + i for i in range(n)]
    X = pd.DataFrame(columns)
    X.loc[[1, 3], "visits"] = pd.NA
    y = np.r_[np.ones(n_small, dtype=int), np.zeros(n - n_small, dtype=int)]
    return X, y
