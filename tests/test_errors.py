"""Input errors that carry their fix as fields (parameter, remedy, column)."""

from __future__ import annotations

import datetime
import pickle

import numpy as np
import pandas as pd
import pytest

from gan_oversampler import AdvisedInputError, GANOverSampler
from gan_oversampler._errors import REMEDIES, AdvisedTypeError, AdvisedValueError
from gan_oversampler.cli import _CLI_ADVICE, _in_cli_terms


def _table() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=30), "city": ["Oslo", "Lima"] * 15})
    y = np.array([0] * 24 + [1] * 6)
    return X, y


def _raised(X: pd.DataFrame, y: np.ndarray, **params: object) -> AdvisedInputError:
    with pytest.raises(AdvisedInputError) as info:
        GANOverSampler(epochs=1, random_state=0, **params).fit_resample(X, y)
    return info.value


def test_missing_values_carry_the_missing_parameter() -> None:
    X, y = _table()
    X.loc[3, "a"] = np.nan
    error = _raised(X, y)
    assert isinstance(error, ValueError)
    assert (error.parameter, error.remedy, error.column) == ("missing", "model", None)
    assert "['a']" in error.problem
    assert "missing='model'" in error.advice
    assert str(error) == f"{error.problem} {error.advice}"


def test_undeclared_text_column_carries_categorical_features() -> None:
    X, y = _table()
    error = _raised(X, y, categorical_features=[])
    assert isinstance(error, ValueError)
    assert (error.parameter, error.remedy) == ("categorical_features", "declare")
    assert error.column == "city"
    assert "categorical_features='auto'" in error.advice


def test_object_dates_carry_categorical_features() -> None:
    X, y = _table()
    start = datetime.date(2020, 1, 1)
    X["hired"] = pd.Series(
        [start + datetime.timedelta(days=i % 5) for i in range(len(X))], dtype=object
    )
    error = _raised(X, y)
    assert isinstance(error, TypeError)
    assert (error.parameter, error.remedy) == ("categorical_features", "as_category")
    assert error.column == "hired"
    assert "holds dates" in error.problem


def test_every_remedy_has_a_command_line_sentence() -> None:
    assert set(_CLI_ADVICE) == set(REMEDIES)


@pytest.mark.parametrize("remedy", sorted(REMEDIES))
def test_cli_says_the_fix_from_the_fields_not_the_wording(
    remedy: tuple[str, str],
) -> None:
    # Reworded advice must not leak into the command-line message.
    error = AdvisedValueError(
        "Something is wrong.",
        "Reworded Python advice.",
        parameter=remedy[0],
        remedy=remedy[1],
    )
    line = _in_cli_terms(error)
    assert line == f"Something is wrong. {_CLI_ADVICE[remedy]}"
    assert "Reworded" not in line


def test_cli_keeps_other_errors_as_they_are() -> None:
    assert _in_cli_terms(ValueError("bad\n  thing")) == "bad thing"


@pytest.mark.parametrize("cls", [AdvisedValueError, AdvisedTypeError])
def test_errors_pickle_with_their_fields(cls: type[AdvisedInputError]) -> None:
    # joblib sends errors from worker processes back as pickles.
    error = cls("P.", "A.", parameter="missing", remedy="model", column="x")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert (copy.problem, copy.advice, copy.parameter, copy.remedy, copy.column) == (
        "P.",
        "A.",
        "missing",
        "model",
        "x",
    )
    assert str(copy) == "P. A."


def test_unknown_remedy_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="unknown remedy"):
        AdvisedValueError("P.", "A.", parameter="missing", remedy="drop")
