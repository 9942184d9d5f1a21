"""Known-answer tests for gan_oversampler.metrics."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold

from gan_oversampler.metrics import (
    detectability_auc,
    distance_to_closest_record,
    ks_statistic,
    marginal_fidelity,
    quality_report,
    total_variation_distance,
)

FAST_RF = RandomForestClassifier(n_estimators=25, random_state=0)


def _mixed(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(loc=shift, size=n),
            "k": rng.integers(0, 50, size=n),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], size=n)),
            "flag": rng.random(n) < 0.3,
        }
    )


# --------------------------------------------------------------------- KS / TV


def test_ks_known_values():
    assert ks_statistic([1, 2, 3, 4], [3, 4, 5, 6]) == pytest.approx(0.5)
    assert ks_statistic([1, 2], [5, 6]) == 1.0
    assert ks_statistic([1, 2, 3], [3, 2, 1]) == 0.0
    # Ties: ECDFs at 1 are 2/3 and 1/3.
    assert ks_statistic([1, 1, 2], [1, 2, 2]) == pytest.approx(1 / 3)
    # Different sizes: at 1 the ECDFs are 1/2 and 0, at 2 they are 1 and 1/3.
    assert ks_statistic([1, 2], [2, 3, 4]) == pytest.approx(2 / 3)
    # NaN is ignored.
    assert ks_statistic([1, np.nan, 2], [1, 2]) == 0.0


def test_ks_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    a = rng.normal(size=57)
    b = rng.normal(0.4, 1.3, size=31).round(1)
    expected = stats.ks_2samp(a, b).statistic
    assert ks_statistic(a, b) == pytest.approx(expected, abs=1e-12)


def test_tv_known_values():
    assert total_variation_distance(list("aabb"), list("abbb")) == pytest.approx(0.25)
    assert total_variation_distance(["a", "b"], ["c", "d", "c"]) == 1.0
    assert total_variation_distance(["a", None], ["a", np.nan]) == 0.0
    assert total_variation_distance([1, 2], ["1", "2"]) == 0.0


# ----------------------------------------------------------- marginal fidelity


def test_fidelity_identical_is_one():
    real = _mixed(80, 0)
    fid = marginal_fidelity(real, real.copy())
    assert list(fid.index) == list(real.columns)
    assert fid.name == "marginal_fidelity"
    np.testing.assert_array_equal(fid.to_numpy(), np.ones(4))
    assert fid.mean() == 1.0


def test_fidelity_disjoint_is_zero():
    real = pd.DataFrame({"x": np.arange(10.0), "c": ["a", "b"] * 5})
    fake = pd.DataFrame({"x": np.arange(10.0) + 100, "c": ["z"] * 10})
    fid = marginal_fidelity(real, fake)
    assert fid["x"] == 0.0  # KS = 1 for a shift beyond the range
    assert fid["c"] == 0.0  # TV = 1 for disjoint categories
    assert fid.mean() == 0.0


def test_fidelity_numeric_vs_categorical_treatment():
    real = pd.DataFrame({"v": [0, 10]})
    fake = pd.DataFrame({"v": [1, 11]})
    assert marginal_fidelity(real, fake)["v"] == pytest.approx(0.5)  # 1 - KS
    for spec in (["v"], [0], [True]):
        fid = marginal_fidelity(real, fake, categorical_features=spec)
        assert fid["v"] == 0.0  # 1 - TV: no shared value


def test_fidelity_auto_detection_and_nan():
    real = pd.DataFrame({"s": ["a", "b"], "b": [True, False], "x": [1.0, np.nan]})
    fake = pd.DataFrame({"s": ["a", "a"], "b": [True, True], "x": [1.0, 1.0]})
    fid = marginal_fidelity(real, fake)
    assert fid["s"] == pytest.approx(0.5)
    assert fid["b"] == pytest.approx(0.5)
    assert fid["x"] == 1.0  # the NaN is ignored
    all_nan = pd.DataFrame({"s": ["a", "b"], "b": [True, False], "x": [np.nan] * 2})
    assert np.isnan(marginal_fidelity(all_nan, fake)["x"])


def test_fidelity_accepts_arrays_and_reordered_columns():
    real = _mixed(40, 1)
    fake = _mixed(40, 2)
    expected = marginal_fidelity(real, fake)
    reordered = marginal_fidelity(real, fake[fake.columns[::-1]])
    pd.testing.assert_series_equal(expected, reordered)
    num = real[["x", "k"]].to_numpy()
    fid = marginal_fidelity(num, fake[["x", "k"]].to_numpy())
    assert list(fid.index) == [0, 1]
    np.testing.assert_allclose(fid.to_numpy(), expected[["x", "k"]].to_numpy())
    # A DataFrame paired with an array borrows the DataFrame's column names.
    fid = marginal_fidelity(real[["x", "k"]], fake[["x", "k"]].to_numpy())
    assert list(fid.index) == ["x", "k"]
    # Object arrays holding numbers are numeric under "auto".
    obj = real.to_numpy(dtype=object)
    fid = marginal_fidelity(obj, fake.to_numpy(dtype=object))
    assert fid[0] == pytest.approx(expected["x"])


# ---------------------------------------------------------------- detectability


def test_auc_identical_samples_is_half():
    real = _mixed(60, 0)
    assert detectability_auc(real, real.copy(), random_state=0) == pytest.approx(0.5)
    # Exact copies of a subset, with a ratio of 1 real to 3 synthetic rows.
    copies = real.sample(n=180, replace=True, random_state=1)
    auc = detectability_auc(real, copies, estimator=FAST_RF, random_state=0)
    assert auc == pytest.approx(0.5, abs=0.12)


def test_auc_same_distribution_near_half():
    real = _mixed(150, 0)
    fake = _mixed(150, 1)
    auc = detectability_auc(real, fake, estimator=FAST_RF, random_state=0)
    assert 0.35 < auc < 0.65


def test_auc_disjoint_is_one():
    real = _mixed(60, 0)
    fake = _mixed(60, 1, shift=50.0)
    assert detectability_auc(real, fake, random_state=0) == pytest.approx(1.0)
    only_cat = pd.DataFrame({"c": ["a", "b", "c"] * 20})
    other_cat = pd.DataFrame({"c": ["d", "e"] * 30})
    lr = LogisticRegression()
    assert detectability_auc(only_cat, other_cat, estimator=lr, random_state=0) == 1.0


def test_auc_deterministic_and_leaves_global_rng_alone():
    real = _mixed(50, 0)
    fake = _mixed(70, 5)
    state = np.random.get_state()  # noqa: NPY002 - the global RNG is the point
    first = detectability_auc(real, fake, estimator=FAST_RF, random_state=7)
    second = detectability_auc(real, fake, estimator=FAST_RF, random_state=7)
    detectability_auc(real, fake, estimator=FAST_RF, cv=3, random_state=None)
    after = np.random.get_state()  # noqa: NPY002
    assert first == second
    assert after[0] == state[0]
    np.testing.assert_array_equal(after[1], state[1])
    assert after[2:] == state[2:]


def test_auc_small_groups_cap_folds():
    real = _mixed(3, 0)
    fake = _mixed(40, 1, shift=20.0)
    auc = detectability_auc(real, fake, estimator=LogisticRegression(), cv=10)
    assert auc == 1.0


# -------------------------------------------------------------------- DCR


def test_dcr_copies_is_zero():
    real = _mixed(100, 0)
    assert distance_to_closest_record(real, real.copy()) == 0.0
    assert distance_to_closest_record(real, real.iloc[::3]) == 0.0
    arr = np.random.default_rng(0).normal(size=(50, 4))
    assert distance_to_closest_record(arr, arr[::-1]) == 0.0


def test_dcr_fresh_sample_near_one_and_far_sample_large():
    real = _mixed(400, 0)
    fresh = _mixed(400, 1)
    assert 0.6 < distance_to_closest_record(real, fresh) < 1.6
    far = _mixed(100, 2, shift=30.0)
    assert distance_to_closest_record(real, far) > 10


def test_dcr_known_value_numeric():
    # Real points 0, 2, 4, 6: every nearest-other gap is 2 (before scaling, and
    # the common scale cancels in the ratio).  Synthetic 1, 5: gap 1 each.
    real = np.array([[0.0], [2.0], [4.0], [6.0]])
    fake = np.array([[1.0], [5.0]])
    assert distance_to_closest_record(real, fake) == pytest.approx(0.5)


def test_dcr_category_mismatch_costs_one_sd():
    # Real rows differ from their nearest neighbour only by the category (a
    # squared distance of 1); the synthetic rows share a real row's category
    # and are 1 sd away on x.
    real = pd.DataFrame({"x": [0.0, 0.0, 2.0, 2.0], "c": ["a", "b", "a", "b"]})
    fake = pd.DataFrame({"x": [1.0, 1.0], "c": ["a", "b"]})
    # x has sd 1 after scaling (population sd of 0, 0, 2, 2 is 1).
    assert distance_to_closest_record(real, fake) == pytest.approx(1.0)


def test_dcr_duplicated_real_rows():
    real = pd.DataFrame({"c": ["a", "a", "b", "b"]})
    assert distance_to_closest_record(real, pd.DataFrame({"c": ["a"]})) == 0.0
    assert distance_to_closest_record(real, pd.DataFrame({"c": ["z"]})) == np.inf


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "func", [marginal_fidelity, distance_to_closest_record, detectability_auc]
)
def test_errors(func):
    real = _mixed(20, 0)
    with pytest.raises(ValueError, match="same columns"):
        func(real, real.drop(columns="x"))
    with pytest.raises(ValueError, match="same columns"):
        func(real, real.rename(columns={"x": "y"}))
    with pytest.raises(ValueError, match="no rows"):
        func(real, real.iloc[:0])
    with pytest.raises(ValueError, match="no rows"):
        func(real.iloc[:0], real)
    with pytest.raises(ValueError, match="no columns"):
        func(real[[]], real[[]])
    with pytest.raises(ValueError, match="2-D"):
        func(real["x"], real["x"])
    with pytest.raises(ValueError, match="2-D"):
        func(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="not numeric"):
        func(real, real, categorical_features=None)
    with pytest.raises(ValueError, match="not a column"):
        func(real, real, categorical_features=["nope"])
    with pytest.raises(ValueError, match="boolean categorical_features"):
        func(real, real, categorical_features=[True, False])
    with pytest.raises(ValueError, match="categorical_features must be"):
        func(real, real, categorical_features="all")


def test_errors_specific():
    real = _mixed(20, 0)
    inf = real.assign(x=np.inf)
    with pytest.raises(ValueError, match="infinite"):
        distance_to_closest_record(real, inf)
    with pytest.raises(ValueError, match="infinite"):
        detectability_auc(inf, real)
    with pytest.raises(ValueError, match="at least 2 real"):
        distance_to_closest_record(real.iloc[:1], real)
    with pytest.raises(ValueError, match="at least 2 real and 2 synthetic"):
        detectability_auc(real, real.iloc[:1])
    with pytest.raises(ValueError, match="cv must be"):
        detectability_auc(real, real, cv=1)
    with pytest.raises(TypeError, match="random_state"):
        detectability_auc(real, real, random_state="seed")


# ----------------------------------------------------------------- report


class _StubSampler:
    """Stands in for a fitted GANOverSampler: ``sample`` draws noisy rows."""

    def __init__(self, X: pd.DataFrame, y: pd.Series):
        self.X, self.y = X, y
        counts = y.value_counts()
        self.sampling_strategy_ = {
            label: int(counts.max() - n) for label, n in counts.items()
        }
        self.calls: list[tuple[int, object]] = []

    def sample(self, n_samples: int, label: object) -> pd.DataFrame:
        self.calls.append((n_samples, label))
        rows = self.X[self.y == label]
        out = rows.sample(n=n_samples, replace=True, random_state=0)
        return out.assign(x=out["x"] + 0.01).reset_index(drop=True)


def test_quality_report_with_sample_method():
    X = pd.concat([_mixed(90, 0), _mixed(30, 1, shift=3.0)], ignore_index=True)
    y = pd.Series(["maj"] * 90 + ["min"] * 30)
    stub = _StubSampler(X, y)
    report = quality_report(stub, X, y, random_state=0)
    assert stub.calls == []  # the report draws from a copy
    assert list(report.index) == ["min"]
    assert report.index.name == "class"
    assert list(report.columns) == [
        "n_real",
        "n_synthetic",
        "detectability_auc",
        "marginal_fidelity",
        "dcr_ratio",
    ]
    row = report.loc["min"]
    assert (row["n_real"], row["n_synthetic"]) == (30, 60)
    assert 0.0 <= row["detectability_auc"] <= 1.0
    assert 0.5 < row["marginal_fidelity"] <= 1.0
    assert 0.0 <= row["dcr_ratio"] < 0.5  # near-copies
    report = quality_report(stub, X.iloc[75:], y.iloc[75:], n_samples=12)
    assert stub.calls == []
    assert report.loc["min", "n_synthetic"] == 12


def test_quality_report_imblearn_tail():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = np.r_[np.zeros(80, dtype=int), np.ones(20, dtype=int)]
    smote = SMOTE(random_state=0).fit(X, y)
    report = quality_report(smote, X, y, random_state=0)
    assert report.loc[1, "n_synthetic"] == 60
    assert report.loc[1, "n_real"] == 20
    assert 0.0 < report.loc[1, "dcr_ratio"] < 1.5


def test_quality_report_errors():
    X = _mixed(20, 0)
    y = pd.Series([0] * 15 + [1] * 5)
    with pytest.raises(ValueError, match="fitted"):
        quality_report(SMOTE(), X, y)
    stub = _StubSampler(X, y)
    with pytest.raises(ValueError, match="rows but y has"):
        quality_report(stub, X, y[:-1])
    with pytest.raises(ValueError, match="n_samples"):
        quality_report(stub, X, y, n_samples=0)


def test_auc_low_cardinality_categoricals():
    # Few distinct values shared by both groups: the copy-preserving chunks
    # must not stop the classifier from learning the value frequencies.
    real = pd.DataFrame({"c": ["a"] * 20 + ["b"] * 20 + ["c"] * 20})
    fake = pd.DataFrame({"c": ["a"] * 60})
    auc = detectability_auc(real, fake, estimator=LogisticRegression(), random_state=0)
    # Ideal separation: synthetic rows are all "a", 1/3 of real rows are:
    # AUC = 2/3 * 1 + 1/3 * 0.5 = 5/6.
    assert auc == pytest.approx(5 / 6, abs=0.05)
    same = pd.DataFrame({"c": ["a", "b", "c"] * 20})
    assert detectability_auc(real, same, random_state=0) == pytest.approx(0.5)


def test_auc_too_few_distinct_rows():
    real = pd.DataFrame({"x": [1.0, 1.0]})
    fake = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(ValueError, match="too few distinct rows"):
        detectability_auc(real, fake)


# ------------------------------------------------------------ missing values


def _with_gaps(n: int, seed: int, rate: float) -> pd.DataFrame:
    frame = _mixed(n, seed)
    gaps = np.random.default_rng(seed + 100).random(n) < rate
    frame.loc[gaps, "x"] = np.nan
    return frame


def test_dcr_missing_numeric_known_values():
    # Real x is 0, 2, 4, 6 (mean 3, sd sqrt(5)); real-real gaps are 2.  A gap
    # is filled with real's median, 3, and costs 1 on its indicator: the
    # nearest real row to a synthetic gap is 1 away on x and 1 on the flag.
    real = np.array([[0.0], [2.0], [4.0], [6.0]])
    gap = np.array([[np.nan]])
    expected = np.sqrt((1 / 5 + 1) / (4 / 5))
    assert distance_to_closest_record(real, gap) == pytest.approx(expected)
    # With a gap in real too, a synthetic gap copies that row, and a value
    # is compared with the observed values only.
    real_gap = np.array([[0.0], [2.0], [4.0], [6.0], [np.nan]])
    assert distance_to_closest_record(real_gap, gap) == 0.0
    assert distance_to_closest_record(real_gap, [[3.0]]) == pytest.approx(0.5)
    # A column missing in every real row counts through its indicator only.
    both = pd.DataFrame({"x": [0.0, 2.0, 4.0, 6.0], "z": [np.nan] * 4})
    fake = pd.DataFrame({"x": [1.0], "z": [100.0]})
    assert distance_to_closest_record(both, fake) == pytest.approx(
        np.sqrt(1 / 5 + 1) / np.sqrt(4 / 5)
    )


def test_auc_missing_numeric_values():
    real = _with_gaps(120, 0, rate=0.25)
    # Same rows with the same gaps: exact copies tie.
    assert detectability_auc(real, real.copy(), random_state=0) == pytest.approx(0.5)
    # Copies of gap-free rows, but with x missing in every other synthetic row:
    # the indicator gives those away, the others tie (AUC 1/2 * 1 + 1/2 * 1/2).
    full = _mixed(120, 0)
    holes = full.copy()
    holes.loc[::2, "x"] = np.nan
    auc = detectability_auc(full, holes, estimator=LogisticRegression(), random_state=0)
    assert auc == pytest.approx(0.75, abs=0.07)
    fake = _with_gaps(150, 1, rate=0.25)
    first = detectability_auc(real, fake, estimator=FAST_RF, random_state=3)
    assert 0.3 < first < 0.7
    assert detectability_auc(real, fake, estimator=FAST_RF, random_state=3) == first
    # Gaps only in the synthetic rows work as well.
    assert 0.5 < detectability_auc(_mixed(80, 0), fake, random_state=0) <= 1.0


def test_missing_numeric_infinite_still_refused():
    real = _with_gaps(20, 0, rate=0.3)
    inf = real.assign(x=np.r_[np.inf, np.zeros(19)])
    for func in (detectability_auc, distance_to_closest_record):
        with pytest.raises(ValueError, match="column 'x' of synthetic has infinite"):
            func(real, inf)
        with pytest.raises(ValueError, match="column 'x' of real has infinite"):
            func(inf, real)


def test_quality_report_missing_model_sampler():
    from gan_oversampler import GANOverSampler

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
    X.loc[::4, "a"] = np.nan
    y = np.r_[np.zeros(100, dtype=int), np.ones(20, dtype=int)]
    sampler = GANOverSampler(epochs=2, missing="model", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler.fit_resample(X, y)
    report = quality_report(sampler, X, y, random_state=0)
    row = report.loc[1]
    assert (row["n_real"], row["n_synthetic"]) == (20, 80)
    assert 0.0 <= row["detectability_auc"] <= 1.0
    assert 0.0 <= row["marginal_fidelity"] <= 1.0
    assert 0.0 <= row["dcr_ratio"] < np.inf


def test_quality_report_seeds_gan_draws_and_leaves_its_stream_alone(monkeypatch):
    import copy
    import pickle

    from gan_oversampler import GANOverSampler

    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=90), "b": rng.normal(size=90)})
    y = np.r_[np.zeros(70, dtype=int), np.ones(20, dtype=int)]
    sampler = GANOverSampler(epochs=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler.fit_resample(X, y)
    twin = pickle.loads(pickle.dumps(sampler))

    deepcopy = copy.deepcopy

    def no_copy(obj, memo=None):
        if isinstance(obj, GANOverSampler):
            raise AssertionError("a sampler whose sample() takes a seed is copied")
        return deepcopy(obj, memo)

    monkeypatch.setattr(copy, "deepcopy", no_copy)
    first = quality_report(sampler, X, y, random_state=3)
    pd.testing.assert_frame_equal(first, quality_report(sampler, X, y, random_state=3))
    # The reports drew with their own seeds: the sampler's next rows are the
    # ones it would have drawn without them.
    pd.testing.assert_frame_equal(sampler.sample(7, 1), twin.sample(7, 1))
    assert first.loc[1, "n_synthetic"] == 50


# ---------------------------------------------------- integer column labels


def _int_labelled(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({10: rng.normal(size=n), 20: rng.integers(0, 3, size=n)})


def test_categorical_integers_are_positions():
    # As in GANOverSampler and scikit-learn: integers are positions even when
    # the column labels are integers.  Position 0 is the column labelled 1.
    rng = np.random.default_rng(0)
    X = pd.DataFrame({1: rng.integers(0, 3, size=60), 0: rng.normal(size=60)})
    shifted = X + 0.5  # no value in common, yet the integer column's KS < 1
    fid = marginal_fidelity(X, shifted, categorical_features=[0])
    assert fid.index.tolist() == [1, 0]
    assert fid[1] == 0.0  # 1 - TV: categorical
    assert fid[0] > 0.0  # 1 - KS: numeric
    pd.testing.assert_series_equal(
        marginal_fidelity(X, shifted, categorical_features=[-2]), fid
    )
    X = _int_labelled()
    for func in (marginal_fidelity, detectability_auc, distance_to_closest_record):
        with pytest.raises(ValueError, match=r"index 20.*valid indices: 0 to 1"):
            func(X, X, categorical_features=[20])


def test_categorical_names_when_not_all_integers():
    X = _int_labelled().assign(s=lambda d: np.where(d[20] > 0, "a", "b"))
    shifted = X.copy()
    shifted[20] = shifted[20] + 0.5
    # A list that is not all integers names columns, as in GANOverSampler.
    fid = marginal_fidelity(X, shifted, categorical_features=[20, "s"])
    assert fid[20] == 0.0
    with pytest.raises(ValueError, match="not a column"):
        marginal_fidelity(X, shifted, categorical_features=[1, "s"])


def test_integer_column_labels_auc_and_dcr():
    X = _int_labelled(80, 0)
    fake = _int_labelled(80, 1)
    auc = detectability_auc(X, fake, categorical_features=[1], random_state=0)
    assert 0.2 < auc < 0.8
    assert 0.3 < distance_to_closest_record(X, fake, categorical_features=[1]) < 3
    assert distance_to_closest_record(X, X, categorical_features=None) == 0.0
    mixed = X.rename(columns={10: "x"})
    assert distance_to_closest_record(mixed, mixed.copy()) == 0.0


# ----------------------------------------------- category values and dtypes


def test_categorical_numbers_compare_by_value_across_dtypes():
    assert total_variation_distance([1, 2], [1.0, 2.0]) == 0.0
    assert total_variation_distance([1, 2], np.array([1, 2], dtype=np.float32)) == 0
    assert total_variation_distance([0.5, 2], [np.float64(0.5), 2.0]) == 0.0
    # Booleans are not numbers here: True and 1 stay different categories.
    assert total_variation_distance([True, False], [1, 0]) == 1.0
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=60), "k": rng.integers(0, 3, 60)})
    synth = real.astype({"k": float})
    kw = {"categorical_features": ["k"]}
    assert marginal_fidelity(real, synth, **kw)["k"] == 1.0
    assert distance_to_closest_record(real, synth, **kw) == 0.0
    assert detectability_auc(real, synth, random_state=0, **kw) == pytest.approx(0.5)
    # One missing value turns an integer column into a float column.
    gappy = real.copy()
    gappy["k"] = gappy["k"].where(np.arange(60) != 0)
    assert gappy["k"].dtype == float
    assert marginal_fidelity(real, gappy, **kw)["k"] == pytest.approx(1 - 1 / 60)


def test_missing_category_does_not_collide_with_a_string():
    assert total_variation_distance(["__missing__"] * 4, [np.nan] * 4) == 1.0
    real = pd.DataFrame({"k": ["__missing__", "a"] * 2})
    synth = pd.DataFrame({"k": [None, "a"] * 2})
    assert marginal_fidelity(real, synth)["k"] == 0.5


def test_scalar_categorical_features_raises_clearly():
    real = _mixed(20, 0)
    for func in (marginal_fidelity, distance_to_closest_record, detectability_auc):
        with pytest.raises(ValueError, match="array-like"):
            func(real, real, categorical_features=1)


def test_dcr_unseen_category_costs_one():
    real = pd.DataFrame({"x": [0.0, 0.1, 10.0, 10.1], "k": ["a", "a", "b", "b"]})
    wrong = distance_to_closest_record(real, pd.DataFrame({"x": [0.0], "k": ["b"]}))
    novel = distance_to_closest_record(real, pd.DataFrame({"x": [0.0], "k": ["z"]}))
    assert novel >= wrong
    # Disjoint categories: every gap, real-real and synthetic-real, costs 1.
    r = pd.DataFrame({"k": list("abcdefghij")})
    s = pd.DataFrame({"k": list("KLMNOPQRST")})
    assert distance_to_closest_record(r, s) == pytest.approx(1.0)


# ------------------------------------------------------ custom cv splitters


def test_auc_warns_when_custom_cv_skips_folds():
    real, synth = _mixed(50, 0), _mixed(50, 1)
    with pytest.warns(UserWarning, match="skipped 4 of 5 .*shuffles or stratifies"):
        detectability_auc(real, synth, cv=KFold(5), estimator=FAST_RF)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="detectability_auc skipped")
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
        detectability_auc(real, synth, cv=cv, estimator=FAST_RF)
        detectability_auc(real, synth, estimator=FAST_RF, random_state=0)


# ------------------------------------------------ report leaves sampler alone


class _StatefulSampler(_StubSampler):
    """Each ``sample`` call draws different rows, as GANOverSampler's do."""

    def __init__(self, X: pd.DataFrame, y: pd.Series):
        super().__init__(X, y)
        self.rng = np.random.default_rng(0)

    def sample(self, n_samples: int, label: object) -> pd.DataFrame:
        rows = self.X[self.y == label]
        out = rows.sample(n=n_samples, replace=True, random_state=self.rng)
        return out.assign(x=out["x"] + self.rng.normal(size=n_samples))


def test_quality_report_repeatable_and_leaves_sampler_unchanged():
    X = pd.concat([_mixed(90, 0), _mixed(30, 1, shift=3.0)], ignore_index=True)
    y = pd.Series(["maj"] * 90 + ["min"] * 30)
    sampler = _StatefulSampler(X, y)
    expected = _StatefulSampler(X, y).sample(10, "min")
    first = quality_report(sampler, X, y, random_state=0)
    second = quality_report(sampler, X, y, random_state=0)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(sampler.sample(10, "min"), expected)


def test_quality_report_refit_seeds_clone_and_spares_global_rng():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = np.r_[np.zeros(80, dtype=int), np.ones(20, dtype=int)]
    smote = SMOTE().fit(X, y)  # random_state=None: a refit would use np.random
    state = np.random.get_state()  # noqa: NPY002 - the global RNG is the point
    first = quality_report(smote, X, y, random_state=0)
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == state[0]
    np.testing.assert_array_equal(after[1], state[1])
    assert after[2:] == state[2:]
    pd.testing.assert_frame_equal(first, quality_report(smote, X, y, random_state=0))
    assert smote.get_params()["random_state"] is None  # the caller's is unchanged


@pytest.mark.parametrize("seed", range(20))
def test_every_fold_holds_out_both_classes(seed):
    """With as few groups of a class as folds, each fold still gets one of
    them (scikit-learn 1.6's StratifiedGroupKFold often did not)."""
    from gan_oversampler.metrics._detectability import _group_folds

    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(3, int), np.ones(40, int)]
    groups = np.arange(43)
    groups[3] = 0  # one chunk with a real row and a synthetic copy of it
    folds = _group_folds(y, groups, 3, rng)
    tests = np.concatenate([test for _, test in folds])
    assert sorted(tests) == list(range(43))  # a partition of the rows
    for train, test in folds:
        assert set(y[test]) == {0, 1} and set(y[train]) == {0, 1}
        # Whole groups: no group on both sides.
        assert not set(groups[train]) & set(groups[test])
