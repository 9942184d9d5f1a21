"""The rows made for a class too small for a GAN (``_small_class``)."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from _helpers import FAST

from gan_oversampler import GANOverSampler, SmallClassWarning
from gan_oversampler._small_class import _nearest, interpolate_rows, neighbour_rows


def _two_clusters() -> pd.DataFrame:
    """Five rows near (0, 0) and four near (100, 100), a category per cluster."""
    return pd.DataFrame(
        {
            "x": [0.0, 0.1, 0.2, 0.3, 0.4, 100.0, 100.1, 100.2, 100.3],
            "z": [0.0, 0.2, 0.1, 0.4, 0.3, 100.0, 100.3, 100.1, 100.2],
            "kind": list("aaaaabbbb"),
        }
    )


def _segment(point, start, end) -> bool:
    """Whether ``point`` lies on the segment from ``start`` to ``end``."""
    direction = end - start
    t = np.dot(point - start, direction) / np.dot(direction, direction)
    return -1e-9 <= t <= 1 + 1e-9 and np.allclose(start + t * direction, point)


def test_rows_lie_between_a_row_and_one_of_its_five_nearest_neighbours():
    rows = _two_clusters()
    numeric = [True, True, False]
    values = neighbour_rows(rows, numeric, 300, np.random.default_rng(0))
    points = np.column_stack(values[:2]).astype(float)
    real = rows[["x", "z"]].to_numpy()
    # The first cluster's 4th neighbour is the other cluster's nearest row
    # (index 5); the second cluster's are two rows of the first (3 and 4).
    allowed = {
        (a, b)
        for a in range(9)
        for b in (
            [*(i for i in range(5) if i != a), 5]
            if a < 5
            else [*(i for i in range(5, 9) if i != a), 3, 4]
        )
    }
    for point in points:
        pairs = [
            (a, b)
            for a, b in itertools.permutations(range(9), 2)
            if _segment(point, real[a], real[b])
        ]
        assert pairs and any(
            (a, b) in allowed or (b, a) in allowed for a, b in pairs
        ), point
    # Random pairs reach segments that neighbours never do: the test can fail.
    far = [
        p
        for p in np.column_stack(
            interpolate_rows(rows, numeric, 300, np.random.default_rng(0))[:2]
        )
        if _segment(p.astype(float), real[0], real[8])
        and not np.allclose(p.astype(float), real[0])
        and not np.allclose(p.astype(float), real[8])
    ]
    assert far
    # Categories come from the nearer endpoint: a row closer to the first
    # cluster has its category.
    kinds = np.asarray(values[2])
    assert set(kinds[points[:, 0] < 45]) == {"a"}
    assert set(kinds[points[:, 0] > 55]) == {"b"}


def test_distances_do_not_depend_on_a_column_s_unit():
    rng = np.random.default_rng(0)
    rows = pd.DataFrame(
        {"x": rng.normal(size=9), "z": rng.normal(size=9), "kind": list("aabbbcaab")}
    )
    blended = [True, True, False]
    scaled = rows.assign(x=rows["x"] * 1e4)
    # The unit matters to raw distances: the test can fail.
    raw = rows[["x", "z"]].to_numpy() * [1e4, 1]
    raw_order = np.argsort(((raw[:, None] - raw[None]) ** 2).sum(-1), axis=1)
    assert (raw_order[:, 1:6] != _nearest(rows, blended, 5)).any()
    np.testing.assert_array_equal(
        _nearest(rows, blended, 5), _nearest(scaled, blended, 5)
    )
    # A row is never its own neighbour, even among duplicates.
    twins = pd.DataFrame({"x": [1.0, 1.0, 1.0, 5.0]})
    neighbours = _nearest(twins, [True], 3)
    assert all(i not in row for i, row in enumerate(neighbours))


def test_categories_count_in_the_distance():
    rows = pd.DataFrame({"x": [0.0, 0.0, 1.0, 1.0], "c": list("abab")})
    neighbours = _nearest(rows, [True, False], 1)
    # Row 0's nearest is row 1 (same x, other category: 0.5) rather than row
    # 2 (same category, x one spread away ~ 4).
    np.testing.assert_array_equal(neighbours[:, 0], [1, 0, 3, 2])


def test_a_class_of_one_row_gets_copies():
    rows = pd.DataFrame({"x": [3.5], "c": ["q"]})
    values = neighbour_rows(rows, [True, False], 4, np.random.default_rng(0))
    assert list(values[0]) == [3.5] * 4 and list(values[1]) == ["q"] * 4


def _small_mixed_class():
    """60 rows, 7 of them in class 1, with every column kind the fallback keeps."""
    rng = np.random.default_rng(3)
    n = 60
    X = pd.DataFrame(
        {
            "score": rng.normal(size=n),
            "age": rng.integers(20, 60, n),
            "grade": pd.Categorical(rng.choice(["a", "b", "c"], n)),
            "member": rng.random(n) < 0.5,
            "visits": pd.array(rng.integers(0, 9, n), dtype="Int64"),
            "big": [2**70 + i for i in range(n)],
        }
    )
    X.loc[[1, 3], "visits"] = pd.NA
    y = np.r_[np.ones(7, dtype=int), np.zeros(n - 7, dtype=int)]
    return X, y


def test_the_sampler_makes_smote_rows_for_a_small_class():
    X, y = _small_mixed_class()
    before = X.copy()
    sampler = GANOverSampler(
        small_class="smote", missing="model", random_state=0, **FAST
    )
    with pytest.warns(SmallClassWarning, match="nearest neighbours"):
        X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X, before)
    assert Counter(y_res) == {0: 53, 1: 53}
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    real, synth = X[y == 1], X_res.iloc[len(X) :]
    assert 1 not in sampler.generators_
    for column in ("grade", "member", "big"):
        assert set(synth[column]) <= set(real[column])
    assert synth["visits"].isna().any() and synth["visits"].notna().any()
    for column in ("score", "age"):
        assert synth[column].between(real[column].min(), real[column].max()).all()
    assert not set(synth["score"]) <= set(real["score"])
    with pytest.warns(SmallClassWarning):
        again = GANOverSampler(
            small_class="smote", missing="model", random_state=0, **FAST
        ).fit_resample(X, y)[0]
    pd.testing.assert_frame_equal(again, X_res)
    rows = sampler.sample(40, 1, random_state=1)
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()
    pd.testing.assert_frame_equal(rows, sampler.sample(40, 1, random_state=1))


def test_by_default_a_small_class_is_oversampled_as_smote_does():
    X, y = _small_mixed_class()
    with pytest.warns(SmallClassWarning, match=r"small_class='smote'"):
        X_res, _ = GANOverSampler(missing="model", random_state=0, **FAST).fit_resample(
            X, y
        )
    synth = X_res.iloc[len(X) :]
    assert not set(synth["score"]) <= set(X.loc[y == 1, "score"])
