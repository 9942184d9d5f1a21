"""Reliability: determinism across processes and threads, tiny classes, every
dtype at once, misuse of the API, and fitted samplers that survive joblib.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import subprocess
import sys
import textwrap
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from _helpers import FAST, make_mixed
from test_properties import Case, check_resampled

from gan_oversampler import GANOverSampler, SmallClassWarning

TESTS = Path(__file__).resolve().parent


def digest(X_res, y_res, *more) -> str:
    """A hash of resampled data that changes with any value, dtype or order."""
    h = hashlib.sha256()
    for part in (X_res, y_res, *more):
        if isinstance(part, pd.DataFrame | pd.Series):
            h.update(part.to_csv().encode())
            h.update(repr(part.dtypes if part.ndim == 2 else part.dtype).encode())
        h.update(np.asarray(part).astype(str).tobytes())
    return h.hexdigest()


def gappy_mixed(seed: int = 0):
    """make_mixed() with gaps in three columns and a tiny third class."""
    X, y = make_mixed(n=160, seed=seed)
    X = X.astype({"degree": object})
    rows = X.index[::9]
    X.loc[rows, "salary"] = np.nan
    X.loc[X.index[::11], "degree"] = None
    X.loc[X.index[::13], "city"] = pd.NA
    y = y.copy()
    y.iloc[:4] = "tiny"
    return X, y


# ---------------------------------------------------------------- processes
def _script(body: str) -> str:
    """A standalone script: this module's helpers, then ``body``.

    It does not import this module, so a fresh interpreter only loads what the
    sampler needs.
    """
    header = textwrap.dedent(
        f"""
        import hashlib, sys, warnings
        sys.path.insert(0, {str(TESTS)!r})
        import numpy as np
        import pandas as pd
        import torch
        torch.set_num_threads(1)
        from _helpers import FAST, make_mixed
        from gan_oversampler import GANOverSampler
        warnings.simplefilter("ignore")
        """
    )
    helpers = inspect.getsource(digest) + inspect.getsource(gappy_mixed)
    return header + helpers + textwrap.dedent(body)


_DETERMINISM = """
    X, y = make_mixed()
    sampler = GANOverSampler(random_state=0, **FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    print(digest(X_res, y_res, sampler.sample(5, "rare")))
    X, y = gappy_mixed()
    sampler = GANOverSampler(missing="model", random_state=0, **FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    print(digest(X_res, y_res, sampler.sample(5, "rare"), sampler.sample(3, "tiny")))
"""


def _start_python(code: str, hash_seed: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONHASHSEED": hash_seed,
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _output(process: subprocess.Popen) -> str:
    try:
        out, err = process.communicate(timeout=300)
    finally:
        process.kill()
    assert process.returncode == 0, err[-3000:]
    return out


def test_same_output_in_separate_processes():
    """Two fresh interpreters (with different string hash seeds) agree byte for
    byte with each other and with this process."""
    code = _script(_DETERMINISM)
    processes = [_start_python(code, hash_seed=seed) for seed in ("1", "2")]
    try:
        first, second = (_output(p) for p in processes)
    finally:
        for process in processes:
            process.kill()
    assert len(first.split()) == 2
    assert first == second

    X, y = make_mixed()
    sampler = GANOverSampler(random_state=0, **FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    here = [digest(X_res, y_res, sampler.sample(5, "rare"))]
    X, y = gappy_mixed()
    sampler = GANOverSampler(missing="model", random_state=0, **FAST)
    with pytest.warns(SmallClassWarning):
        X_res, y_res = sampler.fit_resample(X, y)
    here.append(
        digest(X_res, y_res, sampler.sample(5, "rare"), sampler.sample(3, "tiny"))
    )
    assert first.split() == here


def test_joblib_file_samples_the_same_in_another_process(tmp_path):
    """A sampler dumped here and loaded elsewhere continues the same draws."""
    X, y = gappy_mixed(seed=3)
    sampler = GANOverSampler(missing="model", random_state=1, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallClassWarning)
        sampler.fit_resample(X, y)
    sampler.sample(2, "rare")  # the dumped state is mid-sequence
    path = tmp_path / "sampler.joblib"
    joblib.dump(sampler, path, compress=3)
    code = _script(
        f"""
        import joblib
        loaded = joblib.load({str(path)!r})
        print(digest(loaded.sample(6, "rare"), loaded.sample(3, "tiny")))
        """
    )
    there = _output(_start_python(code, hash_seed="3")).strip()
    assert there == digest(sampler.sample(6, "rare"), sampler.sample(3, "tiny"))


# ------------------------------------------------------------------ threads
def _fit(job):
    X, y, params = job
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallClassWarning)
        sampler = GANOverSampler(**{**FAST, **params})
        X_res, y_res = sampler.fit_resample(X, y)
        return X_res, y_res, sampler.sample(7, "rare")


# warnings.catch_warnings is not thread-safe: threads entering and leaving it
# concurrently can restore the filters out of order, so the test filters too.
@pytest.mark.filterwarnings("ignore::gan_oversampler.SmallClassWarning")
def test_concurrent_fits_match_sequential_fits():
    jobs = [
        (*make_mixed(seed=0), {"random_state": 0}),
        (*make_mixed(seed=1), {"random_state": 1, "loss": "wgan-gp"}),
        (*gappy_mixed(seed=2), {"random_state": 2, "missing": "model"}),
        (*make_mixed(seed=3), {"random_state": 3, "numeric_transformer": "quantile"}),
    ]
    sequential = [_fit(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(_fit, jobs))
    for (X_a, y_a, s_a), (X_b, y_b, s_b) in zip(sequential, concurrent, strict=True):
        pd.testing.assert_frame_equal(X_a, X_b, check_exact=True)
        pd.testing.assert_series_equal(y_a, y_b, check_exact=True)
        pd.testing.assert_frame_equal(s_a, s_b, check_exact=True)


# ------------------------------------------------------------- tiny classes
def _tiny_table(size: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = 40 + size
    y = np.array(["big"] * 40 + ["small"] * size)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n) * 1e9,
            "k": rng.integers(-5, 5, n).astype(np.int16),
            "c": pd.Categorical(rng.choice(["u", "v"], n), categories=["u", "v", "w"]),
            "s": pd.array(rng.choice(["p", "q"], n), dtype="string"),
        }
    )
    return X, y


@pytest.mark.parametrize("loss", ["bce", "wgan-gp"])
@pytest.mark.parametrize("min_class_size", [2, 10])
@pytest.mark.parametrize("policy", ["random", "interpolate", "smote", "error"])
@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_tiny_classes(size, policy, min_class_size, loss):
    X, y = _tiny_table(size)
    sampler = GANOverSampler(
        small_class=policy,
        min_class_size=min_class_size,
        loss=loss,
        random_state=0,
        **FAST,
    )
    too_small = size < min_class_size
    if too_small and policy == "error":
        with pytest.raises(ValueError, match=rf"'small' has {size} row\(s\)"):
            sampler.fit_resample(X, y)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X_res, y_res = sampler.fit_resample(X, y)
    small_warnings = [w for w in caught if w.category is SmallClassWarning]
    assert len(small_warnings) == int(too_small)
    assert not [w for w in caught if w.category is not SmallClassWarning]
    assert ("small" in sampler.generators_) == (not too_small)
    check_resampled(Case(X, y, ["big", "small"], [40, size], []), X_res, y_res, sampler)
    assert not X_res.isna().any().any()
    if not too_small:
        history = sampler.history_["small"]
        assert np.isfinite(history.generator_loss).all()
        assert np.isfinite(history.discriminator_loss).all()
    more = sampler.sample(25, "small")
    assert len(more) == 25 and not more.isna().any().any()
    small = X[y == "small"]
    assert more["x"].between(small["x"].min(), small["x"].max()).all()


def test_several_tiny_classes_at_once():
    rng = np.random.default_rng(5)
    sizes = {"a": 40, "b": 1, "c": 2, "d": 3, "e": 5}
    y = np.repeat(list(sizes), list(sizes.values()))
    n = len(y)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "o": pd.Series(rng.choice(["m", "n"], n), dtype=object),
        }
    )
    sampler = GANOverSampler(min_class_size=3, random_state=0, **FAST)
    with pytest.warns(SmallClassWarning) as record:
        X_res, y_res = sampler.fit_resample(X, y)
    assert sorted(str(w.message)[:9] for w in record) == ["Class 'b'", "Class 'c'"]
    assert set(sampler.generators_) == {"d", "e"}
    check_resampled(
        Case(X, y, list(sizes), list(sizes.values()), []), X_res, y_res, sampler
    )


# ------------------------------------------------------------- column zoo
def column_zoo(n: int = 90, seed: int = 0, gaps: bool = False):
    """Every supported column dtype, with constant and extreme columns."""
    rng = np.random.default_rng(seed)
    y = np.array(["maj"] * (n - 30) + ["mid"] * 20 + ["min"] * 10)
    ints = rng.integers(0, 100, n)
    words = rng.choice(["alpha", "beta", "gamma"], n)
    cols = {
        **{f"{d}": ints.astype(d) for d in ("int8", "int16", "int32", "int64")},
        **{f"{d}": ints.astype(d) for d in ("uint8", "uint16", "uint32", "uint64")},
        "float16": rng.normal(size=n).astype(np.float16),
        "float32": (rng.standard_cauchy(n) * 1e9).astype(np.float32),
        "float64": rng.lognormal(size=n) * 1e-9,
        "Int64": pd.array(ints - 50, dtype="Int64"),
        "Float64": pd.array(rng.normal(size=n) * 1e9, dtype="Float64"),
        "boolean": pd.array(rng.random(n) < 0.3, dtype="boolean"),
        "string": pd.array(words, dtype="string"),
        "str": pd.Series(words, dtype="str"),
        "category": pd.Categorical(
            words, categories=["alpha", "beta", "gamma", "zeta"]
        ),
        "ordered": pd.Categorical(
            rng.choice([3, 1, 2], n), categories=[3, 2, 1, 0], ordered=True
        ),
        "object": pd.Series(words, dtype=object),
        "bool": rng.random(n) < 0.5,
        "constant": np.full(n, 7.5),
        "per_class": np.select([y == "maj", y == "mid"], [1, 2], 3).astype(np.int32),
    }
    X = pd.DataFrame(cols).set_axis(pd.RangeIndex(500, 500 + n))
    if gaps:
        for name in ("float16", "float32", "float64"):
            X.loc[X.index[rng.random(n) < 0.2], name] = np.nan
        for name in ("Int64", "Float64", "boolean", "string"):
            X.loc[X.index[rng.random(n) < 0.2], name] = pd.NA
        for name in ("str", "category", "ordered", "object"):
            X.loc[X.index[rng.random(n) < 0.2], name] = None
    return X, pd.Series(y, index=X.index, name="label")


@pytest.mark.parametrize("missing", ["error", "model"])
def test_column_zoo_round_trip(missing):
    X, y = column_zoo(gaps=missing == "model")
    before = X.copy(deep=True)
    sampler = GANOverSampler(
        missing=missing, sampling_strategy="all", random_state=0, **FAST
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X_res, y_res = sampler.fit_resample(X, y)
    pd.testing.assert_frame_equal(X, before, check_exact=True)
    check_resampled(
        Case(X, y, ["maj", "mid", "min"], [60, 20, 10], []),
        X_res,
        y_res,
        sampler,
        missing_model=missing == "model",
    )
    more = sampler.sample(15, "min")
    assert list(more.columns) == list(X.columns)
    assert more.dtypes.to_dict() == X.dtypes.to_dict()
    assert (more["per_class"] == 3).all()
    assert (more["constant"] == 7.5).all()


# ------------------------------------------------------------------- misuse
@pytest.fixture(scope="module")
def fitted():
    X, y = make_mixed(n=120, seed=4)
    sampler = GANOverSampler(random_state=0, **FAST)
    sampler.fit_resample(X, y)
    return sampler


def test_fit_trains_as_fit_resample_does():
    X, y = make_mixed(n=60)
    after_fit = GANOverSampler(random_state=0, **FAST).fit(X, y)
    after_resample = GANOverSampler(random_state=0, **FAST)
    after_resample.fit_resample(X, y)
    pd.testing.assert_frame_equal(
        after_fit.sample(5, "rare"), after_resample.sample(5, "rare")
    )


def test_fit_on_new_data_replaces_the_model():
    X, y = make_mixed(n=60)
    sampler = GANOverSampler(random_state=0, **FAST).fit(X, y)
    rng = np.random.default_rng(0)
    X_new = rng.normal(size=(60, 5))
    y_new = np.array(["a"] * 40 + ["b"] * 20)
    sampler.fit(X_new, y_new)
    assert sampler.sample(3, "b").shape == (3, 5)
    with pytest.raises(ValueError, match="Cannot sample class 'rare'"):
        sampler.sample(3, "rare")


@pytest.mark.parametrize("label", ["nope", "Rare", 1, None, ("rare",)])
def test_sample_unknown_label(fitted, label):
    with pytest.raises(
        ValueError, match=r"Cannot sample class .* can be sampled: 'rare'\.$"
    ):
        fitted.sample(3, label)


@pytest.mark.parametrize("n_samples", [0, -1, 3.0, np.float64(3), None, "3", False])
def test_sample_bad_n_samples(fitted, n_samples):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        fitted.sample(n_samples, "rare")


@pytest.mark.parametrize("n_samples", [1, np.int64(4), np.uint8(2)])
def test_sample_accepts_numpy_integers(fitted, n_samples):
    rows = fitted.sample(n_samples, "rare")
    assert len(rows) == int(n_samples)


def test_failed_sample_call_does_not_advance_the_sequence():
    X, y = make_mixed(n=120, seed=4)
    a = GANOverSampler(random_state=0, **FAST)
    b = GANOverSampler(random_state=0, **FAST)
    a.fit_resample(X, y)
    b.fit_resample(X, y)
    with pytest.raises(ValueError):
        a.sample(0, "rare")
    with pytest.raises(ValueError):
        a.sample(3, "common")
    pd.testing.assert_frame_equal(a.sample(5, "rare"), b.sample(5, "rare"))


# ------------------------------------------------------------------- joblib
def test_joblib_round_trip_of_a_multiclass_sampler(tmp_path):
    X, y = column_zoo(seed=1, gaps=True)
    y = y.copy()
    y.iloc[:3] = "few"  # a random-oversampled class travels too
    sampler = GANOverSampler(missing="model", random_state=0, **FAST)
    with pytest.warns(SmallClassWarning):
        sampler.fit_resample(X, y)
    path = tmp_path / "zoo.joblib"
    joblib.dump(sampler, path)
    loaded = joblib.load(path)
    assert loaded.get_params() == sampler.get_params()
    for label in ("mid", "min", "few"):
        rows = loaded.sample(11, label)
        assert rows.dtypes.to_dict() == X.dtypes.to_dict()
        pd.testing.assert_frame_equal(rows, sampler.sample(11, label), check_exact=True)
    # The loaded estimator is still an estimator: refitting gives what a fresh
    # one gives.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallClassWarning)
        refit = loaded.fit_resample(X, y)
        fresh = GANOverSampler(missing="model", random_state=0, **FAST).fit_resample(
            X, y
        )
    pd.testing.assert_frame_equal(refit[0], fresh[0], check_exact=True)


# ------------------------------------------------- regressions (fixed bugs)
def test_int64_beyond_float_precision():
    """2**53 + 1 is not a float64: it used to come back as 2**53."""
    X = pd.DataFrame(
        {"big": np.full(40, 2**53 + 1, dtype=np.int64), "x": np.arange(40.0)}
    )
    y = np.array([0] * 30 + [1] * 10)
    X_res, _ = GANOverSampler(random_state=0, **FAST).fit_resample(X, y)
    assert (X_res["big"] == 2**53 + 1).all()


@pytest.mark.parametrize("dtype", ["int64", "uint64", "Int64"])
@pytest.mark.parametrize("end", ["max", "min"])
def test_integers_at_the_dtype_limit(dtype, end):
    """Values at the limits used to wrap around (int64 max -> min, uint64 max
    -> 0), and nullable Int64 raised pandas' 'cannot safely cast' TypeError."""
    info = np.iinfo(dtype.lower())
    limit, step = (int(info.max), -1) if end == "max" else (int(info.min), 1)
    values = [limit + step * k for k in range(0, 400, 10)]
    X = pd.DataFrame({"v": pd.array(values, dtype=dtype), "x": np.arange(40.0)})
    y = np.array([0] * 30 + [1] * 10)
    sampler = GANOverSampler(random_state=0, **FAST)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res["v"].dtype == X["v"].dtype
    for rows in (X_res["v"].iloc[40:], sampler.sample(50, 1)["v"]):
        real = X["v"].iloc[30:]
        assert real.min() <= rows.min() and rows.max() <= real.max()


def test_object_column_missing_values_stay_none():
    """Synthetic gaps in an object column used to be NaN, not None."""
    X = pd.DataFrame(
        {
            "o": pd.Series(["a", None] * 20, dtype=object),
            "x": np.arange(40.0),
        }
    )
    y = np.array([0] * 30 + [1] * 10)
    X_res, _ = GANOverSampler(
        missing="model", sampling_strategy={1: 200}, random_state=0, **FAST
    ).fit_resample(X, y)
    gaps = X_res["o"].iloc[40:]
    gaps = gaps[gaps.isna()]
    assert len(gaps) > 0
    assert all(v is None for v in gaps)


def test_sample_keeps_object_dtype():
    """sample() used to return pandas' str dtype for an object column."""
    X = pd.DataFrame(
        {"o": pd.Series(["a", "b"] * 20, dtype=object), "x": np.arange(40.0)}
    )
    y = np.array([0] * 30 + [1] * 10)
    sampler = GANOverSampler(random_state=0, **FAST)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res["o"].dtype == object
    assert sampler.sample(3, 1)["o"].dtype == object


# ------------------------------------------------------------------- open bugs
@pytest.mark.parametrize("min_class_size", [10, 20], ids=["gan", "random"])
def test_numeric_boolean_gaps_stay_missing(min_class_size):
    b = pd.array([True, False] * 15 + [False, None] * 5, dtype="boolean")
    X = pd.DataFrame({"b": b, "x": np.arange(40.0)})
    y = np.array([0] * 30 + [1] * 10)  # class 1: only False and gaps
    sampler = GANOverSampler(
        categorical_features=None,  # "b" is numeric
        missing="model",
        min_class_size=min_class_size,
        sampling_strategy={1: 110},
        random_state=0,
        **FAST,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallClassWarning)
        X_res, _ = sampler.fit_resample(X, y)
    synth = X_res["b"].iloc[40:]
    assert not synth.fillna(False).any()  # never True
    assert synth.isna().any()


@pytest.mark.parametrize("min_class_size", [10, 20], ids=["gan", "random"])
@pytest.mark.parametrize("top", [2**53 + 1, 2**63 - 1], ids=["2**53+1", "2**63-1"])
def test_nullable_int64_with_gaps_beyond_float_precision(top, min_class_size):
    values = [top] * 39 + [None]
    X = pd.DataFrame({"v": pd.array(values, dtype="Int64"), "x": np.arange(40.0)})
    y = np.array([0] * 30 + [1] * 10)
    sampler = GANOverSampler(
        missing="model", min_class_size=min_class_size, random_state=0, **FAST
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallClassWarning)
        X_res, _ = sampler.fit_resample(X, y)
    real, synth = X["v"].iloc[30:].dropna(), X_res["v"].iloc[40:].dropna()
    assert real.min() <= synth.min() and synth.max() <= real.max()
