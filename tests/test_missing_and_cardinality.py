"""missing="model" and the default cap on categorical cardinality."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gan_oversampler import GANOverSampler


@pytest.fixture
def gappy():
    """Class 1 has gaps everywhere; class 0 has none in 'a', only gaps in 'z'."""
    rng = np.random.default_rng(0)
    n = 200
    y = np.array([0] * 140 + [1] * 60)
    one = y == 1
    X = pd.DataFrame(
        {
            "a": np.where(one & (rng.random(n) < 0.5), np.nan, rng.normal(size=n)),
            "b": pd.array(
                np.where(one & (rng.random(n) < 0.5), None, rng.integers(0, 9, n)),
                dtype="Int64",
            ),
            "c": np.array(
                np.where(one & (rng.random(n) < 0.5), None, rng.choice(["u", "v"], n)),
                dtype=object,
            ),
            "d": pd.array(
                np.where(one & (rng.random(n) < 0.5), None, rng.random(n) < 0.5),
                dtype="boolean",
            ),
            "z": np.where(one, rng.normal(size=n), np.nan),
        }
    )
    return X, y


def test_missing_values_are_modelled_per_class(gappy, fast):
    X, y = gappy
    before = X.copy(deep=True)
    sampler = GANOverSampler(
        missing="model", sampling_strategy={0: 300, 1: 300}, random_state=0, **fast
    )
    X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X, before)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    synth, labels = X_res.iloc[len(X) :], np.asarray(y_res)[len(X) :]
    zero, one = synth[labels == 0], synth[labels == 1]
    # A class never generates gaps it did not have, and a column that is
    # entirely missing in a class stays missing.
    assert not zero[["a", "b", "c", "d"]].isna().any().any()
    assert zero["z"].isna().all()
    assert not one["z"].isna().any()
    # Observed synthetic values stay valid.
    assert set(one["c"].dropna()) <= {"u", "v"}
    assert (one["b"].dropna() == one["b"].dropna().round()).all()
    kinds = [s.kind for s in sampler.encoder_.spans_]
    assert kinds.count("missing") == 3  # a, b and z: numeric columns with gaps


def test_missing_error_is_the_default(gappy):
    X, y = gappy
    with pytest.raises(ValueError, match="missing='model'"):
        GANOverSampler(epochs=1).fit_resample(X, y)


def test_ten_thousand_levels_are_capped(fast):
    rng = np.random.default_rng(0)
    levels = np.array([f"L{i}" for i in range(10_000)], dtype=object)
    n = 20_000
    X = pd.DataFrame(
        {"code": levels[rng.integers(0, 10_000, n)], "x": rng.normal(size=n)}
    )
    y = np.where(rng.random(n) < 0.1, 1, 0)
    sampler = GANOverSampler(random_state=0, **{**fast, "epochs": 1})
    X_res, _ = sampler.fit_resample(X, y)
    block = next(s for s in sampler.encoder_.spans_ if s.kind == "categorical")
    assert block.width == 50
    synth = X_res.iloc[n:]["code"]
    assert set(synth) <= set(X.loc[y == 1, "code"])
    assert synth.nunique() > 100  # rare levels are drawn back, not collapsed
