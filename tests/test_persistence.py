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


@pytest.fixture
def fitted_single(mixed, fast):
    """As ``fitted``, with one generator per class and no marginal map, as
    files before format 4."""
    X, y = mixed
    X = X.copy()
    X.loc[X.index[:4], "salary"] = np.nan
    sampler = GANOverSampler(
        missing="model",
        n_generators=1,
        match_marginals=False,
        random_state=0,
        **fast,
    )
    sampler.fit_resample(X, y)
    return sampler, X


@pytest.mark.parametrize("transformer", ["minmax", "standard", "quantile"])
def test_save_load_samples_identically(tmp_path, mixed, fast, transformer):
    X, y = mixed
    sampler = GANOverSampler(numeric_transformer=transformer, random_state=0, **fast)
    sampler.fit_resample(X, y)
    sampler.sample(3, "rare")  # saved mid-sequence: load() resumes from there
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


@pytest.mark.parametrize("small_class", ["random", "interpolate", "smote"])
def test_small_class_and_numpy_round_trip(tmp_path, fast, small_class):
    X = np.random.default_rng(0).normal(size=(60, 3)).astype(np.float32)
    y = np.array([0] * 55 + [1] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = GANOverSampler(small_class=small_class, random_state=0, **fast)
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


def _as_format_4(payload: dict) -> None:
    """Drop what format 5 added: the match_marginals parameter and the maps."""
    assert not any("marginal_map" in entry for entry in payload["classes"])
    payload["format_version"] = 4
    del payload["params"]["match_marginals"]


def _as_format_3(payload: dict) -> None:
    """Drop what formats 4 and 5 added: n_generators (and match_marginals)."""
    _as_format_4(payload)
    assert not any("members" in entry for entry in payload["classes"])
    payload["format_version"] = 3
    del payload["params"]["n_generators"]


def _as_format_2(payload: dict) -> None:
    """Drop what formats 3 and 4 added: dtypes of categories and fallback rows."""
    _as_format_3(payload)
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


def test_maps_are_saved_and_used_after_loading(tmp_path, fitted):
    sampler, _ = fitted
    assert set(sampler._marginal_maps) == set(sampler.generators_)
    sampler.save(tmp_path / "s.pt")
    loaded = GANOverSampler.load(tmp_path / "s.pt")
    assert set(loaded._marginal_maps) == set(sampler._marginal_maps)
    pd.testing.assert_frame_equal(
        loaded.sample(50, "rare", random_state=3),
        sampler.sample(50, "rare", random_state=3),
    )


def test_format_4_files_load_without_marginal_maps(tmp_path, mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(match_marginals=False, random_state=0, **fast)
    sampler.fit_resample(X, y)
    loaded = GANOverSampler.load(_saved_as(sampler, tmp_path / "s.pt", _as_format_4))
    assert loaded.match_marginals is False
    assert loaded._marginal_maps == {}
    assert loaded.get_params() == sampler.get_params()
    pd.testing.assert_frame_equal(
        loaded.sample(30, "rare", random_state=0),
        sampler.sample(30, "rare", random_state=0),
    )


def test_format_3_files_load_with_one_generator(tmp_path, fitted_single):
    sampler, _ = fitted_single
    loaded = GANOverSampler.load(_saved_as(sampler, tmp_path / "s.pt", _as_format_3))
    assert loaded.n_generators == 1
    assert loaded.get_params() == sampler.get_params()
    pd.testing.assert_frame_equal(
        loaded.sample(30, "rare", random_state=0),
        sampler.sample(30, "rare", random_state=0),
    )


def test_format_2_files_still_load(tmp_path, fitted_single):
    # Format 2 had neither the categories' dtype nor the fallback rows' dtypes:
    # such files load as before (categories and values inferred).
    sampler, _ = fitted_single
    loaded = GANOverSampler.load(_saved_as(sampler, tmp_path / "s.pt", _as_format_2))
    # This table's categories are strings, which the old behaviour restores.
    pd.testing.assert_frame_equal(loaded.sample(30, "rare"), sampler.sample(30, "rare"))


def test_format_2_fallback_rows_load_as_floats(tmp_path, fast):
    X = pd.DataFrame({"a": np.arange(60.0), "k": np.arange(60), "t": ["p", "q"] * 30})
    y = np.array([0] * 55 + [1] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = GANOverSampler(
            n_generators=1, small_class="random", random_state=0, **fast
        )
        sampler.fit_resample(X, y)
    loaded = GANOverSampler.load(_saved_as(sampler, tmp_path / "s.pt", _as_format_2))
    assert loaded._fallback_rows[1]["c1"].dtype == np.float64
    pd.testing.assert_frame_equal(loaded.sample(8, 1), sampler.sample(8, 1))


def _types(value):
    """The exact type of ``value`` and of everything in its dicts, lists, tuples."""
    yield type(value)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _types(key)
            yield from _types(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _types(item)


def test_numpy_typed_params_round_trip(tmp_path, mixed):
    # Values from parameter grids (np.logspace, np.arange, list(np.array(...)))
    # are NumPy scalars and arrays: the file must load, and they must come back
    # as the equal Python values, not as the defaults.
    X, y = mixed
    params = {
        "sampling_strategy": np.float64(1.0),
        "categorical_features": list(np.array(["subject", "degree", "city"])),
        "latent_dim": np.int64(8),
        "generator_hidden": list(np.array([16, 16])),
        "discriminator_hidden": (np.int64(16),),
        "epochs": np.int64(3),
        "batch_size": np.arange(16, 64, 16)[1],  # np.int64(32), kept by history_
        "learning_rate": np.logspace(-4, -2, 3)[1],
        "early_stopping": np.bool_(False),
        "min_class_size": np.int64(10),
        "small_class": np.str_("random"),
        "device": "cpu",
        "random_state": np.int64(0),
    }
    sampler = GANOverSampler(**params)
    sampler.fit_resample(X, y)
    path = tmp_path / "s.pt"
    sampler.save(path)
    plain = {dict, list, tuple, str, int, float, bool, type(None), torch.Tensor}
    assert set(_types(torch.load(path, weights_only=True))) <= plain
    loaded = GANOverSampler.load(path)

    restored = loaded.get_params()
    assert restored == sampler.get_params()  # np.int64(3) == 3, and so on
    for key in ("epochs", "batch_size", "random_state", "latent_dim"):
        assert type(restored[key]) is int
    assert type(restored["learning_rate"]) is float
    assert type(restored["early_stopping"]) is bool
    assert [type(c) for c in restored["categorical_features"]] == [str] * 3
    assert restored["generator_hidden"] == [16, 16]
    assert restored["discriminator_hidden"] == (16,)

    assert loaded.history_["rare"].batch_size == 32
    for _ in range(2):  # successive calls stay in step
        pd.testing.assert_frame_equal(
            loaded.sample(20, "rare"), sampler.sample(20, "rare")
        )
    # A refit of the loaded sampler trains as the original does.
    X_loaded, _ = loaded.fit_resample(X, y)
    X_saved, _ = GANOverSampler(**params).fit_resample(X, y)
    pd.testing.assert_frame_equal(X_loaded, X_saved)


def test_numpy_array_params_keep_their_meaning(tmp_path, fast):
    # categorical_features as an array of indices and a dict of NumPy labels
    # and counts: were reset to 'auto' and lost, so a refit treated the integer
    # codes of column 1 as numbers.
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=80), rng.integers(0, 3, 80)]
    y = np.array([0] * 60 + [1] * 20)
    params = {
        **fast,
        "categorical_features": np.array([1]),
        "sampling_strategy": {np.int64(1): np.int64(50)},
        "random_state": np.int64(0),
    }
    sampler = GANOverSampler(**params)
    sampler.fit_resample(X, y)
    loaded = _save_and_load(sampler, tmp_path / "s.pt")
    restored = loaded.get_params()
    assert restored["categorical_features"] == [1]
    assert restored["sampling_strategy"] == {1: 50}
    assert restored["random_state"] == 0
    np.testing.assert_array_equal(loaded.sample(10, 1), sampler.sample(10, 1))
    X_new, _ = loaded.fit_resample(X, y)
    assert set(X_new[80:, 1]) <= {0.0, 1.0, 2.0}  # still categorical codes
    np.testing.assert_array_equal(X_new, GANOverSampler(**params).fit_resample(X, y)[0])


def test_unstorable_params_load_as_defaults(tmp_path, mixed, fast):
    X, y = mixed
    sampler = GANOverSampler(
        random_state=np.random.RandomState(0),
        sampling_strategy=lambda y: {"rare": int((y == "rare").sum()) + 10},
        **fast,
    )
    sampler.fit_resample(X, y)
    loaded = _save_and_load(sampler, tmp_path / "s.pt")
    assert loaded.random_state is None
    assert loaded.sampling_strategy == "auto"
    assert loaded.epochs == fast["epochs"]
    pd.testing.assert_frame_equal(loaded.sample(10, "rare"), sampler.sample(10, "rare"))


def _drop_profile_center(payload):
    del next(c for c in payload["classes"] if "profile" in c)["profile"]["center"]


def _misplace_marginal_map(payload):
    entry = next(c for c in payload["classes"] if "marginal_map" in c)
    entry["marginal_map"]["columns"] = entry["marginal_map"]["columns"] + 100


def _shrink_marginal_map(payload):
    entry = next(c for c in payload["classes"] if "marginal_map" in c)
    entry["marginal_map"]["source"] = entry["marginal_map"]["source"][:10]


def _widen_generator(payload):
    entry = next(c for c in payload["classes"] if "profile" in c)
    spec = entry["members"][0] if "members" in entry else entry
    spec["generator"]["hidden"] = [7]


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: p.pop("encoder"),
        lambda p: p.pop("classes"),
        lambda p: p["params"].update(bogus=1),
        lambda p: p.update(params=[1, 2]),
        lambda p: p.update(sample_seed="seven"),
        lambda p: p.update(label_dtype="not a dtype"),
        lambda p: p["encoder"]["schema"]["columns"][0].update(
            dtype={"name": "no such dtype"}
        ),
        lambda p: p["encoder"].update(spans=[[0, 1]]),
        _drop_profile_center,
        _widen_generator,
        _misplace_marginal_map,
        _shrink_marginal_map,
    ],
    ids=[
        "no-encoder",
        "no-classes",
        "unknown-param",
        "params-not-dict",
        "seed-not-int",
        "bad-label-dtype",
        "bad-column-dtype",
        "bad-span",
        "no-profile-field",
        "weights-do-not-fit",
        "map-on-unmapped-columns",
        "map-quantiles-cut",
    ],
)
def test_damaged_files_are_refused(tmp_path, fitted, edit):
    sampler, _ = fitted
    path = _saved_as(sampler, tmp_path / "s.pt", edit)
    with pytest.raises(ValueError, match="damaged or was not written by this") as info:
        GANOverSampler.load(path)
    assert info.value.__cause__ is not None  # the original error stays visible


def test_missing_file_is_not_reported_as_damaged(tmp_path):
    with pytest.raises(FileNotFoundError):
        GANOverSampler.load(tmp_path / "missing.pt")


def test_state_dict_round_trip_without_a_file(fitted):
    sampler, _ = fitted
    state = sampler.state_dict()
    restored = GANOverSampler.from_state(state)
    pd.testing.assert_frame_equal(restored.sample(6, "rare"), sampler.sample(6, "rare"))
    assert restored.history_["rare"].n_steps == sampler.history_["rare"].n_steps


def test_state_dict_holds_only_what_weights_only_loading_reads(fitted, tmp_path):
    sampler, _ = fitted
    path = tmp_path / "state.pt"
    torch.save(sampler.state_dict(), path)
    state = torch.load(path, weights_only=True)
    restored = GANOverSampler.from_state(state)
    pd.testing.assert_frame_equal(
        restored.sample(4, "rare", random_state=1),
        sampler.sample(4, "rare", random_state=1),
    )


def test_restored_encoder_decodes_but_refuses_to_encode(fitted):
    from gan_oversampler._validation import inspect_table

    sampler, X = fitted
    restored = GANOverSampler.from_state(sampler.state_dict())
    _, frame = inspect_table(X, sampler.categorical_features, "model")
    with pytest.raises(RuntimeError, match="fit a new encoder to encode rows"):
        restored.encoder_.fit_class(frame)
    with pytest.raises(RuntimeError, match=r"restored by TabularEncoder\.from_state"):
        restored.encoder_.transform(frame, restored._profiles["rare"])
    # The live encoder encodes the same frame, so the refusal is the restore's.
    assert sampler.encoder_.transform(frame, sampler._profiles["rare"]).shape[0] == len(
        X
    )
