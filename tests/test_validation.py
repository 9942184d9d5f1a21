"""How :mod:`gan_oversampler._validation` reads columns and gives them back."""

from __future__ import annotations

import datetime
import warnings

import numpy as np
import pandas as pd
import pytest

from gan_oversampler import GANOverSampler
from gan_oversampler._validation import inspect_table

Y = np.r_[np.zeros(50, dtype=int), np.ones(10, dtype=int)]


def _object_column(values: list) -> np.ndarray:
    column = np.empty((len(values), 1), dtype=object)
    column[:, 0] = values
    return column


def _resample(X, fast, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return GANOverSampler(random_state=0, **fast, **params).fit_resample(X, Y)[0]


def _synthetic_of_object_column(values: list, container: str, fast: dict) -> list:
    """Synthetic values of a one-column object table, as array or DataFrame."""
    if container == "array":
        return list(_resample(_object_column(values), fast)[60:, 0])
    X = pd.DataFrame({"n": pd.Series(values, dtype=object)})
    # Object columns are numeric unless declared categorical.
    X_res = _resample(X, fast, categorical_features=None)
    assert X_res["n"].dtype == object
    return list(X_res["n"].iloc[60:])


def test_object_array_integers_come_back_as_python_ints(fast):
    rng = np.random.default_rng(0)
    X = np.empty((60, 2), dtype=object)
    X[:, 0] = [int(a) for a in rng.integers(20, 60, 60)]
    X[:, 1] = rng.choice(["p", "q"], 60).tolist()
    sampler = GANOverSampler(random_state=0, **fast)
    X_res, _ = sampler.fit_resample(X, Y)
    for synthetic in (X_res[60:, 0], sampler.sample(5, 1)[:, 0]):
        assert all(type(v) is int for v in synthetic)
        assert all(min(X[50:, 0]) <= v <= max(X[50:, 0]) for v in synthetic)


@pytest.mark.parametrize(
    "values",
    [
        [2**62 + 2 * k + 1 for k in range(60)],  # beyond 2**53
        [2**64 - 1 - 3 * k for k in range(60)],  # needs uint64
        [np.int64(-(2**63) + 5 * k) for k in range(60)],  # NumPy ints at int64's min
    ],
    ids=["beyond-2**53", "uint64", "int64-min"],
)
@pytest.mark.parametrize("container", ["array", "dataframe"])
def test_object_integers_stay_exact_and_in_range(values, container, fast):
    synthetic = _synthetic_of_object_column(values, container, fast)
    real = {int(v) for v in values[50:]}
    assert all(type(v) is int for v in synthetic)
    assert all(min(real) <= v <= max(real) for v in synthetic)


@pytest.mark.parametrize(
    "exact",
    [lambda k: 2**62 + k, lambda k: 10**20 + 7 + k % 5],
    ids=["beyond-2**53", "beyond-uint64"],
)
def test_object_integers_with_gaps(exact, fast):
    values = [exact(k) if k % 3 else None for k in range(60)]
    X_res = _resample(_object_column(values), fast, missing="model")
    synthetic = X_res[60:, 0]
    observed = [v for v in synthetic if not pd.isna(v)]
    real = [v for v in values[50:] if v is not None]
    assert observed and len(observed) < len(synthetic)  # the class has gaps
    assert all(type(v) is int and min(real) <= v <= max(real) for v in observed)
    assert all(v is not None and np.isnan(v) for v in synthetic if pd.isna(v))


def test_object_integers_use_an_integer_dtype_inside():
    schema, frame = inspect_table(_object_column([1, 2**63, 3]), "auto")
    assert schema.columns[0].integer
    assert frame["c0"].dtype == np.uint64
    _, frame = inspect_table(_object_column([1, None, -(2**62)]), "auto", "model")
    assert frame["c0"].dtype == "Int64"
    assert frame["c0"].tolist() == [1, pd.NA, -(2**62)]


def test_bools_and_floats_in_object_columns_are_not_integers():
    schema, frame = inspect_table(_object_column([1, 2.5, 3]), "auto")
    assert not schema.columns[0].integer and frame["c0"].dtype == np.float64
    schema, _ = inspect_table(_object_column([True, False, True]), "auto")
    assert schema.columns[0].kind == "categorical"


def test_integers_beyond_64_bits_are_rounded_ints(fast):
    values = [2**70 + k for k in range(60)]
    X_res = _resample(_object_column(values), fast)
    assert all(type(v) is int for v in X_res[60:, 0])
    assert all(abs(v - 2**70) <= 2**70 * 1e-15 for v in X_res[60:, 0])


@pytest.mark.parametrize(
    "values",
    [
        [10**20 + 7 + k % 5 for k in range(60)],  # float64 rounds them all down
        [(-(2**63), 2**64 - 1)[k % 2] for k in range(60)],  # wider than uint64
    ],
    ids=["beyond-uint64", "int64-min-to-uint64-max"],
)
@pytest.mark.parametrize("container", ["array", "dataframe"])
def test_integers_beyond_64_bits_stay_in_the_observed_range(values, container, fast):
    # float(max) may round past max and float(min) below min; the synthetic
    # integers still lie in the class's range, compared as Python ints.
    synthetic = _synthetic_of_object_column(values, container, fast)
    assert all(type(v) is int for v in synthetic)
    assert all(min(values[50:]) <= v <= max(values[50:]) for v in synthetic)


def test_integers_beyond_64_bits_stay_exact_inside():
    _, frame = inspect_table(_object_column([2**64, None, -1]), "auto", "model")
    assert frame["c0"].dtype == object
    assert frame["c0"].tolist() == [2**64, None, -1]


def test_small_class_of_integers_beyond_64_bits_copies_them_exactly(fast):
    # A class too small for a GAN is oversampled with copies of its rows: the
    # copies are the exact integers, not their float64 roundings.
    values = [2**70 + k for k in range(57)] + [10**20 + 7, 10**20 + 9, 10**20 + 11]
    y = np.r_[np.zeros(57, dtype=int), np.ones(3, dtype=int)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = GANOverSampler(random_state=0, **fast)
        X_res, _ = sampler.fit_resample(_object_column(values), y)
    assert set(X_res[60:, 0]) <= set(values[57:])


def test_integers_too_large_for_a_float():
    with pytest.raises(ValueError, match=r"Column 0 holds integers too large"):
        inspect_table(_object_column([10**400, 1, 2]), "auto")


def test_dates_named_categorical_are_categories(fast):
    rng = np.random.default_rng(0)
    start = datetime.date(2020, 1, 1)
    days = rng.integers(0, 5, 60)
    hired = pd.Series([start + datetime.timedelta(days=int(d)) for d in days])
    X = pd.DataFrame({"x": rng.normal(size=60), "hired": hired.astype(object)})
    X_res = _resample(X, fast, categorical_features=["hired"])
    assert X_res["hired"].dtype == object
    assert set(X_res["hired"].iloc[60:]) <= set(X["hired"].iloc[50:])
