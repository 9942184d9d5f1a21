"""Tests for :mod:`gan_oversampler.datasets`."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from gan_oversampler import datasets
from gan_oversampler.datasets import DEGREES, SCHOOL_TYPES, SUBJECTS, make_teachers

EXPECTED_DTYPES = {
    "age": np.dtype("int64"),
    "years_experience": np.dtype("int64"),
    "salary": np.dtype("float64"),
    "weekly_hours": np.dtype("float32"),
    "subject": pd.CategoricalDtype(SUBJECTS, ordered=False),
    "degree": pd.CategoricalDtype(DEGREES, ordered=True),
    "school_type": np.dtype("object"),
    "coaches_sport": np.dtype("bool"),
}
NUMERIC = ["age", "years_experience", "salary", "weekly_hours"]
CATEGORICAL = ["subject", "degree", "school_type", "coaches_sport"]


def test_default_shape_columns_and_dtypes() -> None:
    X, y = make_teachers(random_state=0)
    assert X.shape == (1000, 8)
    assert list(X.columns) == list(EXPECTED_DTYPES)
    assert dict(X.dtypes) == EXPECTED_DTYPES
    assert isinstance(X.index, pd.RangeIndex)
    assert y.name == "gender"
    assert y.dtype == np.dtype("object")
    assert all(type(v) is str for v in y)
    assert all(type(v) is str for v in X["school_type"])
    assert y.index.equals(X.index)


@pytest.mark.parametrize(
    ("n_samples", "male_fraction", "n_male"),
    [
        (1000, 0.1, 100),
        (200, 0.25, 50),
        (37, 0.3, 11),
        (10, 0.01, 1),  # rounds to 0: at least one man
        (10, 0.99, 9),  # rounds to 10: at least one woman
        (11, 0.5, 6),
    ],
)
def test_class_counts(n_samples: int, male_fraction: float, n_male: int) -> None:
    X, y = make_teachers(n_samples, male_fraction=male_fraction, random_state=3)
    assert len(X) == len(y) == n_samples
    counts = y.value_counts()
    assert counts["male"] == n_male
    assert counts["female"] == n_samples - n_male
    assert set(y) == {"female", "male"}


def test_values_are_valid_and_bounded() -> None:
    X, _ = make_teachers(3000, random_state=1)
    assert X["age"].between(22, 65).all()
    assert (X["years_experience"] >= 0).all()
    assert (X["years_experience"] <= X["age"] - 22).all()
    assert X["weekly_hours"].between(30, 60).all()
    assert (X["weekly_hours"] * 2 == (X["weekly_hours"] * 2).round()).all()
    assert (X["salary"] > 0).all()
    assert (X["salary"] == X["salary"].round(2)).all()
    assert set(X["subject"].cat.categories) == set(SUBJECTS)
    assert set(X["subject"]) <= set(SUBJECTS)
    assert list(X["degree"].cat.categories) == list(DEGREES)
    assert set(X["school_type"]) == set(SCHOOL_TYPES)
    assert X.notna().all().all()
    # Every category actually occurs in a table this large.
    assert set(X["subject"]) == set(SUBJECTS)
    assert set(X["degree"]) == set(DEGREES)


def test_same_seed_same_table() -> None:
    X1, y1 = make_teachers(300, random_state=42)
    X2, y2 = make_teachers(300, random_state=42)
    pd.testing.assert_frame_equal(X1, X2)
    pd.testing.assert_series_equal(y1, y2)


def test_generator_and_randomstate_are_accepted() -> None:
    X1, y1 = make_teachers(100, random_state=np.random.default_rng(5))
    X2, y2 = make_teachers(100, random_state=np.random.default_rng(5))
    pd.testing.assert_frame_equal(X1, X2)
    pd.testing.assert_series_equal(y1, y2)
    X3, _ = make_teachers(100, random_state=np.random.RandomState(5))
    X4, _ = make_teachers(100, random_state=np.random.RandomState(5))
    pd.testing.assert_frame_equal(X3, X4)


def test_different_seeds_differ() -> None:
    X1, y1 = make_teachers(300, random_state=0)
    X2, y2 = make_teachers(300, random_state=1)
    assert not X1.equals(X2)
    assert not y1.equals(y2)
    X3, _ = make_teachers(300)
    X4, _ = make_teachers(300)
    assert not X3.equals(X4)


def test_men_are_shuffled_through_the_table() -> None:
    _, y = make_teachers(1000, random_state=0)
    positions = np.flatnonzero(y.to_numpy() == "male")
    assert positions.min() < 100
    assert positions.max() > 900


@pytest.mark.parametrize("random_state", [None, 0, np.random.default_rng(0)])
def test_global_random_state_untouched(random_state: object) -> None:
    before = np.random.get_state()  # noqa: NPY002 - the legacy global state
    make_teachers(200, random_state=random_state)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_documented_dependencies() -> None:
    X, y = make_teachers(20_000, male_fraction=0.3, random_state=0)
    male = y == "male"
    # Gender: men coach more, teach PE and science more, are a little older.
    assert X.loc[male, "coaches_sport"].mean() > X.loc[~male, "coaches_sport"].mean()
    pe = X["subject"] == "physical education"
    assert pe[male].mean() > 2 * pe[~male].mean()
    assert (X["subject"] == "general")[~male].mean() > 0.45
    assert X.loc[male, "age"].mean() > X.loc[~male, "age"].mean() + 1
    # Career changers: men have less experience for their age.
    gap = X["age"] - 22 - X["years_experience"]
    assert gap[male].mean() > gap[~male].mean()
    # Salary rises with experience and degree; coaching adds hours.
    assert X["salary"].corr(X["years_experience"]) > 0.5
    by_degree = X.groupby("degree", observed=True)["salary"].mean()
    assert by_degree["bachelor"] < by_degree["master"] < by_degree["doctorate"]
    hours = X.groupby("coaches_sport")["weekly_hours"].mean()
    assert hours[True] > hours[False] + 2


def test_classifier_can_learn_gender() -> None:
    X, y = make_teachers(1000, random_state=0)
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), NUMERIC),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ]
    )
    model = make_pipeline(
        preprocess, LogisticRegression(class_weight="balanced", max_iter=1000)
    )
    scores = cross_val_score(
        model,
        X,
        y,
        cv=StratifiedKFold(5, shuffle=True, random_state=0),
        scoring="balanced_accuracy",
    )
    assert scores.mean() > 0.6


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_samples": 9}, ValueError, "at least 10"),
        ({"n_samples": -5}, ValueError, "at least 10"),
        ({"n_samples": 100.0}, TypeError, "n_samples must be an integer"),
        ({"n_samples": "100"}, TypeError, "n_samples must be an integer"),
        ({"n_samples": True}, TypeError, "n_samples must be an integer"),
        ({"male_fraction": 0.0}, ValueError, "strictly between 0 and 1"),
        ({"male_fraction": 1.0}, ValueError, "strictly between 0 and 1"),
        ({"male_fraction": -0.1}, ValueError, "strictly between 0 and 1"),
        ({"male_fraction": float("nan")}, ValueError, "strictly between 0 and 1"),
        ({"male_fraction": "0.1"}, TypeError, "male_fraction must be a number"),
        ({"male_fraction": None}, TypeError, "male_fraction must be a number"),
        ({"random_state": -1}, ValueError, "non-negative"),
        ({"random_state": "seed"}, TypeError, "random_state must be"),
        ({"random_state": 1.5}, TypeError, "random_state must be"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make_teachers(**kwargs)


def test_numpy_integer_arguments() -> None:
    X, y = make_teachers(
        np.int64(50), male_fraction=np.float32(0.2), random_state=np.int64(1)
    )
    assert len(X) == 50
    assert (y == "male").sum() == 10


def test_docstring_examples() -> None:
    result = doctest.testmod(datasets, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
