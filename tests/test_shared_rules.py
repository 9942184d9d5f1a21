"""One column-kind rule and one random-number helper, shared by every module."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from gan_oversampler._column_kinds import is_categorical_dtype
from gan_oversampler._random import local_generator, seeded_clone
from gan_oversampler._validation import inspect_table
from gan_oversampler.metrics._inputs import _resolve_categorical


def _frame() -> pd.DataFrame:
    n = 6
    return pd.DataFrame(
        {
            "int": np.arange(n),
            "float": np.linspace(0, 1, n),
            "bool": [True, False] * 3,
            "nullable bool": pd.array([True, False, None] * 2, dtype="boolean"),
            "object": ["a", "b"] * 3,
            "string": pd.array(["x", "y"] * 3, dtype="string"),
            "category": pd.Categorical(["p", "q", "r"] * 2),
            "Int64": pd.array([1, 2, None] * 2, dtype="Int64"),
        }
    )


def test_rule_sorts_dtypes() -> None:
    frame = _frame()
    categorical = [c for c in frame if is_categorical_dtype(frame[c].dtype)]
    assert categorical == ["bool", "nullable bool", "object", "string", "category"]
    assert not is_categorical_dtype(np.dtype("datetime64[ns]"))


def test_sampler_and_metrics_agree_on_auto() -> None:
    frame = _frame()
    schema, _ = inspect_table(frame, "auto", missing="model")
    from_sampler = [frame.columns[i] for i in schema.categorical]
    assert _resolve_categorical(frame, "auto") == from_sampler


def test_local_generator_conventions() -> None:
    generator = np.random.default_rng(3)
    assert local_generator(generator) is generator
    # From a RandomState: one seed drawn, so the caller's state advances once.
    state, twin = np.random.RandomState(5), np.random.RandomState(5)
    first = local_generator(state).random()
    seed = int(twin.randint(np.iinfo(np.int32).max))
    assert first == np.random.default_rng(seed).random()
    assert state.random_sample() == twin.random_sample()
    assert local_generator(7).random() == np.random.default_rng(7).random()
    sequence = np.random.SeedSequence(11)
    assert local_generator(sequence).random() == np.random.default_rng(11).random()


def test_local_generator_leaves_global_state_alone() -> None:
    before = np.random.get_state()[1].copy()  # noqa: NPY002 - the global state
    local_generator(None).random()
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (-1, ValueError, "non-negative"),
        (True, TypeError, "bool"),
        (1.5, TypeError, "float"),
    ],
)
def test_local_generator_rejects(value: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        local_generator(value)


def test_seeded_clone_sets_only_unset_states() -> None:
    pipe = make_pipeline(StandardScaler(), DecisionTreeClassifier())
    copy = seeded_clone(pipe, 42)
    assert copy is not pipe
    assert copy.get_params()["decisiontreeclassifier__random_state"] == 42
    assert pipe.get_params()["decisiontreeclassifier__random_state"] is None
    kept = seeded_clone(DecisionTreeClassifier(random_state=1), 42)
    assert kept.random_state == 1


def test_seeded_clone_draws_from_a_generator_only_when_needed() -> None:
    generator, twin = np.random.default_rng(0), np.random.default_rng(0)
    seeded_clone(DecisionTreeClassifier(random_state=1), generator)
    assert generator.random() == twin.random()  # nothing drawn
    copy = seeded_clone(DecisionTreeClassifier(), generator)
    assert copy.random_state == int(twin.integers(np.iinfo(np.int32).max))
