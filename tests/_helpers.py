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
