"""Property-based tests: random mixed tables keep GANOverSampler's invariants.

Hypothesis draws the *structure* of each table (how many rows per class, which
column dtypes, constant columns, magnitudes, duplicated rows, the container of
``y``, the sampler's settings) and a seed; NumPy draws the values from that
seed, which keeps example generation cheap next to a GAN fit.

Every fit must either succeed with all the invariants below, or raise one of the
documented errors (``ValueError`` / ``TypeError`` with the documented message).

Profiles: the default one (``gan-default``) is bounded for the everyday run;
``HYPOTHESIS_PROFILE=nightly`` runs 500 examples per test. The extended test is
marked ``slow`` (``pytest -m slow``).
"""

from __future__ import annotations

import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from _helpers import FAST, FLOAT_DTYPES, INT_DTYPES, KINDS, MISSING_MARKER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gan_oversampler import GANOverSampler, SmallClassWarning

# ------------------------------------------------------------------ profiles
_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
# Derandomized: the everyday run (and CI) checks the same examples every time.
settings.register_profile("gan-default", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("nightly", max_examples=500, **_COMMON)
try:
    PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "gan-default"))
except Exception:  # an unknown profile name: fall back to the bounded one
    PROFILE = settings.get_profile("gan-default")


def _scaled(fraction: float) -> settings:
    """The active profile with a fraction of its examples (at least 3)."""
    return settings(PROFILE, max_examples=max(3, int(PROFILE.max_examples * fraction)))


# ------------------------------------------------------------------- columns
#: Float scales. "extreme" integers sit at their dtype's limits (beyond 2**53
#: for 64-bit ones); extreme floats are left to benchmarks/fuzz.py, where a
#: TrainingFailedError is an accepted outcome.
MAGNITUDES = {"unit": 1.0, "huge": 1e9, "tiny": 1e-9, "extreme": 1e9}


@dataclass(frozen=True)
class ColumnPlan:
    """How one column is generated."""

    kind: str
    shape: str  # "random", "constant" or "class-constant"
    magnitude: str  # key of MAGNITUDES
    heavy: bool  # Cauchy instead of normal values
    n_levels: int  # categories used
    n_unused: int  # declared but unused categories (category dtypes)
    int_levels: bool  # category dtype with integer categories
    missing_rate: float  # fraction of missing values (missing="model" only)


def _numbers(plan: ColumnPlan, n: int, rng: np.random.Generator) -> np.ndarray:
    base = rng.standard_cauchy(n) if plan.heavy else rng.normal(size=n)
    scale = MAGNITUDES[plan.magnitude]
    if plan.kind in INT_DTYPES or plan.kind == "Int64":
        info = np.iinfo(plan.kind.lower())
        if plan.magnitude == "extreme":
            # Python ints near one limit of the dtype, exactly.
            low, high = int(info.min), int(info.max)
            offsets = rng.integers(0, min(1000, high - low), n).tolist()
            if plan.heavy:
                return np.array([low + o for o in offsets], dtype=object)
            return np.array([high - o for o in offsets], dtype=object)
        scale = {"unit": 100.0, "huge": 1e9, "tiny": 3.0}[plan.magnitude]
        values = np.round(base * scale)
        if info.min == 0:
            values = np.abs(values)
        return np.clip(values, max(info.min, -(2**53)), min(info.max, 2**53)).astype(
            np.int64 if info.min < 0 else np.uint64
        )
    values = base * scale + rng.normal() * scale
    if plan.kind == "float16":
        values = np.clip(values, -6e4, 6e4)
    return values


def _levels(plan: ColumnPlan) -> list:
    total = plan.n_levels + plan.n_unused
    if plan.int_levels:
        return [10 * i - 7 for i in range(total)]
    return [f"lv{i}" for i in range(total)]


def _raw_values(plan: ColumnPlan, n: int, rng: np.random.Generator) -> np.ndarray:
    if plan.kind in INT_DTYPES + FLOAT_DTYPES + ("Int64", "Float64"):
        return _numbers(plan, n, rng)
    if plan.kind in ("bool", "boolean"):
        return rng.random(n) < rng.uniform(0.2, 0.8)
    levels = _levels(plan)[: plan.n_levels]
    return np.array(levels, dtype=object)[rng.integers(len(levels), size=n)]


def _shape(values: np.ndarray, plan: ColumnPlan, y: np.ndarray) -> np.ndarray:
    values = values.copy()
    if plan.shape == "constant":
        values[:] = values[0]
    elif plan.shape == "class-constant":
        for label in pd.unique(y):
            in_class = y == label
            values[in_class] = values[np.flatnonzero(in_class)[0]]
    return values


def _as_kind(values: np.ndarray, plan: ColumnPlan) -> pd.Series | np.ndarray:
    kind = plan.kind
    if kind in INT_DTYPES + FLOAT_DTYPES or kind == "bool":
        return values.astype(kind)
    if kind == "Int64":
        return pd.array(values.astype(np.int64), dtype="Int64")
    if kind in ("Float64", "boolean"):
        return pd.array(values, dtype=kind)
    if kind in ("string", "str", "object"):
        return pd.Series(values.astype(str), dtype={"object": object}.get(kind, kind))
    return pd.Categorical(values, categories=_levels(plan), ordered=kind == "ordered")


def build_column(plan, y, rng):
    """A column of ``len(y)`` rows following ``plan``, as a Series."""
    values = _shape(_raw_values(plan, len(y), rng), plan, y)
    column = pd.Series(_as_kind(values, plan))
    if plan.missing_rate > 0 and plan.kind in MISSING_MARKER:
        column = column.copy()
        column[rng.random(len(y)) < plan.missing_rate] = MISSING_MARKER[plan.kind]
    return column


@st.composite
def column_plans(draw, missing: bool = False):
    kind = draw(st.sampled_from(KINDS))
    magnitude = draw(st.sampled_from(list(MAGNITUDES)))
    missing_rate = 0.0
    if missing and kind in MISSING_MARKER:
        missing_rate = draw(st.sampled_from([0.0, 0.1, 0.3, 0.3, 1.0]))
    return ColumnPlan(
        kind=kind,
        shape=draw(st.sampled_from(["random", "random", "constant", "class-constant"])),
        magnitude=magnitude,
        heavy=draw(st.booleans()),
        n_levels=draw(st.integers(1, 5)),
        n_unused=draw(st.integers(0, 2)),
        int_levels=draw(st.booleans()),
        missing_rate=missing_rate,
    )


# -------------------------------------------------------------------- tables
@dataclass
class Case:
    """A drawn table and what it was drawn from."""

    X: pd.DataFrame
    y: object  # ndarray, Series or list
    labels: list
    sizes: list
    plans: list


def _labels(style: str, k: int, offset: int) -> list:
    if style == "int":
        return [offset + i for i in range(k)]
    if style == "str":
        return [f"class {chr(97 + i)}" for i in range(k)]
    if style == "float":
        return [2.0 * i + offset for i in range(k)]
    return [-3 * i + offset for i in range(k)]


@st.composite
def tables(draw, missing: bool = False, max_majority: int = 40, max_columns: int = 6):
    """A mixed DataFrame and labels, with 2 to 4 classes of very unequal sizes."""
    k = draw(st.integers(2, 4))
    majority = draw(st.integers(12, max_majority))
    minority = st.sampled_from([1, 2, 3, 5, 10, 11, 16, 25])
    sizes = [majority] + [min(majority, draw(minority)) for _ in range(k - 1)]
    labels = _labels(
        draw(st.sampled_from(["int", "str", "negative", "float"])),
        k,
        draw(st.integers(-5, 5)),
    )
    plans = draw(st.lists(column_plans(missing), min_size=2, max_size=max_columns))
    seed = draw(st.integers(0, 2**32 - 1))
    duplicates = draw(st.sampled_from([0.0, 0.0, 0.3]))
    index_style = draw(st.sampled_from(["range", "offset", "shuffled"]))
    y_container = draw(st.sampled_from(["ndarray", "series", "list"]))

    rng = np.random.default_rng(seed)
    y = np.repeat(np.array(labels, dtype=object), sizes)
    y = y[rng.permutation(len(y))]
    y = y.astype(type(labels[0]))
    X = pd.DataFrame(
        {f"col{j}_{p.kind}": build_column(p, y, rng) for j, p in enumerate(plans)}
    )
    if duplicates:
        # Some rows become copies of another row of the same class.
        source = np.arange(len(y))
        for i in np.flatnonzero(rng.random(len(y)) < duplicates):
            source[i] = rng.choice(np.flatnonzero(y == y[i]))
        X = X.iloc[source].reset_index(drop=True)
    if index_style == "offset":
        X.index = pd.RangeIndex(1000, 1000 + len(X))
    elif index_style == "shuffled":
        X.index = pd.Index(rng.permutation(len(X)) * 3 + 7)
    y_out = {
        "ndarray": y,
        "series": pd.Series(y, index=X.index, name="target"),
        "list": y.tolist(),
    }[y_container]
    return Case(X, y_out, labels, sizes, plans)


sampler_params = st.fixed_dictionaries(
    {
        "min_class_size": st.sampled_from([2, 3, 5, 10]),
        "small_class": st.sampled_from(["random", "interpolate", "smote", "error"]),
        "numeric_transformer": st.sampled_from(
            [None, "minmax", "standard", "quantile"]
        ),
        "loss": st.sampled_from(["bce", "bce", "wgan-gp"]),
        "n_generators": st.sampled_from([1, 1, 2]),
        "sampling_strategy": st.sampled_from(["auto", "all", "not majority", "dict"]),
        "random_state": st.integers(0, 2**31 - 1),
        # bool / boolean columns numeric (categorical_features lists the others)
        "numeric_bools": st.booleans(),
    }
)


# ---------------------------------------------------------------- invariants
#: Documented user errors: exception type and a regular expression its message
#: must match. Anything else raised by fit_resample is a bug.
DOCUMENTED_ERRORS = [
    (ValueError, r"Class .* has \d+ row\(s\), fewer than min_class_size=\d+"),
]


def _is_numeric_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not (
        pd.api.types.is_bool_dtype(series.dtype)
    )


def _float16_slack(dtype, bound: float) -> float:
    if dtype == np.float16:
        return float(np.spacing(np.float16(abs(bound))))
    return 0.0


def _row_keys(frame: pd.DataFrame) -> set:
    return set(pd.util.hash_pandas_object(frame, index=False).tolist())


def check_resampled(case: Case, X_res, y_res, sampler, missing_model=False):
    """Assert every documented invariant of one fit_resample result."""
    X, y = case.X, case.y
    n = len(X)
    y_arr = np.asarray(y)

    # Container, column order and dtypes.
    assert isinstance(X_res, pd.DataFrame)
    assert list(X_res.columns) == list(X.columns)
    for col in X.columns:
        assert X_res[col].dtype == X[col].dtype, col
    assert isinstance(X_res.index, pd.RangeIndex)
    assert X_res.index.equals(pd.RangeIndex(len(X_res)))

    # y has the input's type; the original labels come first.
    assert type(y_res) is type(y)
    if isinstance(y, pd.Series):
        assert y_res.name == y.name
        assert y_res.dtype == y.dtype
    y_res_arr = np.asarray(y_res)
    assert y_res_arr[:n].tolist() == y_arr.tolist()

    # Original rows first and unchanged.
    pd.testing.assert_frame_equal(
        X_res.iloc[:n], X.reset_index(drop=True), check_exact=True
    )

    # Exactly sampling_strategy_[label] synthetic rows, grouped by class in the
    # order of sampling_strategy_.
    strategy = sampler.sampling_strategy_
    assert len(X_res) == len(y_res_arr) == n + sum(strategy.values())
    expected_order = [lab for lab, k in strategy.items() for _ in range(k)]
    assert y_res_arr[n:].tolist() == expected_order

    synth_all = X_res.iloc[n:]
    for label, k in strategy.items():
        if not k:
            continue
        real = X[y_arr == label]
        synth = synth_all[y_res_arr[n:] == label]
        assert len(synth) == k
        if label not in sampler.generators_ and sampler.small_class == "random":
            # Random oversampling of a small class: exact copies of its rows.
            # (Interpolated rows are held to the class's ranges and categories
            # below, as generated ones are.)
            assert _row_keys(synth) <= _row_keys(real), label
        for col in X.columns:
            _check_column(real[col], synth[col], label, missing_model)


def check_sample(case: Case, sampler, missing_model=False):
    """sample() gives valid rows of the class in the input's format."""
    y_arr = np.asarray(case.y)
    for label in [*sampler.generators_, *sampler._fallback_rows]:
        rows = sampler.sample(3, label)
        assert isinstance(rows, pd.DataFrame) and len(rows) == 3
        assert list(rows.columns) == list(case.X.columns)
        real = case.X[y_arr == label]
        for col in case.X.columns:
            assert rows[col].dtype == case.X[col].dtype, col
            _check_column(real[col], rows[col], label, missing_model)


def _check_column(real: pd.Series, synth: pd.Series, label, missing_model):
    where = f"class {label!r}, column {real.name!r}"
    real_missing = real.isna()
    synth_missing = synth.isna()
    if synth_missing.any():
        assert missing_model, f"missing values generated in {where}"
        assert real_missing.any(), f"missing values in {where} that has none"
        # (How object columns spell a missing value is checked in
        # test_reliability.py::test_object_column_missing_values_stay_none.)
    real, synth = real[~real_missing], synth[~synth_missing]
    if synth.empty:
        return
    assert not real.empty, f"values generated in {where}, which is all missing"
    if _is_numeric_column(real):
        values = synth.to_numpy(dtype=np.float64)
        low = float(real.min())
        high = float(real.max())
        assert np.isfinite(values).all(), where
        assert values.min() >= low - _float16_slack(real.dtype, low), where
        assert values.max() <= high + _float16_slack(real.dtype, high), where
        if pd.api.types.is_integer_dtype(real.dtype):
            # Exactly, in the column's integers (float64 rounds beyond 2**53).
            assert real.min() <= synth.min() and synth.max() <= real.max(), where
    else:
        unseen = set(synth.tolist()) - set(real.tolist())
        assert not unseen, f"{where}: categories {unseen} not seen in the class"


def _small_classes(case: Case, sampler_kwargs: dict) -> list:
    return [
        lab
        for lab, size in zip(case.labels, case.sizes, strict=True)
        if size < sampler_kwargs["min_class_size"]
    ]


def fit_checked(case: Case, params: dict, **extra):
    """fit_resample with FAST settings; check warnings and documented errors.

    Returns ``(sampler, X_res, y_res)``, or ``None`` after a documented error.
    """
    X_before, y_before = case.X.copy(deep=True), _copy(case.y)
    params = dict(params)
    if params.pop("numeric_bools", False):
        # Boolean columns (with or without gaps) become numeric 0/1 columns.
        params["categorical_features"] = [
            c
            for c in case.X.columns
            if not _is_numeric_column(case.X[c])
            and not pd.api.types.is_bool_dtype(case.X[c].dtype)
        ]
    if params["sampling_strategy"] == "dict":
        # Every minority class, each grown by 0 to 30 rows.
        extra_rows = np.random.default_rng(params["random_state"]).integers(0, 31, 4)
        params = {
            **params,
            "sampling_strategy": {
                label: size + int(more)
                for label, size, more in zip(
                    case.labels[1:], case.sizes[1:], extra_rows, strict=False
                )
            },
        }
    sampler = GANOverSampler(**{**FAST, **params, **extra})
    small = _small_classes(case, params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            X_res, y_res = sampler.fit_resample(case.X, case.y)
        except (ValueError, TypeError) as exc:
            message = str(exc)
            assert any(
                isinstance(exc, kind) and re.search(pattern, message)
                for kind, pattern in DOCUMENTED_ERRORS
            ), f"undocumented {type(exc).__name__}: {message}"
            assert params["small_class"] == "error" and small, message
            result = None
        else:
            # Only a small class asked for rows needs a GAN: one asked for 0
            # (a "dict" strategy can) trains nothing, so raises and warns nothing.
            small = [lab for lab in small if sampler.sampling_strategy_.get(lab, 0)]
            assert not (params["small_class"] == "error" and small)
            result = sampler, X_res, y_res
    # The caller's X and y are never modified, whatever happened.
    pd.testing.assert_frame_equal(case.X, X_before, check_exact=True)
    _assert_same_y(case.y, y_before)

    small_warned = [w for w in caught if issubclass(w.category, SmallClassWarning)]
    if result is not None:
        assert len(small_warned) == len(small), [str(w.message) for w in caught]
    unexpected = [
        w
        for w in caught
        if not issubclass(w.category, SmallClassWarning | DeprecationWarning)
    ]
    assert not unexpected, [f"{w.category.__name__}: {w.message}" for w in unexpected]
    return result


def _copy(y):
    return y.copy(deep=True) if isinstance(y, pd.Series) else list(y)


def _assert_same_y(y, y_before):
    if isinstance(y, pd.Series):
        pd.testing.assert_series_equal(y, y_before, check_exact=True)
    else:
        assert list(y) == list(y_before)


# --------------------------------------------------------------------- tests
@_scaled(1.0)
@given(case=tables(), params=sampler_params)
def test_fit_resample_invariants(case, params):
    result = fit_checked(case, params)
    if result is not None:
        check_resampled(case, result[1], result[2], result[0])
        check_sample(case, result[0])


@_scaled(0.4)
@given(case=tables(max_majority=20, max_columns=4), seed=st.integers(0, 2**31 - 1))
def test_same_seed_same_output(case, seed):
    params = {
        "min_class_size": 3,
        "small_class": "random",
        "sampling_strategy": "auto",
        "random_state": seed,
    }
    first = fit_checked(case, params)
    second = fit_checked(case, params)
    pd.testing.assert_frame_equal(first[1], second[1], check_exact=True)
    assert np.asarray(first[2]).tolist() == np.asarray(second[2]).tolist()
    # sample() continues the same reproducible sequence.
    label = next(iter([*first[0].generators_, *first[0]._fallback_rows]), None)
    if label is not None:
        pd.testing.assert_frame_equal(
            first[0].sample(4, label), second[0].sample(4, label), check_exact=True
        )


NUMERIC_ARRAY_DTYPES = (
    "int8",
    "int32",
    "int64",
    "uint16",
    "float16",
    "float32",
    "float64",
)


@_scaled(0.4)
@given(
    dtype=st.sampled_from(NUMERIC_ARRAY_DTYPES),
    n_columns=st.integers(1, 4),
    sizes=st.lists(st.sampled_from([2, 3, 5, 12, 20]), min_size=1, max_size=3),
    magnitude=st.sampled_from(list(MAGNITUDES)),
    heavy=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_numpy_array_invariants(dtype, n_columns, sizes, magnitude, heavy, seed):
    rng = np.random.default_rng(seed)
    sizes = [30, *sizes]
    y = np.repeat(np.arange(len(sizes)), sizes)
    plan = ColumnPlan(dtype, "random", magnitude, heavy, 1, 0, False, 0.0)
    X = np.column_stack(
        [_as_kind(_raw_values(plan, len(y), rng), plan) for _ in range(n_columns)]
    )
    X_before = X.copy()
    sampler = GANOverSampler(min_class_size=3, random_state=seed % 1000, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallClassWarning)
        X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X, X_before)
    assert isinstance(X_res, np.ndarray) and X_res.dtype == X.dtype
    np.testing.assert_array_equal(X_res[: len(X)], X)
    assert Counter(y_res[len(X) :].tolist()) == {
        k: v for k, v in sampler.sampling_strategy_.items() if v
    }
    for label in sampler.sampling_strategy_:
        real = X[y == label]
        synth = X_res[len(X) :][y_res[len(X) :] == label]
        if not len(synth):
            continue
        if X.dtype.kind in "iu":  # exact integer bounds
            assert (synth >= real.min(axis=0)).all()
            assert (synth <= real.max(axis=0)).all()
            continue
        real, synth = real.astype(np.float64), synth.astype(np.float64)
        assert np.isfinite(synth).all()
        bound = np.maximum(np.abs(real.min(axis=0)), np.abs(real.max(axis=0)))
        slack = np.array([_float16_slack(X.dtype, b) for b in bound])
        assert (synth >= real.min(axis=0) - slack).all()
        assert (synth <= real.max(axis=0) + slack).all()


@_scaled(0.6)
@given(case=tables(missing=True), params=sampler_params)
def test_missing_model_invariants(case, params):
    result = fit_checked(case, params, missing="model")
    if result is not None:
        check_resampled(case, result[1], result[2], result[0], missing_model=True)
        check_sample(case, result[0], missing_model=True)


@_scaled(0.4)
@given(case=tables(missing=True, max_majority=20, max_columns=4))
def test_missing_error_policy_rejects_missing_values(case):
    """With the default missing="error", any gap is a clear ValueError."""
    has_missing = case.X.isna().to_numpy().any()
    params = {"min_class_size": 2, "small_class": "random", "random_state": 0}
    sampler = GANOverSampler(**{**FAST, **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallClassWarning)
        if has_missing:
            with pytest.raises(ValueError, match=r"missing values \(NaN/None\)"):
                sampler.fit_resample(case.X, case.y)
        else:
            sampler.fit_resample(case.X, case.y)


@pytest.mark.slow
@settings(PROFILE, max_examples=max(100, PROFILE.max_examples))
@given(
    case=tables(missing=True, max_majority=150, max_columns=8),
    params=sampler_params,
    model_missing=st.booleans(),
)
def test_fit_resample_invariants_extended(case, params, model_missing):
    """Larger tables, more columns and both missing-value policies."""
    has_missing = case.X.isna().to_numpy().any()
    if not model_missing:
        if has_missing:
            params = {**params, "sampling_strategy": "auto"}
            del params["numeric_bools"]
            with pytest.raises(ValueError, match="missing values"):
                GANOverSampler(**{**FAST, **params}).fit_resample(case.X, case.y)
            return
        result = fit_checked(case, params)
    else:
        result = fit_checked(case, params, missing="model")
    if result is not None:
        check_resampled(
            case, result[1], result[2], result[0], missing_model=model_missing
        )
        check_sample(case, result[0], missing_model=model_missing)
