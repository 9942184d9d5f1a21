"""Behaviour of GANOverSampler.fit_resample and sample on valid input."""

from __future__ import annotations

import pickle
import random
import re
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch
from _helpers import (
    FAST,
    make_mixed,
    script_distances,
    small_mixed_class,
    spy_on_evaluations,
)
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from gan_oversampler import (
    GANOverSampler,
    SmallClassWarning,
    TrainingHistory,
    _training,
)
from gan_oversampler._training import _MIN_IMPROVEMENT


def _check_synthetic_rows(X, y, X_res, y_res, sampler):
    """The invariants every resampling must satisfy."""
    n = len(X)
    # Originals first and unchanged; container, columns and dtypes kept.
    assert isinstance(X_res, pd.DataFrame)
    assert list(X_res.columns) == list(X.columns)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    pd.testing.assert_frame_equal(X_res.iloc[:n], X.reset_index(drop=True))
    assert y_res.iloc[:n].tolist() == y.tolist()
    # Exactly the requested number of synthetic rows per class.
    added = Counter(y_res.iloc[n:])
    expected = {k: v for k, v in sampler.sampling_strategy_.items() if v}
    assert added == expected
    # Every synthetic value is valid for its class.
    synth = X_res.iloc[n:]
    for label in expected:
        real_c = X[y == label]
        synth_c = synth[y_res.iloc[n:].to_numpy() == label]
        for col in X.columns:
            if pd.api.types.is_numeric_dtype(X[col]) and not pd.api.types.is_bool_dtype(
                X[col]
            ):
                assert synth_c[col].min() >= real_c[col].min()
                assert synth_c[col].max() <= real_c[col].max()
                assert not synth_c[col].isna().any()
            else:
                assert set(synth_c[col]) <= set(real_c[col])


def test_mixed_dataframe_round_trip(mixed, fast):
    X, y = mixed
    X_before = X.copy(deep=True)
    y_before = y.copy(deep=True)
    sampler = GANOverSampler(random_state=0, **fast)
    X_res, y_res = sampler.fit_resample(X, y)
    _check_synthetic_rows(X, y, X_res, y_res, sampler)
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    # Integer columns are rounded to the nearest integer, not truncated: a
    # generated value that decodes to 30.7 years gives 31 (and 30.3 gives 30).
    encoder, profile = sampler.encoder_, sampler._profiles["rare"]
    assert [encoder.schema.columns[i].name for i in encoder.schema.numeric] == [
        "age",
        "salary",
        "ratio",
    ]
    rare = X[y == "rare"]
    values = np.array(
        [[age, rare["salary"].median(), rare["ratio"].median()] for age in (30.7, 30.3)]
    )
    scaled = profile.numeric.numeric_transformer.transform(values)
    encoded = np.zeros((2, encoder.n_features_out_))
    encoded[:, :3] = (scaled - profile.numeric.center) / profile.numeric.scale
    ages = encoder.decode(encoded, profile, np.random.default_rng(0))[0]
    assert list(ages) == [31, 30]
    assert X_res["subject"].cat.categories.tolist() == ["math", "art", "pe", "unused"]
    # The caller's data is never modified.
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)


def test_fitted_attributes(mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(random_state=0, **fast)
    sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_ == {
        "rare": (y == "common").sum() - (y == "rare").sum()
    }
    assert sampler.n_features_in_ == X.shape[1]
    assert list(sampler.feature_names_in_) == list(X.columns)
    assert sampler.device_ == torch.device("cpu")
    assert set(sampler.generators_) == {"rare"}
    net = sampler.generators_["rare"]
    assert not net.training
    assert all(p.device.type == "cpu" for p in net.parameters())
    history = sampler.history_["rare"]
    assert isinstance(history, TrainingHistory)
    frame = history.to_frame()
    assert len(frame) == FAST["epochs"]
    assert list(frame.columns) == [
        "epoch",
        "generator_loss",
        "discriminator_loss",
        "discriminator_accuracy_real",
        "discriminator_accuracy_fake",
        "marginal_distance",
    ]
    assert frame["marginal_distance"].isna().all()  # only with early_stopping
    assert history.stopped_epoch is None
    accuracies = frame[["discriminator_accuracy_real", "discriminator_accuracy_fake"]]
    assert ((accuracies >= 0) & (accuracies <= 1)).all().all()
    assert np.isfinite(frame.drop(columns="marginal_distance").to_numpy()).all()
    assert history.n_rows == (y == "rare").sum()
    spans = sampler.encoder_.spans_
    assert sum(s.width for s in spans) == sampler.encoder_.n_features_out_
    assert [s.kind for s in spans].count("categorical") == 4


def test_batch_size_never_exceeds_class(fast):
    X, y = make_classification(n_samples=120, weights=[0.85], random_state=0)
    fast["batch_size"] = 1000
    sampler = GANOverSampler(random_state=0, **fast)
    sampler.fit_resample(X, y)
    history = sampler.history_[1]
    assert history.batch_size == history.n_rows == (y == 1).sum()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_numpy_dtype_preserved(dtype, fast):
    X, y = make_classification(n_samples=150, weights=[0.8], random_state=0)
    X = (X * 10).astype(dtype)
    X_res, y_res = GANOverSampler(random_state=0, **fast).fit_resample(X, y)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == dtype
    assert isinstance(y_res, np.ndarray) and y_res.dtype == y.dtype
    np.testing.assert_array_equal(X_res[: len(X)], X)
    synth = X_res[len(X) :]
    real = X[y == 1]
    assert (synth >= real.min(axis=0)).all() and (synth <= real.max(axis=0)).all()


def test_object_array_with_strings(fast):
    rng = np.random.default_rng(0)
    n = 90
    X = np.empty((n, 2), dtype=object)
    X[:, 0] = rng.choice(["a", "b", "c"], n)
    X[:, 1] = rng.normal(size=n)
    y = np.array([0] * 60 + [1] * 30)
    X_res, _y_res = GANOverSampler(random_state=0, **fast).fit_resample(X, y)
    assert X_res.dtype == object
    assert set(X_res[:, 0]) <= {"a", "b", "c"}
    assert all(isinstance(v, float) for v in X_res[n:, 1])


def test_list_input_gives_lists(fast):
    X, y = make_classification(n_samples=100, weights=[0.8], random_state=0)
    X_res, y_res = GANOverSampler(random_state=0, **fast).fit_resample(
        X.tolist(), y.tolist()
    )
    assert isinstance(X_res, list) and isinstance(y_res, list)
    assert Counter(y_res)[0] == Counter(y_res)[1]


def test_multiclass_string_labels(fast):
    X, y = make_classification(
        n_samples=300,
        n_classes=3,
        n_informative=4,
        weights=[0.6, 0.3, 0.1],
        random_state=0,
    )
    labels = np.array(["cat", "dog", "emu"])[y]
    sampler = GANOverSampler(random_state=0, **fast)
    _X_res, y_res = sampler.fit_resample(X, labels)
    counts = Counter(y_res)
    assert counts["cat"] == counts["dog"] == counts["emu"] == (y == 0).sum()
    assert set(sampler.generators_) == {"dog", "emu"}


@pytest.mark.parametrize(
    "strategy, expected",
    [
        ("auto", {0: 300, 1: 300, 2: 300}),
        ("minority", {0: 300, 1: 150, 2: 300}),
        ("not minority", {0: 300, 1: 300, 2: 50}),
        ("not majority", {0: 300, 1: 300, 2: 300}),
        ("all", {0: 300, 1: 300, 2: 300}),
        ({1: 200, 0: 300}, {0: 300, 1: 200, 2: 50}),
        (lambda y: {1: 160}, {0: 300, 1: 160, 2: 50}),
    ],
)
def test_sampling_strategy_forms(strategy, expected, fast):
    rng = np.random.default_rng(0)
    y = np.array([0] * 300 + [1] * 150 + [2] * 50)
    X = rng.normal(size=(len(y), 3)) + y[:, None]
    X_res, y_res = GANOverSampler(
        sampling_strategy=strategy, random_state=0, **fast
    ).fit_resample(X, y)
    assert dict(Counter(y_res.tolist())) == expected
    assert len(X_res) == len(y_res)


def test_float_sampling_strategy_binary(fast):
    X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    n_major = (y == 0).sum()
    _X_res, y_res = GANOverSampler(
        sampling_strategy=0.5, random_state=0, **fast
    ).fit_resample(X, y)
    assert Counter(y_res)[1] == int(n_major * 0.5)


def test_pipeline_cross_validate(mixed, fast):
    X, y = mixed
    pre = ColumnTransformer(
        [
            ("num", StandardScaler(), make_column_selector(dtype_include="number")),
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore"),
                make_column_selector(dtype_exclude="number"),
            ),
        ]
    )
    pipe = Pipeline(
        [
            ("gan", GANOverSampler(random_state=0, **fast)),
            ("pre", pre),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )
    scores = cross_validate(pipe, X, y, cv=3, scoring="balanced_accuracy")
    assert scores["test_score"].shape == (3,)
    assert np.isfinite(scores["test_score"]).all()


def test_grid_search_over_epochs(fast):
    X, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    pipe = Pipeline(
        [("gan", GANOverSampler(random_state=0, **fast)), ("clf", LogisticRegression())]
    )
    search = GridSearchCV(pipe, {"gan__epochs": [1, 3]}, cv=3).fit(X, y)
    assert search.best_params_["gan__epochs"] in (1, 3)
    assert len(search.cv_results_["mean_test_score"]) == 2
    # The refitted sampler trained for the epochs the search picked.
    best = search.best_estimator_["gan"]
    assert len(best.history_[1]) == search.best_params_["gan__epochs"]


def test_clone_keeps_params_and_drops_state(mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(random_state=3, loss="wgan-gp", **fast)
    sampler.fit_resample(X, y)
    copy = clone(sampler)
    assert copy.get_params() == sampler.get_params()
    assert not hasattr(copy, "generators_")


def test_pickle_round_trip_then_sample(mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(random_state=0, **fast)
    sampler.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(sampler))
    rows = restored.sample(7, "rare")
    assert list(rows.columns) == list(X.columns)
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()
    assert len(rows) == 7
    # Same state, same draws: the original and its copy agree.
    pd.testing.assert_frame_equal(rows, sampler.sample(7, "rare"))


def test_sample_draws_new_rows_each_call(mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(random_state=0, **fast)
    sampler.fit_resample(X, y)
    first, second = sampler.sample(20, "rare"), sampler.sample(20, "rare")
    assert not first.equals(second)


def test_determinism_and_untouched_global_rng(mixed, fast):
    X, y = mixed
    torch_state = torch.random.get_rng_state().clone()
    numpy_state = np.random.get_state()[1].copy()  # noqa: NPY002
    python_state = random.getstate()
    first = GANOverSampler(random_state=42, **fast).fit_resample(X, y)
    second = GANOverSampler(random_state=42, **fast).fit_resample(X, y)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_series_equal(first[1], second[1])
    assert torch.equal(torch_state, torch.random.get_rng_state())
    assert np.array_equal(numpy_state, np.random.get_state()[1])  # noqa: NPY002
    assert python_state == random.getstate()
    other = GANOverSampler(random_state=43, **fast).fit_resample(X, y)
    assert not first[0].equals(other[0])


def test_classes_needing_no_rows_train_no_gan(fast):
    X, y = make_classification(n_samples=120, weights=[0.75], random_state=0)
    sampler = GANOverSampler(sampling_strategy="all", random_state=0, **fast)
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.sampling_strategy_[0] == 0 and sampler.sampling_strategy_[1] > 0
    assert list(sampler.generators_) == [1] and list(sampler.history_) == [1]
    assert Counter(y_res)[0] == Counter(y)[0]
    with pytest.raises(ValueError, match="Cannot sample class 0"):
        sampler.sample(3, label=0)
    # Nothing asked at all: the rows come back unchanged, in a new array.
    nothing = GANOverSampler(sampling_strategy={0: 90, 1: 30}, **fast)
    X_same, y_same = nothing.fit_resample(X, y)
    assert nothing.generators_ == {} and nothing.history_ == {}
    np.testing.assert_array_equal(X_same, X)
    assert not np.shares_memory(X_same, X)
    np.testing.assert_array_equal(y_same, y)


def test_random_state_none_leaves_global_numpy_state_alone(fast):
    # None draws fresh entropy; it must not read or advance np.random's state.
    X, y = make_classification(n_samples=100, weights=[0.8], random_state=0)
    np.random.seed(3)  # noqa: NPY002 - the global state is the point
    state = np.random.get_state()  # noqa: NPY002
    a = GANOverSampler(random_state=None, **fast).fit_resample(X, y)[0]
    after = np.random.get_state()  # noqa: NPY002
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]
    np.random.seed(3)  # noqa: NPY002
    b = GANOverSampler(random_state=None, **fast).fit_resample(X, y)[0]
    assert not np.array_equal(a[len(X) :], b[len(X) :])


def test_random_state_instance_is_used(fast):
    X, y = make_classification(n_samples=100, weights=[0.8], random_state=0)

    def fit(seed):
        state = np.random.RandomState(seed)
        before = state.get_state()[1].copy(), state.get_state()[2]
        X_res = GANOverSampler(random_state=state, **fast).fit_resample(X, y)[0]
        # Seeds are drawn from the caller's instance: it advanced.
        after = state.get_state()[1], state.get_state()[2]
        assert not (np.array_equal(before[0], after[0]) and before[1] == after[1])
        return X_res

    a, b, other = fit(5), fit(5), fit(6)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[len(X) :], other[len(X) :])


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
def test_losses_train(loss, fast):
    X, y = make_classification(n_samples=150, weights=[0.8], random_state=0)
    sampler = GANOverSampler(loss=loss, random_state=0, **fast)
    X_res, _ = sampler.fit_resample(X, y)
    assert np.isfinite(X_res).all()
    frame = sampler.history_[1].to_frame().drop(columns="marginal_distance")
    assert np.isfinite(frame.to_numpy()).all()


@pytest.mark.parametrize("transformer", ["minmax", "standard", "quantile", None])
def test_numeric_transformer_options(transformer, mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(numeric_transformer=transformer, random_state=0, **fast)
    X_res, y_res = sampler.fit_resample(X, y)
    _check_synthetic_rows(X, y, X_res, y_res, sampler)


def test_user_encoder_caps_cardinality_and_keeps_real_categories(fast):
    rng = np.random.default_rng(0)
    n = 300
    levels = [f"level{i}" for i in range(30)]
    X = pd.DataFrame({"code": rng.choice(levels, n), "x": rng.normal(size=n)})
    y = np.array([0] * 200 + [1] * 100)
    sampler = GANOverSampler(
        categorical_encoder=OneHotEncoder(max_categories=5, sparse_output=False),
        random_state=0,
        **fast,
    )
    X_res, _ = sampler.fit_resample(X, y)
    cat_span = next(s for s in sampler.encoder_.spans_ if s.kind == "categorical")
    assert cat_span.width == 5
    synth = X_res.iloc[n:]
    assert set(synth["code"]) <= set(X.loc[y == 1, "code"])
    # Grouped rare levels are drawn back, not replaced by a placeholder.
    assert synth["code"].nunique() > 4


@pytest.mark.parametrize(
    "spec",
    [
        ["age", "subject", "degree", "city", "coach"],
        [0, 3, 4, 5, 6],
        [True, False, False, True, True, True, True],
    ],
)
def test_categorical_features_forms(spec, mixed, fast):
    # Each form also declares the integer column "age" categorical, which
    # "auto" would not: it is encoded as a category and only real ages return.
    X, y = mixed
    sampler = GANOverSampler(categorical_features=spec, random_state=0, **fast)
    X_res, y_res = sampler.fit_resample(X, y)
    _check_synthetic_rows(X, y, X_res, y_res, sampler)
    assert [s.kind for s in sampler.encoder_.spans_].count("categorical") == 5
    synth_ages = X_res["age"].iloc[len(X) :]
    assert set(synth_ages) <= set(X.loc[y == "rare", "age"])
    assert X_res["age"].dtype == np.int64


def test_integer_column_declared_categorical(fast):
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"grade": rng.choice([1, 3, 5], 120), "x": rng.normal(size=120)})
    y = np.array([0] * 90 + [1] * 30)
    X_res, _ = GANOverSampler(
        categorical_features=["grade"], random_state=0, **fast
    ).fit_resample(X, y)
    assert X_res["grade"].dtype == np.int64
    assert set(X_res["grade"]) <= {1, 3, 5}


def test_small_class_falls_back_with_warning(fast):
    X, y = make_classification(n_samples=60, weights=[0.9], random_state=0)
    y[:] = 0
    y[:4] = 1
    sampler = GANOverSampler(small_class="random", random_state=0, **fast)
    with pytest.warns(SmallClassWarning, match="Class 1 has 4 row"):
        X_res, _y_res = sampler.fit_resample(X, y)
    synth = X_res[len(X) :]
    real_rows = {tuple(r) for r in X[y == 1]}
    assert all(tuple(r) in real_rows for r in synth)
    assert 1 not in sampler.generators_
    assert sampler.sample(3, 1).shape == (3, X.shape[1])


def test_small_class_interpolates_between_its_rows(fast):
    X, y = small_mixed_class()
    before = X.copy()
    sampler = GANOverSampler(
        small_class="interpolate", missing="model", random_state=0, **fast
    )
    with pytest.warns(SmallClassWarning, match="interpolated between pairs"):
        X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X, before)
    assert Counter(y_res) == {0: 55, 1: 55}
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    real, synth = X[y == 1], X_res.iloc[len(X) :]
    # Missing values come from the nearer endpoint: kept, not filled in.
    assert synth["visits"].isna().any() and synth["visits"].notna().any()
    for column in ("grade", "member"):
        assert set(synth[column]) <= set(real[column])
    assert set(synth["visits"].dropna()) <= set(range(9))
    # Every row lies on a segment between two rows of the class: one weight
    # explains both continuous columns (the integer column is rounded).
    pairs = [(a, b) for a in range(5) for b in range(5)]
    for _, row in synth.iterrows():
        fits = []
        for a, b in pairs:
            start, end = real.iloc[a], real.iloc[b]
            if start["score"] == end["score"]:
                continue
            t = (row["score"] - start["score"]) / (end["score"] - start["score"])
            age = start["age"] + t * (end["age"] - start["age"])
            fits.append(0 <= t <= 1 and abs(age - row["age"]) <= 0.5 + 1e-9)
        assert any(fits) or row["score"] in set(real["score"])
    assert not {tuple(r) for r in synth[["score"]].to_numpy()} <= {
        tuple(r) for r in real[["score"]].to_numpy()
    }
    again = GANOverSampler(
        small_class="interpolate", missing="model", random_state=0, **fast
    )
    with pytest.warns(SmallClassWarning):
        pd.testing.assert_frame_equal(again.fit_resample(X, y)[0], X_res)
    rows = sampler.sample(40, 1, random_state=1)
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()
    assert rows["score"].between(real["score"].min(), real["score"].max()).all()
    assert rows["age"].between(real["age"].min(), real["age"].max()).all()


@pytest.mark.parametrize(
    ("n_rows", "advice"),
    [
        (
            4,
            "Collect more rows, lower min_class_size to 4, or set small_class='smote'",
        ),
        (1, "Collect more rows, or set small_class='smote'"),
    ],
)
def test_small_class_error_policy(fast, n_rows, advice):
    X, y = make_classification(n_samples=60, weights=[0.9], random_state=0)
    y[:] = 0
    y[:n_rows] = 1
    sampler = GANOverSampler(small_class="error", min_class_size=5, **fast)
    with pytest.raises(
        ValueError, match=rf"Class 1 has {n_rows} row.*min_class_size=5"
    ):
        sampler.fit_resample(X, y)
    # A 1-row class cannot be admitted by a lower min_class_size (at least 2).
    with pytest.raises(ValueError, match=re.escape(advice)):
        sampler.fit_resample(X, y)


def test_warnings_point_at_the_callers_line(fast):
    X, y = make_classification(n_samples=60, weights=[0.9], random_state=0)
    y[:] = 0
    y[:4] = 1
    pipeline = Pipeline(
        [("gan", GANOverSampler(random_state=0, **fast)), ("clf", LogisticRegression())]
    )
    for fit in (
        lambda: GANOverSampler(random_state=0, **fast).fit_resample(X, y),
        lambda: GANOverSampler(random_state=0, **fast).fit(X, y),
        lambda: pipeline.fit(X, y),
    ):
        with pytest.warns(SmallClassWarning) as record:
            fit()
        assert [w.filename for w in record] == [__file__]


def test_verbose_progress_bar(capsys, fast):
    X, y = make_classification(n_samples=100, weights=[0.8], random_state=0)
    GANOverSampler(random_state=0, **fast).fit_resample(X, y)
    assert capsys.readouterr().err == ""
    GANOverSampler(random_state=0, verbose=True, **fast).fit_resample(X, y)
    err = capsys.readouterr().err
    assert "GAN for class 1" in err and "d_loss" in err


def test_sample_errors(mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(random_state=0, **fast)
    with pytest.raises(NotFittedError):
        sampler.sample(3, "rare")
    sampler.fit_resample(X, y)
    with pytest.raises(ValueError, match="Cannot sample class 'common'"):
        sampler.sample(3, "common")
    # A class listed in sampling_strategy_ with no rows to generate.
    everything = GANOverSampler(sampling_strategy="all", **fast)
    everything.fit_resample(X, y)
    assert everything.sampling_strategy_["common"] == 0
    with pytest.raises(ValueError, match=r"class 'common'.*can be sampled: 'rare'\.$"):
        everything.sample(3, "common")
    for bad in (0, -2, 2.5, True):
        with pytest.raises(ValueError, match="n_samples must be a positive integer"):
            sampler.sample(bad, "rare")


def test_default_settings_are_usable():
    """Defaults fit a mixed table without a warning and balance it exactly.

    Whether the defaults learn the class (the synthetic minority near the
    real one) depends on how training goes: ``benchmarks/learning_checks.py``
    measures it over seeds.
    """
    X, y = make_mixed(n=800, minority=0.25, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X_res, y_res = GANOverSampler(random_state=0).fit_resample(X, y)
    counts = Counter(y_res)
    assert counts["rare"] == counts["common"] == Counter(y)["common"]
    assert list(X_res.columns) == list(X.columns)
    assert (X_res.dtypes == X.dtypes).all()
    assert X_res.iloc[len(X) :]["salary"].std() > 0


def test_early_stopping_stops_records_and_keeps_best(monkeypatch):
    # Scripted distances: the best is step 300's; step 400's is lower but not
    # by the 1% that counts as progress, and the rest is a plateau, so a
    # patience of 10 evaluations stops the class at step 1,300 of 2,000 epochs.
    script_distances(monkeypatch, [1.0, 0.8, 0.7, 0.695, 0.75])
    X, y = make_classification(n_samples=600, weights=[0.7], random_state=0)
    sampler = GANOverSampler(
        epochs=2000, early_stopping=True, n_generators=1, random_state=0, device="cpu"
    )
    _, y_res = sampler.fit_resample(X, y)
    history = sampler.history_[1]
    per_epoch = history.n_rows // history.batch_size
    assert history.n_steps == 1300
    # Training stops at an evaluation, possibly within an epoch: that epoch
    # is recorded from the steps it ran.
    assert history.stopped_epoch == len(history) == -(-1300 // per_epoch)
    assert history.best_epoch == -(-300 // per_epoch)
    distances = history.marginal_distance
    evaluated = distances[~np.isnan(distances)]
    assert len(evaluated) >= 5 and (evaluated > 0).all()
    # The kept generator is the best one, up to the 1% that counts as progress:
    # no later evaluation improved on it by more than that.
    kept = distances[history.best_epoch - 1]
    assert kept * (1 - _MIN_IMPROVEMENT) <= evaluated.min() <= kept
    later = distances[history.best_epoch :]
    assert (later[~np.isnan(later)] >= kept * (1 - _MIN_IMPROVEMENT)).all()
    assert Counter(y_res)[1] == Counter(y_res)[0]


def _fit_early_stopping(
    n_majority: int, n_minority: int, epochs: int, random_state: int = 0
):
    """A sampler with early stopping (one generator) fitted on 3 Gaussian columns."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_majority + n_minority, 3))
    y = np.r_[np.zeros(n_majority, int), np.ones(n_minority, int)]
    sampler = GANOverSampler(
        epochs=epochs, early_stopping=True, n_generators=1, random_state=random_state
    )
    sampler.fit_resample(X, y)
    return sampler


def test_early_stopping_keeps_best_generator_when_training_runs_to_the_end(
    monkeypatch,
):
    # One step per epoch (64 rows, batch 64), so epochs and steps coincide.
    # The scripted distances make step 500's evaluation the best and the five
    # after it worse, too few to stop: training runs all 1,000 epochs, and the
    # generator of step 500 must be the one kept. A run that ends at step 500
    # makes the same steps and evaluations up to there and ends with that
    # generator, so both runs must keep the same weights.
    script = [5.0, 4.0, 3.0, 2.0, 1.5, 1.625, 1.75, 1.875, 2.0, 2.125]
    script_distances(monkeypatch, script)
    long = _fit_early_stopping(200, 64, epochs=1000)
    history = long.history_[1]
    assert history.stopped_epoch is None and len(history) == 1000
    assert not np.isnan(history.marginal_distance[-1])  # the last step is scored
    assert history.best_epoch == 500
    script_distances(monkeypatch, script)
    short = _fit_early_stopping(200, 64, epochs=500)
    assert short.history_[1].best_epoch == 500
    kept, at_best = (s.generators_[1].state_dict() for s in (long, short))
    assert kept.keys() == at_best.keys()
    for name, weights in kept.items():
        torch.testing.assert_close(weights, at_best[name], rtol=0, atol=0)


@pytest.mark.parametrize(
    ("script", "best_epoch"),
    [
        # Step 300 beats step 200, so it must land in epoch 2, not 3.
        ([5.0, 4.0, 3.0, 3.5, 3.25], 2),
        # The first evaluation of epochs 2 and 3 beats their last.
        ([5.0, 3.0, 4.0, 2.0, 2.5], 3),
    ],
)
def test_early_stopping_evaluations_land_in_their_epochs(
    monkeypatch, script, best_epoch
):
    # 10,000 rows, batch 64: 156 steps per epoch, 3 epochs (468 steps).
    # Evaluations at steps 100, 200, 300, 400 and the last step 468 fall in
    # epochs 1, 2, 2, 3 and 3; each epoch keeps its lowest one.
    script_distances(monkeypatch, script)
    evaluations = spy_on_evaluations(monkeypatch)
    fitted = _fit_early_stopping(20_000, 10_000, 3)
    history = fitted.history_[1]
    assert len(history) == 3 and history.stopped_epoch is None
    assert history.n_steps == 3 * 156
    assert evaluations == list(zip([100, 200, 300, 400, 468], script, strict=True))
    epochs = [1, 2, 2, 3, 3]
    lowest = [
        min(v for v, e in zip(script, epochs, strict=True) if e == epoch)
        for epoch in (1, 2, 3)
    ]
    np.testing.assert_array_equal(history.marginal_distance, lowest)
    assert history.best_epoch == best_epoch


@pytest.mark.parametrize(("min_steps", "stop"), [(_training.MIN_STEPS, 400), (0, 200)])
def test_early_stopping_never_stops_before_min_steps(monkeypatch, min_steps, stop):
    # With a patience of a single evaluation and a plateau after the first
    # evaluation (step 100), a class stops at its first evaluation without
    # progress, step 200; the MIN_STEPS floor (400) is what keeps it going
    # until step 400. 64 rows, batch 32: two steps an epoch.
    monkeypatch.setattr(_training, "PATIENCE", 1)
    monkeypatch.setattr(_training, "MIN_STEPS", min_steps)
    script_distances(monkeypatch, [1.0])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(264, 3))
    y = np.r_[np.zeros(200, int), np.ones(64, int)]
    sampler = GANOverSampler(
        epochs=1000, batch_size=32, early_stopping=True, random_state=0, device="cpu"
    )
    sampler.fit_resample(X, y)
    history = sampler.history_[1]
    assert history.n_steps == stop
    assert len(history) == history.stopped_epoch == stop // 2


def _fitted_pair(fast):
    X, y = make_classification(n_samples=80, weights=[0.75], random_state=0)
    pair = [GANOverSampler(random_state=0, **fast) for _ in range(2)]
    for sampler in pair:
        sampler.fit_resample(X, y)
    return pair


def test_sample_with_a_random_state_is_repeatable_and_leaves_the_stream(fast):
    first, second = _fitted_pair(fast)
    a = first.sample(4, 1, random_state=7)
    b = first.sample(4, 1, random_state=np.random.RandomState(7))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, first.sample(4, 1, random_state=8))
    # The calls above did not advance the sampler's own stream.
    np.testing.assert_array_equal(first.sample(4, 1), second.sample(4, 1))
    # Without a random_state, successive calls draw new rows.
    assert not np.array_equal(first.sample(4, 1), first.sample(4, 1))


@pytest.mark.parametrize("bad", [np.random.default_rng(0), "seed", 1.5, True])
def test_sample_rejects_other_random_states(fast, bad):
    sampler, _ = _fitted_pair(fast)
    with pytest.raises(TypeError, match="random_state must be None, an int"):
        sampler.sample(2, 1, random_state=bad)
