"""Tests for gan_oversampler.plotting (Agg backend, no GUI)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from gan_oversampler.plotting import (  # noqa: E402
    plot_history,
    plot_real_vs_synthetic,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _history(n_epochs: int = 6, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "epoch": np.arange(1, n_epochs + 1),
            "generator_loss": rng.random(n_epochs) + 0.5,
            "discriminator_loss": rng.random(n_epochs) + 1.0,
            "discriminator_accuracy_real": rng.random(n_epochs),
            "discriminator_accuracy_fake": rng.random(n_epochs),
        }
    )


class _FakeHistory:
    """Stands in for TrainingHistory: only ``to_frame`` is used."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def to_frame(self) -> pd.DataFrame:
        return self._frame.copy()


class _FakeSampler:
    def __init__(self, histories: dict) -> None:
        self.history_ = histories

    def fit_resample(self, X, y):  # pragma: no cover - never called
        raise NotImplementedError


class _UnfittedSampler:
    def fit_resample(self, X, y):  # pragma: no cover - never called
        raise NotImplementedError


def _has_half_line(ax) -> bool:
    return any(np.allclose(line.get_ydata(), 0.5) for line in ax.get_lines())


# ----------------------------------------------------------------- plot_history
def test_plot_history_one_row_per_class():
    sampler = _FakeSampler(
        {"b": _FakeHistory(_history(seed=1)), "c": _FakeHistory(_history(seed=2))}
    )
    fig = plot_history(sampler)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 4
    loss_ax, acc_ax = fig.axes[0], fig.axes[1]
    assert "'b'" in loss_ax.get_title()
    assert "'c'" in fig.axes[2].get_title()
    # Two loss curves; two accuracy curves plus the 0.5 reference line.
    assert len(loss_ax.get_lines()) == 2
    assert len(acc_ax.get_lines()) == 3
    assert _has_half_line(acc_ax)
    assert not _has_half_line(loss_ax)
    np.testing.assert_allclose(
        acc_ax.get_lines()[0].get_ydata(),
        sampler.history_["b"].to_frame()["discriminator_accuracy_real"],
    )


def test_plot_history_accepts_mapping_of_frames_and_labels_order():
    histories = {0: _history(seed=0), 1: _history(seed=1), 2: _history(seed=2)}
    fig = plot_history(histories, labels=[2, 0])
    assert len(fig.axes) == 4
    assert fig.axes[0].get_title().startswith("class 2")
    assert fig.axes[2].get_title().startswith("class 0")


def _training_history(n_epochs: int = 4, **values):
    """A real TrainingHistory with every per-epoch array filled in."""
    import dataclasses

    from gan_oversampler import TrainingHistory

    arrays = {
        f.name: np.linspace(0.0, 1.0, n_epochs)
        for f in dataclasses.fields(TrainingHistory)
        if f.default_factory is not dataclasses.MISSING
    }
    if "marginal_distance" in arrays:
        arrays["marginal_distance"] = np.full(n_epochs, np.nan)
    arrays.update(values)
    return TrainingHistory(**arrays, n_rows=20, batch_size=20)


def test_plot_history_accepts_training_history():
    fig = plot_history({"x": _training_history()})
    assert len(fig.axes) == 2  # no marginal distance recorded: no third panel
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_xdata(), [1, 2, 3, 4])


def test_plot_history_marginal_distance_panel():
    frame = _history(n_epochs=6)
    frame["marginal_distance"] = [np.nan, 0.4, np.nan, 0.3, np.nan, 0.35]
    with_distance = _FakeHistory(frame)
    with_distance.best_epoch = 4
    without = _history(n_epochs=6, seed=3)  # a DataFrame without the column
    fig = plot_history({"a": with_distance, "b": without})
    assert len(fig.axes) == 6
    distance_ax = fig.axes[2]
    assert "marginal distance" in distance_ax.get_title()
    curve, best = distance_ax.get_lines()
    np.testing.assert_allclose(curve.get_xdata(), [2, 4, 6])
    np.testing.assert_allclose(curve.get_ydata(), [0.4, 0.3, 0.35])
    np.testing.assert_allclose(best.get_xdata(), [4, 4])
    # The class without distances gets an empty panel saying so.
    assert [t.get_text() for t in fig.axes[5].texts] == ["not recorded"]
    with pytest.raises(ValueError, match="3 axes per plotted class"):
        plot_history({"a": with_distance}, ax=plt.subplots(1, 2)[1])


def test_plot_history_draws_on_given_axes():
    fig, axes = plt.subplots(1, 2)
    returned = plot_history({"x": _history()}, ax=axes)
    assert returned is fig
    assert len(axes[0].get_lines()) == 2
    assert _has_half_line(axes[1])


def test_plot_history_rejects_wrong_number_of_axes():
    _, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="2 axes per plotted class"):
        plot_history({"x": _history()}, ax=axes)


def test_plot_history_unknown_label():
    with pytest.raises(ValueError, match="No training history"):
        plot_history({"x": _history()}, labels=["y"])


def test_plot_history_empty():
    with pytest.raises(ValueError, match="no GAN was trained"):
        plot_history(_FakeSampler({}))


def test_plot_history_not_fitted():
    with pytest.raises(NotFittedError):
        plot_history(_UnfittedSampler())


def test_plot_history_wrong_type():
    with pytest.raises(TypeError, match="fitted GANOverSampler"):
        plot_history(42)


def test_plot_history_missing_columns():
    with pytest.raises(ValueError, match="lacks the columns"):
        plot_history({"x": _history().drop(columns="generator_loss")})


# -------------------------------------------------------- plot_real_vs_synthetic
def _mixed(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "height": rng.normal(170, 10, n),
            "children": rng.integers(0, 4, n),
            "colour": pd.Categorical(
                rng.choice(["red", "green"], n), categories=["red", "green", "blue"]
            ),
            "city": rng.choice(np.array(["Oslo", "Lima", "Pune"], dtype=object), n),
            "member": rng.random(n) < 0.3,
        }
    )


def test_real_vs_synthetic_panels():
    real, synthetic = _mixed(80, 0), _mixed(40, 1)
    fig = plot_real_vs_synthetic(real, synthetic, n_cols=3)
    # Five panels on a 2x3 grid: the sixth slot is removed.
    assert [ax.get_title() for ax in fig.axes] == list(real.columns)
    height, children, colour, city, member = fig.axes
    assert len(height.patches) == 2  # one filled histogram per table
    # Integer column with few values: one bin per value.
    bin_edges = [p.get_path().vertices[:, 0] for p in children.patches]
    assert np.min(bin_edges[0]) == pytest.approx(-0.5)
    assert np.max(bin_edges[0]) == pytest.approx(3.5)
    # Categorical panels: declared order, unused categories dropped.
    assert [t.get_text() for t in colour.get_xticklabels()] == ["red", "green"]
    assert len(colour.patches) == 4
    assert {t.get_text() for t in city.get_xticklabels()} == {"Oslo", "Lima", "Pune"}
    assert {t.get_text() for t in member.get_xticklabels()} == {"True", "False"}
    # Relative frequencies sum to one per table.
    heights = np.array([p.get_height() for p in city.patches]).reshape(2, 3)
    np.testing.assert_allclose(heights.sum(axis=1), 1.0)
    legend = height.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["real", "synthetic"]


def test_real_vs_synthetic_columns_and_override():
    real, synthetic = _mixed(50, 0), _mixed(50, 1)
    fig = plot_real_vs_synthetic(
        real,
        synthetic,
        columns=["children", "city"],
        categorical_features=["children"],
        labels=("original", "generated"),
    )
    assert len(fig.axes) == 2
    children, city = fig.axes
    # Forced categorical: bars with one tick per value.
    assert len(children.get_xticklabels()) == len(
        set(real["children"]) | set(synthetic["children"])
    )
    # Text columns stay bar charts whether listed or not.
    assert {t.get_text() for t in city.get_xticklabels()} == {"Oslo", "Lima", "Pune"}
    assert [t.get_text() for t in children.get_legend().get_texts()] == [
        "original",
        "generated",
    ]


def test_real_vs_synthetic_arrays():
    rng = np.random.default_rng(0)
    real = rng.integers(0, 17, size=(30, 5))
    synthetic = rng.integers(0, 17, size=(20, 5))
    fig = plot_real_vs_synthetic(real, synthetic, columns=[0, 4])
    assert [ax.get_title() for ax in fig.axes] == ["0", "4"]


def test_real_vs_synthetic_missing_values():
    real = pd.DataFrame(
        {
            "x": [1.5, np.nan, 2.5, 3.0],
            "c": pd.Series(["a", None, "b", "a"], dtype=object),
        }
    )
    synthetic = pd.DataFrame(
        {"x": [1.0, 2.0, 2.0, 4.0], "c": pd.Series(["a", "b", "b", "b"], dtype=object)}
    )
    fig = plot_real_vs_synthetic(real, synthetic)
    x_ax, c_ax = fig.axes
    assert "missing: 25% vs 0%" in x_ax.get_title()
    assert [t.get_text() for t in c_ax.get_xticklabels()] == ["b", "a", "(missing)"]
    heights = np.array([p.get_height() for p in c_ax.patches]).reshape(2, 3)
    np.testing.assert_allclose(heights, [[0.25, 0.5, 0.25], [0.75, 0.25, 0.0]])


def test_real_vs_synthetic_constant_column():
    real = pd.DataFrame({"a": [1.5, 1.5, 1.5]})
    fig = plot_real_vs_synthetic(real, real.copy())
    assert len(fig.axes) == 1


@pytest.mark.parametrize(
    "values",
    [
        [-1.7e308, 1.7e308, 0.0, 1e300],  # the range overflows float64
        [1e20, 1e20, 1e20],  # constant, where x - 0.5 == x
        [2.0**53, 2.0**53 + 2, 2.0**53 + 4],  # integers floats cannot halve
    ],
)
def test_real_vs_synthetic_extreme_magnitudes(values):
    real = pd.DataFrame({"x": values})
    fig = plot_real_vs_synthetic(real, real.iloc[::-1])
    assert len(fig.axes[0].patches) == 2  # one histogram per side
    plt.close(fig)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"columns": ["nope"]}, "not found in real"),
        ({"columns": []}, "no columns"),
        ({"bins": 0}, "bins must be a positive integer"),
        ({"n_cols": 1.5}, "n_cols must be a positive integer"),
        ({"categorical_features": "all"}, "categorical_features"),
    ],
)
def test_real_vs_synthetic_errors(kwargs, match):
    real = _mixed(10, 0)
    with pytest.raises(ValueError, match=match):
        plot_real_vs_synthetic(real, real, **kwargs)


def test_real_vs_synthetic_missing_in_synthetic():
    real = _mixed(10, 0)
    with pytest.raises(ValueError, match="not found in synthetic"):
        plot_real_vs_synthetic(real, real.drop(columns="city"))


# ----------------------------------------------------------- missing matplotlib
def test_missing_matplotlib_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install gan-oversampler\[plot\]"):
        plot_history({"x": _history()})
    with pytest.raises(ImportError, match=r"pip install gan-oversampler\[plot\]"):
        plot_real_vs_synthetic(_mixed(5, 0), _mixed(5, 1))


# ------------------------------------------------------------------ integration
def test_plots_of_fitted_sampler(fast):
    from gan_oversampler import GANOverSampler
    from gan_oversampler.datasets import make_teachers

    X, y = make_teachers(120, male_fraction=0.2, random_state=0)
    sampler = GANOverSampler(**fast, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    fig = plot_history(sampler)
    assert len(fig.axes) == 2 * len(sampler.history_)
    synthetic = X_res.iloc[len(X) :]
    fig = plot_real_vs_synthetic(X[y == "male"], synthetic)
    assert len(fig.axes) == X.shape[1]


def test_plot_real_vs_synthetic_unknown_categorical_column():
    frame = pd.DataFrame({10: [1.0, 2.0, 3.0], 20: [0, 1, 0]})
    with pytest.raises(
        ValueError, match=r"categorical_features names column\(s\) \[1\]"
    ):
        plot_real_vs_synthetic(frame, frame, categorical_features=[1])
    fig = plot_real_vs_synthetic(frame, frame, categorical_features=[20])
    plt.close(fig)
