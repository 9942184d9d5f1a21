"""Bad input and bad parameters get clear errors, never a torch traceback."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse
from sklearn.decomposition import PCA
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils._param_validation import InvalidParameterError

from gan_oversampler import GANOverSampler


@pytest.fixture
def Xy():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=60),
            "b": rng.integers(0, 5, 60),
            "c": rng.choice(["u", "v"], 60),
        }
    )
    y = np.array([0] * 45 + [1] * 15)
    return X, y


def sampler(**params):
    return GANOverSampler(**{"epochs": 2, "device": "cpu", "random_state": 0, **params})


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_in_numeric_column(Xy, value):
    X, y = Xy
    X = X.copy()
    X.loc[3, "a"] = value
    kind = "missing values" if np.isnan(value) else "infinite values"
    with pytest.raises(ValueError, match=rf"{kind}.*\['a'\]"):
        sampler().fit_resample(X, y)


def test_missing_category(Xy):
    X, y = Xy
    X = X.astype({"c": object})
    X.loc[5, "c"] = None
    with pytest.raises(ValueError, match=r"missing values.*\['c'\].*impute"):
        sampler().fit_resample(X, y)


def test_nan_in_numpy_array():
    X = np.ones((30, 2))
    X[0, 1] = np.nan
    with pytest.raises(ValueError, match=r"missing values.*\[1\]"):
        sampler().fit_resample(X, [0] * 20 + [1] * 10)


def test_single_class(Xy):
    X, _ = Xy
    with pytest.raises(ValueError, match="class"):
        sampler().fit_resample(X, np.zeros(len(X)))


def test_length_mismatch(Xy):
    X, y = Xy
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        sampler().fit_resample(X, y[:-5])


def test_sparse_input_rejected():
    X = sparse.random(40, 3, density=0.5, format="csr", random_state=0)
    with pytest.raises(TypeError, match=r"sparse.*toarray"):
        sampler().fit_resample(X, [0] * 30 + [1] * 10)


@pytest.mark.parametrize(
    "column",
    [
        pd.date_range("2020-01-01", periods=60),
        pd.to_timedelta(np.arange(60), unit="D"),
    ],
)
def test_dates_and_durations_rejected(Xy, column):
    X, y = Xy
    X = X.assign(when=column)
    with pytest.raises(
        TypeError, match=r"Column 'when' holds .*Convert it to a number"
    ):
        sampler().fit_resample(X, y)


@pytest.mark.parametrize(
    "values, kind",
    [
        (
            [datetime.date(2020, 1, 1) + datetime.timedelta(days=i) for i in range(60)],
            "dates",
        ),
        ([datetime.datetime(2020, 1, 1, i % 24) for i in range(60)], "dates"),
        ([datetime.time(i % 24, 30) for i in range(60)], "times of day"),
        ([datetime.timedelta(minutes=i) for i in range(60)], "durations"),
    ],
    ids=["date", "datetime", "time", "timedelta"],
)
@pytest.mark.parametrize("categorical_features", ["auto", None, ["c"]])
def test_object_dates_times_and_durations_rejected(
    Xy, values, kind, categorical_features
):
    # Databases hand dates back as datetime.date objects in an object column;
    # those must not silently become categories.
    X, y = Xy
    when = pd.Series(values, dtype=object)
    when[[4, 9]] = None  # gaps do not hide them
    X = X.assign(when=when)
    with pytest.raises(
        TypeError,
        match=rf"Column 'when' holds {kind} \(object dtype: .*Convert it to a number"
        r".*drop the column.*categorical_features",
    ):
        sampler(
            categorical_features=categorical_features, missing="model"
        ).fit_resample(X, y)


def test_object_dates_in_array_rejected_unless_named_categorical():
    X = np.empty((40, 2), dtype=object)
    X[:, 0] = np.arange(40.0)
    X[:, 1] = [datetime.date(2021, 5, 1 + i % 3) for i in range(40)]
    y = [0] * 30 + [1] * 10
    with pytest.raises(TypeError, match=r"Column 1 holds dates"):
        sampler().fit_resample(X, y)
    X_res, _ = sampler(categorical_features=[1]).fit_resample(X, y)
    assert set(X_res[40:, 1]) <= set(X[30:, 1])


def test_unknown_device_string(Xy):
    X, y = Xy
    with pytest.raises(ValueError, match=r"Unknown device 'gpu0'"):
        sampler(device="gpu0").fit_resample(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda(Xy):
    X, y = Xy
    with pytest.raises(ValueError, match=r"CUDA is not available.*device='cpu'"):
        sampler(device="cuda").fit_resample(X, y)


def test_categorical_feature_not_in_X(Xy):
    X, y = Xy
    with pytest.raises(ValueError, match=r"\['zzz'\] that are not in X"):
        sampler(categorical_features=["c", "zzz"]).fit_resample(X, y)


def test_categorical_index_out_of_range(Xy):
    X, y = Xy
    with pytest.raises(ValueError, match="index 7"):
        sampler(categorical_features=[2, 7]).fit_resample(X, y)


def test_categorical_mask_wrong_length(Xy):
    X, y = Xy
    with pytest.raises(ValueError, match="boolean mask of length 2"):
        sampler(categorical_features=[True, False]).fit_resample(X, y)


def test_names_for_array_input():
    with pytest.raises(ValueError, match="not a DataFrame"):
        sampler(categorical_features=["a"]).fit_resample(
            np.ones((30, 2)), [0] * 20 + [1] * 10
        )


def test_string_column_not_declared_categorical(Xy):
    X, y = Xy
    with pytest.raises(
        ValueError, match=r"Column 'c' .* not numeric.*categorical_features"
    ):
        sampler(categorical_features=None).fit_resample(X, y)


def test_mixed_type_category_column(Xy):
    X, y = Xy
    X = X.astype({"c": object})
    X.loc[0, "c"] = 3
    with pytest.raises(ValueError, match="single type"):
        sampler().fit_resample(X, y)


@pytest.mark.parametrize(
    "params",
    [
        {"epochs": 0},
        {"epochs": "many"},
        {"batch_size": -1},
        {"learning_rate": 0.0},
        {"loss": "hinge"},
        {"latent_dim": 0},
        {"min_class_size": 1},
        {"small_class": "ignore"},
        {"numeric_transformer": "log"},
        {"categorical_encoder": "onehot"},
        {"device": 3},
        {"sampling_strategy": "most"},
        {"generator_hidden": -4},
        {"n_generators": 0},
        {"n_generators": 2.0},
        {"n_generators": "many"},
    ],
)
def test_invalid_parameters(Xy, params):
    X, y = Xy
    with pytest.raises(InvalidParameterError, match=next(iter(params))):
        sampler(**params).fit_resample(X, y)


@pytest.mark.parametrize("hidden", [(), (8, 0), ("8",), [4.5]])
def test_invalid_hidden_layers(Xy, hidden):
    X, y = Xy
    with pytest.raises(ValueError, match="generator_hidden must be"):
        sampler(generator_hidden=hidden).fit_resample(X, y)


def test_encoder_with_drop_rejected(Xy):
    X, y = Xy
    encoder = OneHotEncoder(drop="first", sparse_output=False)
    with pytest.raises(ValueError, match="exactly one output column"):
        sampler(categorical_encoder=encoder).fit_resample(X, y)


def test_numeric_transformer_not_one_to_one(Xy):
    X, y = Xy
    with pytest.raises(ValueError, match="one-to-one"):
        sampler(numeric_transformer=PCA(n_components=1)).fit_resample(X, y)


def test_float_strategy_multiclass():
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = np.repeat([0, 1, 2], [30, 20, 10])
    with pytest.raises(ValueError, match="binary"):
        sampler(sampling_strategy=0.5).fit_resample(X, y)


def test_inputs_not_mutated_on_error(Xy):
    X, y = Xy
    X = X.copy()
    X.loc[0, "a"] = np.nan
    before, y_before = X.copy(deep=True), y.copy()
    with pytest.raises(ValueError):
        sampler().fit_resample(X, y)
    pd.testing.assert_frame_equal(X, before)
    np.testing.assert_array_equal(y, y_before)
