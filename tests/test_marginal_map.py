"""The marginal map: each numeric column of the synthetic rows gets the class's
distribution, in the generator's order (``match_marginals``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from gan_oversampler import GANOverSampler
from gan_oversampler._marginal_map import (
    LEVELS,
    MarginalMap,
    _levels,
    _quantiles,
    mapped_columns,
)
from gan_oversampler._spans import Span


def _pool_and_real(seed: int = 0, n_pool: int = 4096, n_real: int = 40):
    rng = np.random.default_rng(seed)
    # A generator's column: too spread and off centre; the class's: narrow.
    pool = np.tanh(rng.normal(0.4, 1.5, (n_pool, 3))).astype(np.float32)
    real = rng.uniform(-0.6, 0.2, (n_real, 3))
    return rng, pool, real


@pytest.mark.parametrize("n", [1, 2, 7, 500])
def test_quantiles_are_numpys_linear_quantiles(n):
    values = np.random.default_rng(n).normal(size=(n, 4))
    expected = np.quantile(values, np.linspace(0, 1, LEVELS), axis=0)
    np.testing.assert_allclose(_quantiles(values), expected, rtol=0, atol=1e-12)


def test_mapped_rows_follow_the_class_distribution():
    rng, pool, real = _pool_and_real()
    marginal_map = MarginalMap.fit([0, 2], real, pool)
    fresh = np.tanh(rng.normal(0.4, 1.5, (20_000, 3))).astype(np.float32)
    out = marginal_map.apply(fresh, rng)
    levels = np.linspace(0.05, 0.95, 19)
    for j, column in enumerate((0, 2)):
        # The target is the class's quantiles, interpolated ...
        np.testing.assert_allclose(
            marginal_map.target[:, j],
            np.quantile(real[:, column], np.linspace(0, 1, LEVELS)),
        )
        # ... and the mapped column's distribution is the target's: below
        # the target's quantile at level l lie a share l of its values.
        bounds = np.interp(levels, np.linspace(0, 1, LEVELS), marginal_map.target[:, j])
        shares = (out[:, column][:, None] <= bounds).mean(axis=0)
        np.testing.assert_allclose(shares, levels, atol=0.02)
        # Within the class's range (up to float32 rounding).
        assert real[:, column].min() - 1e-6 <= out[:, column].min()
        assert out[:, column].max() <= real[:, column].max() + 1e-6
    # The column left out is untouched; the input is not changed in place.
    np.testing.assert_array_equal(out[:, 1], fresh[:, 1])
    assert out.dtype == fresh.dtype
    assert not np.shares_memory(out, fresh)


def test_map_keeps_each_columns_order():
    rng, pool, real = _pool_and_real(1)
    marginal_map = MarginalMap.fit([0, 1, 2], real, pool)
    values = np.sort(rng.uniform(-1, 1, (1000, 3)), axis=0).astype(np.float32)
    out = marginal_map.apply(values, rng)
    assert (np.diff(out, axis=0) >= 0).all()
    # Beyond the pool's range the class's extremes, never beyond them.
    edges = marginal_map.apply(np.array([[-1.0, 1.0, 0.0]], np.float32), rng)
    assert edges[0, 0] == pytest.approx(real[:, 0].min())
    assert edges[0, 1] == pytest.approx(real[:, 1].max())


def test_an_atom_of_the_generator_is_spread_over_its_levels():
    """A value the generator makes for 30% of rows (a tanh pinned at 1) maps to
    the top 30% of the class's values, spread out, not to one value."""
    rng = np.random.default_rng(2)
    pool = np.tanh(rng.normal(-0.5, 0.3, (4096, 1))).astype(np.float32)
    pool[: int(0.3 * 4096)] = 1.0
    real = rng.uniform(-1, 1, (200, 1))
    marginal_map = MarginalMap.fit([0], real, pool)
    fresh = np.tanh(rng.normal(-0.5, 0.3, (2000, 1))).astype(np.float32)
    fresh[:600] = 1.0
    out = marginal_map.apply(fresh, rng)[:600, 0]
    assert out.min() >= np.quantile(real, 0.69) - 1e-6
    assert out.max() == pytest.approx(real.max(), abs=0.01)
    assert len(np.unique(out)) > 500


def test_levels_spread_an_atom_over_the_levels_it_covers():
    """Without strata: a value on an atom (30% of the source) gets a level
    drawn over the atom's range, not one level for all."""
    rng = np.random.default_rng(7)
    pool = np.tanh(rng.normal(-0.5, 0.3, 4096))
    pool[:1229] = 1.0
    source = _quantiles(pool[:, None])[:, 0]
    level = _levels(np.ones(2000), source, rng)
    assert level.min() >= 0.69 and level.max() <= 1.0
    assert level.std() > 0.05  # spread over [0.7, 1], about 0.087 if uniform
    # Off the atom, the level is the interpolated empirical distribution.
    inside = np.array([np.quantile(pool, 0.25)])
    assert _levels(inside, source, rng)[0] == pytest.approx(0.25, abs=0.002)


def test_random_numbers_are_drawn_only_for_atoms():
    _, pool, real = _pool_and_real(3)
    marginal_map = MarginalMap.fit([0, 1, 2], real, pool)
    before = np.random.default_rng(9)
    after = np.random.default_rng(9)
    marginal_map.apply(pool[:100] * 0.999, after)
    assert before.random() == after.random()
    # A value on an atom of the source does draw.
    atom = np.full((4096, 3), 1.0, np.float32)
    atom[:2000] = pool[:2000]
    marginal_map = MarginalMap.fit([0, 1, 2], real, atom)
    before = np.random.default_rng(9)
    after = np.random.default_rng(9)
    marginal_map.apply(np.ones((5, 3), np.float32), after)
    assert before.random() != after.random()


def test_mapped_columns_skip_categories_and_columns_with_gaps():
    spans = [
        Span(0, 0, 1, "numeric"),
        Span(1, 1, 2, "numeric"),
        Span(2, 2, 5, "categorical"),
        Span(1, 5, 7, "missing"),
    ]
    assert mapped_columns(spans) == [0]


def test_state_round_trip_and_bad_shapes():
    _, pool, real = _pool_and_real(4)
    marginal_map = MarginalMap.fit([0, 2], real, pool)
    restored = MarginalMap.from_state(marginal_map.state_dict())
    np.testing.assert_array_equal(restored.columns, marginal_map.columns)
    np.testing.assert_array_equal(restored.source, marginal_map.source)
    np.testing.assert_array_equal(restored.target, marginal_map.target)
    state = marginal_map.state_dict()
    state["target"] = state["target"][:, :1]
    with pytest.raises(ValueError, match="quantiles of shape"):
        MarginalMap.from_state(state)
    state = marginal_map.state_dict()
    state["source"] = state["source"].flip(0)
    with pytest.raises(ValueError, match="non-decreasing"):
        MarginalMap.from_state(state)
    state = marginal_map.state_dict()
    state["columns"] = state["columns"] * 0
    with pytest.raises(ValueError, match="twice"):
        MarginalMap.from_state(state)


def _table(n: int = 300, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.15, "rare", "common")
    rare = y == "rare"
    X = pd.DataFrame(
        {
            "skewed": rng.lognormal(0, 1, n) * (1 + 2 * rare),
            "score": rng.normal(0, 1, n) + 2 * rare,
            "group": rng.choice(["a", "b", "c"], n),
        }
    )
    return X, pd.Series(y)


def test_synthetic_numeric_columns_follow_the_class(fast):
    """Whatever the training reached (here one epoch), the synthetic values of
    each numeric column are distributed as the class's own."""
    X, y = _table()
    sampler = GANOverSampler(random_state=0, **{**fast, "epochs": 1})
    sampler.fit(X, y)
    rows = sampler.sample(3000, "rare", random_state=0)
    real = X[y == "rare"]
    for column in ("skewed", "score"):
        result = ks_2samp(rows[column], real[column])
        # The map's target interpolates the class's values: at most one step
        # of the class's empirical distribution apart, plus sampling noise.
        assert result.statistic < 1 / len(real) + 0.05


def test_map_changes_numeric_values_only_and_keeps_their_order(fast):
    X, y = _table(seed=1)
    kept = X.copy()
    off = GANOverSampler(match_marginals=False, random_state=0, **fast)
    on = GANOverSampler(random_state=0, **fast)
    X_off, _ = off.fit_resample(X, y)
    X_on, y_on = on.fit_resample(X, y)
    pd.testing.assert_frame_equal(X, kept)
    assert off._marginal_maps == {} and set(on._marginal_maps) == {"rare"}
    assert (y_on == "rare").sum() == (y_on == "common").sum()
    new = slice(len(X), None)
    pd.testing.assert_series_equal(X_on["group"][new], X_off["group"][new])
    for column in ("skewed", "score"):
        a, b = X_off[column][new].to_numpy(), X_on[column][new].to_numpy()
        assert not np.array_equal(a, b)
        order = np.argsort(a, kind="stable")
        assert (np.diff(b[order]) >= 0).all()  # same order, other values
        low, high = X[column][y == "rare"].agg(["min", "max"])
        assert low <= b.min() and b.max() <= high


def test_tables_without_mapped_columns_get_no_map(fast):
    rng = np.random.default_rng(0)
    y = pd.Series(np.where(rng.random(200) < 0.2, "rare", "common"))
    X = pd.DataFrame(
        {"a": rng.choice(["x", "y"], 200), "b": rng.choice(["u", "v"], 200)}
    )
    sampler = GANOverSampler(random_state=0, **fast)
    sampler.fit_resample(X, y)
    assert sampler._marginal_maps == {}


def test_the_rows_of_a_call_are_stratified():
    rng, pool, real = _pool_and_real(5)
    marginal_map = MarginalMap.fit([0, 1, 2], real, pool)
    # Rows that a skewed generator made: independent draws would crowd.
    values = np.tanh(rng.normal(1.0, 0.3, (200, 3))).astype(np.float32)
    out = marginal_map.apply(values, rng)
    levels = np.linspace(0, 1, LEVELS)
    for j in range(3):
        # Each of the 200 strata of the class's distribution holds one row.
        level = np.sort(np.interp(out[:, j], marginal_map.target[:, j], levels))
        stratum = np.arange(200) / 200
        # (up to the float32 rounding of values on a stratum's edge)
        assert (level >= stratum - 1e-4).all()
        assert (level <= stratum + 1 / 200 + 1e-4).all()
        order = np.argsort(values[:, j], kind="stable")
        assert (np.diff(out[order, j]) >= 0).all()


def test_a_single_row_keeps_its_mapped_value():
    rng, pool, real = _pool_and_real(6)
    marginal_map = MarginalMap.fit([0, 1, 2], real, pool)
    rows = pool[:5]
    one_by_one = np.concatenate([marginal_map.apply(r[None], rng) for r in rows])
    # The map alone, without strata: the generator's level, then the target.
    levels = np.linspace(0, 1, LEVELS)
    for j in range(3):
        expected = np.interp(
            np.interp(rows[:, j], marginal_map.source[:, j], levels),
            levels,
            marginal_map.target[:, j],
        )
        np.testing.assert_allclose(one_by_one[:, j], expected, atol=1e-5)
