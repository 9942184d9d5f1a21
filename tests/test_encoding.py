"""The tabular encoder: spans from the ColumnTransformer, and decoding."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _helpers import FAST, make_mixed
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    KBinsDiscretizer,
    OneHotEncoder,
    QuantileTransformer,
    StandardScaler,
)

from gan_oversampler import GANOverSampler
from gan_oversampler._encoding import TabularEncoder
from gan_oversampler._validation import inspect_table, restore_table


def _fitted(X, **params):
    schema, frame = inspect_table(X, "auto")
    return schema, frame, TabularEncoder(schema, **params).fit(frame)


def test_spans_follow_column_transformer():
    X, _ = make_mixed()
    _schema, _frame, encoder = _fitted(X)
    spans = encoder.spans_
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert spans[-1].stop == encoder.n_features_out_
    widths = {X.columns[s.column]: s.width for s in spans}
    assert widths == {
        "age": 1,
        "salary": 1,
        "ratio": 1,
        "subject": 3,
        "degree": 2,
        "city": 3,
        "coach": 2,
    }
    # Numeric columns come first; the ColumnTransformer's output follows them.
    assert [s.kind for s in spans[:3]] == ["numeric"] * 3
    assert [s.start for s in spans[:3]] == [0, 1, 2]
    output = encoder.column_transformer_.output_indices_
    assert output["cat3"] == slice(spans[3].start - 3, spans[3].stop - 3)


@pytest.mark.parametrize("numeric_transformer", ["minmax", "standard", "quantile"])
def test_encoded_numeric_in_unit_interval_and_one_hot_blocks(numeric_transformer):
    X, _ = make_mixed()
    _, frame, encoder = _fitted(X, numeric_transformer=numeric_transformer)
    _, encoded = encoder.fit_class(frame)
    assert encoded.dtype == np.float32
    for span in encoder.spans_:
        block = encoded[:, span.start : span.stop]
        if span.kind == "numeric":
            assert block.min() >= -1 - 1e-6 and block.max() <= 1 + 1e-6
            assert np.isclose(block.min(), -1) and np.isclose(block.max(), 1)
        else:
            np.testing.assert_array_equal(block.sum(axis=1), 1)


@pytest.mark.parametrize("numeric_transformer", ["minmax", "standard", "quantile"])
def test_decode_inverts_encode(numeric_transformer):
    X, _ = make_mixed()
    schema, frame, encoder = _fitted(X, numeric_transformer=numeric_transformer)
    profile, encoded = encoder.fit_class(frame)
    values = encoder.decode(encoded, profile, np.random.default_rng(0))
    restored = restore_table(schema, values)
    for col in ["subject", "degree", "city", "coach", "age"]:
        assert restored[col].tolist() == X[col].tolist()
    np.testing.assert_allclose(restored["salary"], X["salary"], rtol=1e-4)


def test_decode_respects_class_categories_and_ranges():
    X, _y = make_mixed()
    schema, frame, encoder = _fitted(X)
    only = frame[(X["city"] == "x").to_numpy() & (X["age"] < 40).to_numpy()]
    profile, _ = encoder.fit_class(only)
    rng = np.random.default_rng(0)
    noise = rng.uniform(-1.5, 1.5, size=(500, encoder.n_features_out_))
    values = encoder.decode(noise, profile, rng)
    restored = restore_table(schema, values)
    assert set(restored["city"]) == {"x"}
    assert restored["age"].max() < 40


@pytest.mark.parametrize("numeric_transformer", ["minmax", "quantile"])
def test_numeric_columns_are_scaled_per_class(numeric_transformer):
    # A class in a corner of the table's range still spans [-1, 1] when encoded,
    # and decodes back to its own values.
    X, _ = make_mixed()
    schema, frame, encoder = _fitted(X, numeric_transformer=numeric_transformer)
    corner = (X["age"] < 35).to_numpy()
    rows = frame[corner]
    profile, encoded = encoder.fit_class(rows)
    age = encoded[:, encoder.spans_[0].start]
    assert np.isclose(age.min(), -1) and np.isclose(age.max(), 1)
    rng = np.random.default_rng(0)
    restored = restore_table(schema, encoder.decode(encoded, profile, rng))
    assert restored["age"].tolist() == X["age"][corner].tolist()
    assert (
        profile.numeric.numeric_transformer
        is not encoder.fit_class(frame)[0].numeric.numeric_transformer
    )


def test_grouped_categories_drawn_in_proportion():
    rng = np.random.default_rng(0)
    codes = np.array(["a"] * 500 + ["b"] * 30 + ["c"] * 10 + ["d"] * 5, dtype=object)
    X = pd.DataFrame({"code": codes})
    schema, frame, encoder = _fitted(
        X, categorical_encoder=OneHotEncoder(max_categories=2, sparse_output=False)
    )
    assert encoder.n_features_out_ == 2
    profile, _ = encoder.fit_class(frame)
    infrequent = np.zeros((4500, 2))
    infrequent[:, 1] = 1
    drawn = restore_table(schema, encoder.decode(infrequent, profile, rng))["code"]
    shares = drawn.value_counts(normalize=True)
    assert set(shares.index) == {"b", "c", "d"}
    assert shares["b"] > shares["c"] > shares["d"]
    np.testing.assert_allclose(shares["b"], 30 / 45, atol=0.03)


def test_fit_class_encodes_like_transform():
    X, _ = make_mixed()
    _, frame, encoder = _fitted(X)
    rows = frame[(X["age"] > 30).to_numpy()]
    profile, encoded = encoder.fit_class(rows)
    np.testing.assert_allclose(encoded, encoder.transform(rows, profile), atol=1e-6)


def test_numeric_only_table_has_no_column_transformer():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.integers(0, 9, 300)})
    schema, frame, encoder = _fitted(X)
    assert encoder.column_transformer_ is None
    assert encoder.n_features_out_ == 2
    assert [(s.start, s.kind) for s in encoder.spans_] == [
        (0, "numeric"),
        (1, "numeric"),
    ]
    profile, encoded = encoder.fit_class(frame)
    np.testing.assert_allclose(encoded, encoder.transform(frame, profile), atol=1e-6)
    decoded = restore_table(schema, encoder.decode(encoded, profile, rng))
    # The quantile transform round-trips every observed value closely.
    np.testing.assert_allclose(decoded["a"], X["a"], atol=1e-3)
    assert decoded["b"].tolist() == X["b"].tolist()


@pytest.mark.parametrize(
    "numeric_transformer",
    [StandardScaler(copy=False), FunctionTransformer(func=None, inverse_func=None)],
    ids=["scaler-in-place", "identity"],
)
def test_in_place_transformers_leave_caller_data_alone(numeric_transformer):
    # The encoder scales and clips transformer outputs in place; transformers
    # that return or overwrite their input must still never reach the caller's
    # columns, and their outputs must stay within each class's range.
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
    y = np.r_[np.zeros(90, int), np.ones(30, int)]
    before = X.copy()
    sampler = GANOverSampler(
        numeric_transformer=numeric_transformer, random_state=0, **FAST
    )
    X_res, _ = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X, before)
    pd.testing.assert_frame_equal(X_res.iloc[:120], before)
    synthetic = X_res.iloc[120:]
    ones = X[y == 1]
    assert (synthetic.min() >= ones.min()).all() and (
        synthetic.max() <= ones.max()
    ).all()


def _two_classes(n_minor: int = 30, n_major: int = 90, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n_major + n_minor), "b": rng.random(120)})
    return X, np.r_[np.zeros(n_major, int), np.ones(n_minor, int)]


@pytest.mark.parametrize(
    "numeric_transformer",
    [
        QuantileTransformer(n_quantiles=10, subsample=20),
        make_pipeline(QuantileTransformer(n_quantiles=10, subsample=20)),
    ],
    ids=["subsampling", "nested"],
)
def test_user_transformer_randomness_follows_random_state(numeric_transformer):
    # A user transformer whose random_state is left at None is seeded from the
    # sampler's random_state: repeatable, and NumPy's global state is untouched.
    X, y = _two_classes()
    state = np.random.get_state()  # noqa: NPY002 (the global state under test)
    fits, seeds, quantiles = [], [], []
    for random_state in (0, 0, 1):
        sampler = GANOverSampler(
            numeric_transformer=numeric_transformer,
            random_state=random_state,
            **FAST,
        )
        fits.append(sampler.fit_resample(X, y)[0])
        fitted = sampler._profiles[1].numeric.numeric_transformer
        params = fitted.get_params(deep=True)
        seeds.append({k: v for k, v in params.items() if k.endswith("random_state")})
        quantile = fitted[-1] if hasattr(fitted, "steps") else fitted
        quantiles.append(quantile.quantiles_)
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == state[0] and after[2:] == state[2:]
    np.testing.assert_array_equal(after[1], state[1])
    pd.testing.assert_frame_equal(fits[0], fits[1])
    # Seeded from the sampler's random_state: the same seed for the same
    # random_state, another for another; 20 of the class's 30 rows are
    # subsampled, so the fitted quantiles follow the seed.
    assert all(isinstance(v, int) for v in seeds[0].values()) and seeds[0]
    assert seeds[0] == seeds[1] and seeds[0] != seeds[2]
    np.testing.assert_array_equal(quantiles[0], quantiles[1])
    assert not np.array_equal(quantiles[0], quantiles[2])
    # The caller's transformer is not changed.
    params = numeric_transformer.get_params(deep=True)
    assert all(v is None for k, v in params.items() if k.endswith("random_state"))


def test_user_transformer_seeds_only_unset_random_states():
    X, _ = _two_classes()
    schema, frame = inspect_table(X, "auto")
    nested = make_pipeline(
        QuantileTransformer(n_quantiles=10, subsample=20),
        QuantileTransformer(n_quantiles=10, random_state=3),
    )
    encoder = TabularEncoder(schema, numeric_transformer=nested, random_state=7)
    profile, _ = encoder.fit(frame).fit_class(frame)
    params = profile.numeric.numeric_transformer.get_params(deep=True)
    assert params["quantiletransformer-1__random_state"] == 7
    assert params["quantiletransformer-2__random_state"] == 3


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(
    ("column", "numeric_transformer", "transformer_name"),
    [
        (np.arange(120) % 4.0, FunctionTransformer(np.log, np.exp), "FunctionTrans"),
        (np.linspace(-1, 1, 120) * 1e200, "standard", "'standard'"),
    ],
    ids=["log-of-zero", "variance-overflow"],
)
def test_non_finite_transformer_output_is_refused(
    column, numeric_transformer, transformer_name
):
    # Refused before any training, naming the transformer and the column (not
    # reported as a diverged GAN).
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"ok": rng.random(120) + 1.0, "bad": column})
    y = np.r_[np.zeros(90, int), np.ones(30, int)]
    sampler = GANOverSampler(
        numeric_transformer=numeric_transformer, random_state=0, **FAST
    )
    with pytest.raises(ValueError, match=r"non-finite") as info:
        sampler.fit_resample(X, y)
    message = str(info.value)
    assert transformer_name in message and "['bad']" in message
    assert "'quantile'" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_transform_refuses_non_finite_output():
    X = pd.DataFrame({"n": np.arange(1.0, 61.0)})
    _schema, frame, encoder = _fitted(
        X, numeric_transformer=FunctionTransformer(np.log, np.exp)
    )
    profile, _ = encoder.fit_class(frame)
    zero = frame.iloc[:3].assign(c0=[1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match=r"non-finite.*\['n'\] on 3 rows"):
        encoder.transform(zero, profile)


def test_gaps_are_imputed_before_the_finite_check(fast):
    # missing="model": the transformer sees the gaps filled in, so a log of
    # positive values with gaps is fine.
    rng = np.random.default_rng(0)
    a = rng.random(120) + 0.5
    a[::7] = np.nan
    X = pd.DataFrame({"a": a, "b": rng.normal(size=120)})
    X["b"] = X["b"].abs() + 1
    y = np.r_[np.zeros(90, int), np.ones(30, int)]
    sampler = GANOverSampler(
        numeric_transformer=FunctionTransformer(np.log, np.exp),
        missing="model",
        random_state=0,
        **fast,
    )
    X_res, _ = sampler.fit_resample(X, y)
    synthetic = X_res["a"].iloc[120:]
    ones = X["a"][y == 1]
    assert synthetic.isna().any() and synthetic.notna().any()
    assert synthetic.min() >= ones.min() and synthetic.max() <= ones.max()


def test_sparse_transformer_output_is_refused_clearly():
    X, y = _two_classes()
    sampler = GANOverSampler(
        numeric_transformer=KBinsDiscretizer(n_bins=3), random_state=0, **FAST
    )
    with pytest.raises(ValueError, match=r"sparse matrix with 6 columns for 2"):
        sampler.fit_resample(X, y)


def test_encoder_missing_a_category_names_it():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=80), "c": rng.choice(list("abc"), 80)})
    y = np.r_[np.zeros(60, int), np.ones(20, int)]
    encoder = OneHotEncoder(
        categories=[["a", "b"]], handle_unknown="ignore", sparse_output=False
    )
    sampler = GANOverSampler(categorical_encoder=encoder, random_state=0, **FAST)
    with pytest.raises(ValueError, match=r"categories \['c'\] of column 'c'.*categor"):
        sampler.fit_resample(X, y)
    # A dropped category is known: that is still reported as not one-hot.
    dropping = OneHotEncoder(drop="first", sparse_output=False)
    sampler.set_params(categorical_encoder=dropping)
    with pytest.raises(ValueError, match=r"one-hot encoding without drop"):
        sampler.fit_resample(X, y)


def test_transformer_collapsing_a_varying_column_warns():
    # MinMaxScaler treats a range below ~2e-15 as zero: the class's distinct
    # values would all come back as one.
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"tiny": rng.normal(size=120) * 1e-18, "b": rng.random(120)})
    y = np.r_[np.zeros(90, int), np.ones(30, int)]
    sampler = GANOverSampler(numeric_transformer="minmax", random_state=0, **FAST)
    with pytest.warns(UserWarning, match=r"\['tiny'\] in a class to a single") as w:
        sampler.fit_resample(X, y)
    assert all(r.filename == __file__ for r in w if "single value" in str(r.message))
    # A constant column is not collapsed by the transformer: no warning.
    X["tiny"] = 1e-18
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampler.fit_resample(X, y)
