"""The rows made for a class too small for a GAN (``_small_class``)."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from _helpers import FAST, small_mixed_class

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


def test_the_sampler_makes_smote_rows_for_a_small_class():
    X, y = small_mixed_class(7, big_integers=True)
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
    X, y = small_mixed_class(7, big_integers=True)
    with pytest.warns(SmallClassWarning, match=r"small_class='smote'"):
        X_res, _ = GANOverSampler(missing="model", random_state=0, **FAST).fit_resample(
            X, y
        )
    synth = X_res.iloc[len(X) :]
    assert not set(synth["score"]) <= set(X.loc[y == 1, "score"])


def _brute_nearest(rows, blended, k, mismatch=0.5):
    """The neighbour rule written out plainly: standardised numeric columns
    (gaps at the median), ``mismatch`` per differing category, stable sort."""
    n = len(rows)
    squared = np.zeros((n, n))
    for name, blend in zip(rows.columns, blended, strict=True):
        if blend:
            values = rows[name].astype(float).to_numpy()
            values = np.where(np.isnan(values), np.nanmedian(values), values)
            values = (values - values.mean()) / values.std()
            squared += (values[:, None] - values[None, :]) ** 2
        else:
            labels = rows[name].astype(object).where(rows[name].notna(), "<NA>")
            labels = labels.to_numpy()
            squared += mismatch * (labels[:, None] != labels[None, :])
    np.fill_diagonal(squared, np.inf)
    return np.argsort(squared, axis=1, kind="stable")[:, :k]


def test_neighbours_follow_the_documented_distance():
    rng = np.random.default_rng(5)
    rows = pd.DataFrame(
        {
            "x": rng.normal(size=9),
            "z": rng.normal(scale=100.0, size=9),
            "c": pd.Categorical(rng.choice(["p", "q", None], size=9)),
        }
    )
    rows.loc[[2, 6], "x"] = np.nan
    blended = [True, True, False]
    found = _nearest(rows, blended, 5)
    np.testing.assert_array_equal(found, _brute_nearest(rows, blended, 5))
    # Another category weight or no median fill gives other neighbours here.
    assert (found != _brute_nearest(rows, blended, 5, mismatch=1.0)).any()
    zeros = rows.assign(x=rows["x"].fillna(0.0))
    assert (found != _brute_nearest(zeros, blended, 5)).any()


def test_blocks_and_partial_sorting_give_the_full_sort(monkeypatch):
    rng = np.random.default_rng(2)
    # Few distinct values: many ties, which must fall by position.
    rows = pd.DataFrame({"x": rng.integers(0, 4, 300).astype(float)})
    expected = _brute_nearest(rows, [True], 5)
    np.testing.assert_array_equal(_nearest(rows, [True], 5), expected)
    monkeypatch.setattr("gan_oversampler._small_class._BLOCK_ELEMENTS", 1000)
    np.testing.assert_array_equal(_nearest(rows, [True], 5), expected)


def test_values_near_the_float_limit_keep_rows_apart():
    rows = pd.DataFrame({"x": [-1e308, 1e308, 0.0, 5e307]})
    with np.errstate(all="raise"):
        neighbours = _nearest(rows, [True], 3)
    assert all(i not in row for i, row in enumerate(neighbours))
    assert neighbours[2][0] == 3 and set(neighbours[2][1:]) == {0, 1}


def test_five_neighbours_and_fewer_in_a_smaller_class(monkeypatch):
    import gan_oversampler._small_class as small_class

    seen = []
    original = small_class._nearest

    def spy(rows, blended, k):
        seen.append(k)
        return original(rows, blended, k)

    monkeypatch.setattr(small_class, "_nearest", spy)
    for n in (9, 4, 2):
        rows = pd.DataFrame({"x": np.arange(float(n))})
        neighbour_rows(rows, [True], 10, np.random.default_rng(0))
    assert seen == [5, 3, 1]


def test_a_class_of_two_rows_is_interpolated():
    rows = pd.DataFrame({"x": [0.0, 10.0], "c": ["a", "b"]})
    values = neighbour_rows(rows, [True, False], 50, np.random.default_rng(0))
    x, c = np.asarray(values[0]), np.asarray(values[1])
    assert ((x > 0) & (x < 10)).any() and x.min() >= 0 and x.max() <= 10
    # The category is the nearer row's.
    assert set(c[x < 5]) == {"a"} and set(c[x > 5]) == {"b"}
