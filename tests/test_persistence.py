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


def test_other_format_version_is_refused(tmp_path, fitted):
    sampler, _ = fitted
    path = tmp_path / "sampler.pt"
    sampler.save(path)
    payload = torch.load(path, weights_only=True)
    payload["format_version"] = 99
    torch.save(payload, path)
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
