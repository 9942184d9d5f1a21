"""Saving and loading fitted samplers: save/load, pickle and joblib."""

from __future__ import annotations

import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.preprocessing import RobustScaler

from gan_oversampler import GANOverSampler
from gan_oversampler._persistence import FORMAT_VERSION


@pytest.fixture
def fitted(mixed, fast):
    X, y = mixed
    X = X.copy()
    X.loc[X.index[:4], "salary"] = np.nan
    sampler = GANOverSampler(missing="model", random_state=0, **fast)
    sampler.fit_resample(X, y)
    return sampler, X


@pytest.mark.parametrize("transformer", ["minmax", "standard", "quantile"])
def test_save_load_samples_identically(tmp_path, mixed, fast, transformer):
    X, y = mixed
    sampler = GANOverSampler(numeric_transformer=transformer, random_state=0, **fast)
    sampler.fit_resample(X, y)
    path = tmp_path / "sampler.pt"
    sampler.save(path)
    loaded = GANOverSampler.load(path)
    assert loaded.get_params() == sampler.get_params()
    assert loaded.sampling_strategy_ == sampler.sampling_strategy_
    pd.testing.assert_frame_equal(
        loaded.history_["rare"].to_frame(), sampler.history_["rare"].to_frame()
    )
    for _ in range(2):  # successive calls stay in step
        pd.testing.assert_frame_equal(
            loaded.sample(40, "rare"), sampler.sample(40, "rare")
        )


def test_file_loads_with_weights_only(tmp_path, fitted):
    sampler, X = fitted
    path = tmp_path / "sampler.pt"
    sampler.save(path)
    payload = torch.load(path, weights_only=True)  # no pickle code execution
    assert payload["format_version"] == FORMAT_VERSION
    rows = GANOverSampler.load(path).sample(30, "rare")
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()


def test_small_class_and_numpy_round_trip(tmp_path, fast):
    X = np.random.default_rng(0).normal(size=(60, 3)).astype(np.float32)
    y = np.array([0] * 55 + [1] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = GANOverSampler(random_state=0, **fast)
        sampler.fit_resample(X, y)
    sampler.save(tmp_path / "s.pt")
    loaded = GANOverSampler.load(tmp_path / "s.pt")
    np.testing.assert_array_equal(loaded.sample(6, 1), sampler.sample(6, 1))
    assert loaded.sample(2, 1).dtype == np.float32


def _saved_as(sampler, path, edit):
    """Save ``sampler`` to ``path``, then rewrite the file's payload with ``edit``."""
    sampler.save(path)
    payload = torch.load(path, weights_only=True)
    edit(payload)
    torch.save(payload, path)
    return path


def _as_format_2(payload: dict) -> None:
    """Drop what format 3 added: categories' dtypes, fallback rows' dtypes."""
    payload["format_version"] = 2
    for column in payload["encoder"]["schema"]["columns"]:
        column["dtype"].pop("categories_dtype", None)
    for entry in payload["classes"]:
        entry.pop("fallback_dtypes", None)


def test_other_format_version_is_refused(tmp_path, fitted):
    sampler, _ = fitted
    path = _saved_as(
        sampler, tmp_path / "sampler.pt", lambda p: p.update(format_version=99)
    )
    with pytest.raises(ValueError, match="file format 99"):
        GANOverSampler.load(path)


def test_foreign_files_are_refused(tmp_path):
    torch.save({"weights": torch.zeros(3)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match=r"not a file written by GANOverSampler\.save"):
        GANOverSampler.load(tmp_path / "other.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match=r"not a file written by GANOverSampler\.save"):
        GANOverSampler.load(tmp_path / "junk.pt")


def test_pickled_objects_inside_are_refused(tmp_path):
    import argparse  # any class outside torch's weights-only allow-list

    payload = {"format": "gan_oversampler.GANOverSampler", "x": argparse.Namespace()}
    torch.save(payload, tmp_path / "evil.pt")
    with pytest.raises(ValueError, match="not allowed"):
        GANOverSampler.load(tmp_path / "evil.pt")


def test_unsupported_numeric_transformer_cannot_be_saved(tmp_path, mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(numeric_transformer=RobustScaler(), random_state=0, **fast)
    sampler.fit_resample(X, y)
    with pytest.raises(TypeError, match=r"RobustScaler.*pickle or joblib"):
        sampler.save(tmp_path / "s.pt")


def test_save_before_fit(tmp_path):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        GANOverSampler().save(tmp_path / "s.pt")


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (None, None)])
def test_pickle_and_joblib(tmp_path, fitted, dumps, loads):
    sampler, _ = fitted
    if dumps is None:
        joblib.dump(sampler, tmp_path / "s.joblib")
        restored = joblib.load(tmp_path / "s.joblib")
    else:
        restored = loads(dumps(sampler))
    pd.testing.assert_frame_equal(
        restored.sample(10, "rare"), sampler.sample(10, "rare")
    )


def _save_and_load(sampler, path):
    sampler.save(path)
    return GANOverSampler.load(path)


def test_fallback_rows_keep_exact_values_and_dtypes(tmp_path, fast):
    # Classes below min_class_size store their rows in the file: integers beyond
    # 2**53 and near 2**64 must come back exact, whatever the column's dtype.
    n_major, n_minor = 50, 5
    y = np.array(["w"] * n_major + ["m"] * n_minor)
    big = np.r_[np.arange(n_major), 2**62 + np.arange(n_minor) * 3 + 1]
    top = np.uint64(2**64 - 1) - np.arange(n_minor, dtype=np.uint64)
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "a": np.r_[rng.normal(size=n_major + n_minor - 1), np.nan],
            "big": big.astype(np.int64),
            "u": np.r_[np.arange(n_major, dtype=np.uint64), top],
            "n": pd.array([*range(n_major), 2**62 + 1, None, 2**62 + 5, 7, 8], "Int64"),
            "nu": pd.array([*range(n_major), *top[:3], None, 1], dtype="UInt64"),
            "flag": np.arange(n_major + n_minor) % 2 == 0,
            "grade": pd.Categorical(np.arange(n_major + n_minor).astype(np.int8) % 3),
            "tag": np.array(["x", "y", None, "z", "x"] * 11, dtype=object),
        }
    )
    sampler = GANOverSampler(missing="model", random_state=0, **fast)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler.fit_resample(X, y)
    assert "m" in sampler._fallback_rows
    loaded = _save_and_load(sampler, tmp_path / "s.pt")
    pd.testing.assert_frame_equal(
        loaded._fallback_rows["m"], sampler._fallback_rows["m"], check_exact=True
    )
    for _ in range(3):  # successive calls stay in step
        expected, rows = sampler.sample(20, "m"), loaded.sample(20, "m")
        pd.testing.assert_frame_equal(rows, expected, check_exact=True)
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()
    assert set(rows["big"]) <= set(X["big"][n_major:])
    assert set(rows["u"]) <= set(top)
    assert set(rows["nu"].dropna()) <= set(X["nu"][n_major:].dropna())


@pytest.mark.parametrize(
    "categories, ordered",
    [
        (np.array([1, 2, 3], dtype=np.int8), False),
        (np.array([0.5, 1.5, 2.25], dtype=np.float32), True),
        (np.array([2**64 - 3, 2**64 - 2, 2**64 - 1], dtype=np.uint64), False),
        (pd.Index(["x", "y", "z"], dtype=object), True),
        (pd.Index([10, 20, 30], dtype=object), False),
        (np.array([False, True]), False),
    ],
    ids=["int8", "float32", "uint64", "object-str", "object-int", "bool"],
)
def test_categorical_columns_keep_categories_dtype(tmp_path, fast, categories, ordered):
    rng = np.random.default_rng(0)
    codes = rng.integers(0, len(categories), 60)
    dtype = pd.CategoricalDtype(categories, ordered=ordered)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=60),
            "c": pd.Categorical.from_codes(codes, dtype=dtype),
        }
    )
    y = np.r_[np.zeros(45, int), np.ones(15, int)]
    sampler = GANOverSampler(random_state=0, **fast)
    sampler.fit_resample(X, y)
    loaded = _save_and_load(sampler, tmp_path / "s.pt")
    assert loaded.encoder_.schema == sampler.encoder_.schema
    rows = loaded.sample(10, 1)
    pd.testing.assert_frame_equal(rows, sampler.sample(10, 1), check_exact=True)
    assert rows["c"].dtype == dtype
    assert rows["c"].cat.categories.dtype == dtype.categories.dtype
    assert rows["c"].cat.ordered is ordered


def test_format_2_files_still_load(tmp_path, fitted):
    # Format 2 had neither the categories' dtype nor the fallback rows' dtypes:
    # such files load as before (categories and values inferred).
    sampler, _ = fitted
    loaded = GANOverSampler.load(_saved_as(sampler, tmp_path / "s.pt", _as_format_2))
    # This table's categories are strings, which the old behaviour restores.
    pd.testing.assert_frame_equal(loaded.sample(30, "rare"), sampler.sample(30, "rare"))


def test_format_2_fallback_rows_load_as_floats(tmp_path, fast):
    X = pd.DataFrame({"a": np.arange(60.0), "k": np.arange(60), "t": ["p", "q"] * 30})
    y = np.array([0] * 55 + [1] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = GANOverSampler(random_state=0, **fast)
        sampler.fit_resample(X, y)
    loaded = GANOverSampler.load(_saved_as(sampler, tmp_path / "s.pt", _as_format_2))
    assert loaded._fallback_rows[1]["c1"].dtype == np.float64
    pd.testing.assert_frame_equal(loaded.sample(8, 1), sampler.sample(8, 1))
