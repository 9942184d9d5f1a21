"""Plots for checking GAN training and the synthetic rows it produces.

The functions here need matplotlib, an optional dependency installed with
``pip install gan-oversampler[plot]``. It is imported only when a function is
called, so ``import gan_oversampler.plotting`` works without it.

* :func:`plot_history` draws, for each class that got a GAN, the generator and
  discriminator losses and the discriminator's accuracy on real and synthetic
  rows at every epoch.
* :func:`plot_real_vs_synthetic` compares the columns of real and synthetic
  rows: histograms for numeric columns and side-by-side category frequencies
  for categorical ones.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._column_kinds import is_categorical_dtype

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_history", "plot_real_vs_synthetic"]

_HISTORY_COLUMNS = (
    "epoch",
    "generator_loss",
    "discriminator_loss",
    "discriminator_accuracy_real",
    "discriminator_accuracy_fake",
)
_DISTANCE = "marginal_distance"
# Integer columns spanning at most this many values get one bin per value.
_MAX_INTEGER_BINS = 60


def _pyplot() -> Any:
    """Import :mod:`matplotlib.pyplot`, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "gan_oversampler.plotting needs matplotlib, which is not installed. "
            "Install it with: pip install gan-oversampler[plot]"
        ) from exc
    return plt


# --------------------------------------------------------------------- history
class _Curves:
    """One class's training curves, and the epoch whose generator was kept."""

    def __init__(self, frame: pd.DataFrame, best_epoch: int | None) -> None:
        self.frame = frame
        self.best_epoch = best_epoch

    @property
    def has_distance(self) -> bool:
        return _DISTANCE in self.frame.columns and bool(
            self.frame[_DISTANCE].notna().any()
        )


def _history_curves(sampler: object) -> dict[Hashable, _Curves]:
    """Return ``{label: curves}`` from a sampler or a mapping."""
    if isinstance(sampler, Mapping):
        histories = sampler
    elif hasattr(sampler, "history_"):
        histories = sampler.history_
    elif hasattr(sampler, "fit_resample"):
        from sklearn.exceptions import NotFittedError

        raise NotFittedError(
            f"This {type(sampler).__name__} instance is not fitted yet: call "
            "fit_resample before plot_history."
        )
    else:
        raise TypeError(
            "plot_history expects a fitted GANOverSampler or a mapping from class "
            f"label to training history; got {type(sampler).__name__}."
        )
    curves = {}
    for label, history in histories.items():
        frame = history if isinstance(history, pd.DataFrame) else history.to_frame()
        missing = [c for c in _HISTORY_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(
                f"The training history of class {label!r} lacks the columns {missing}."
            )
        curves[label] = _Curves(frame, getattr(history, "best_epoch", None))
    return curves


def _axes_grid(
    ax: object, n_rows: int, n_cols: int, plt: Any
) -> tuple[Figure, np.ndarray]:
    """Return a figure and an ``(n_rows, n_cols)`` object array of axes."""
    if ax is None:
        fig, axes = plt.subplots(
            n_rows,
            n_cols,
            figsize=(5.0 * n_cols, 3.0 * n_rows),
            squeeze=False,
            layout="constrained",
        )
        return fig, axes
    flat = [ax] if not isinstance(ax, Iterable) else list(np.ravel(ax))
    if len(flat) != n_cols * n_rows:
        raise ValueError(
            f"ax must hold {n_cols} axes per plotted class ({n_cols * n_rows} axes "
            f"for {n_rows} class(es)); got {len(flat)}."
        )
    axes = np.empty((n_rows, n_cols), dtype=object)
    for k, one in enumerate(flat):
        axes[k // n_cols, k % n_cols] = one
    return axes[0, 0].figure, axes


def plot_history(
    sampler: object,
    *,
    labels: Sequence[Hashable] | None = None,
    ax: Axes | Sequence[Axes] | np.ndarray | None = None,
) -> Figure:
    """Plot how each class's GAN trained, epoch by epoch.

    Each plotted class gets one row of panels. The first panel shows the
    generator and discriminator losses. The second shows the fraction of
    real rows the discriminator called real and the fraction of synthetic rows
    it called synthetic, with a dashed reference line at 0.5: accuracies that
    hover around 0.5 mean the discriminator can no longer tell the two apart,
    while accuracies stuck near 1.0 mean the generator is losing. When the
    sampler was fitted with ``early_stopping=True``, a third panel shows the
    marginal distance between real and generated rows per epoch (the lowest
    evaluation of each), with the epoch whose generator was kept marked by a
    dotted line.

    Parameters
    ----------
    sampler : GANOverSampler or mapping
        A fitted :class:`~gan_oversampler.GANOverSampler` (its ``history_`` is
        plotted), or a mapping from class label to a
        :class:`~gan_oversampler.TrainingHistory` or to a DataFrame with the
        columns of :meth:`TrainingHistory.to_frame
        <gan_oversampler.TrainingHistory.to_frame>`.
    labels : sequence of hashable, optional
        Classes to plot, in this order. By default every class that has a
        training history, that is every class that was given a GAN (classes
        smaller than ``min_class_size`` are oversampled without one).
    ax : array of matplotlib Axes, optional
        Axes to draw on: two per plotted class (losses, accuracies), or three
        when a plotted history has marginal distances. Give an array of shape
        ``(n_labels, n_panels)`` or a flat sequence. By default a new figure is
        created.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the panels.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the sampler has not been fitted.
    ValueError
        If a requested label has no training history, no class has one, or
        ``ax`` holds the wrong number of axes.

    See Also
    --------
    plot_real_vs_synthetic : Compare the columns of real and synthetic rows.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from gan_oversampler import GANOverSampler
    >>> from gan_oversampler.datasets import make_teachers
    >>> from gan_oversampler.plotting import plot_history
    >>> X, y = make_teachers(200, random_state=0)
    >>> sampler = GANOverSampler(epochs=5, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> fig = plot_history(sampler)
    >>> len(fig.axes)  # one class ("male") gets two panels
    2
    >>> plt.close(fig)
    """
    plt = _pyplot()
    curves = _history_curves(sampler)
    if labels is None:
        labels = list(curves)
    else:
        labels = list(labels)
        unknown = [label for label in labels if label not in curves]
        if unknown:
            raise ValueError(
                f"No training history for class(es) {unknown}; classes with a "
                f"history: {list(curves)}."
            )
    if not labels:
        raise ValueError(
            "There is no training history to plot: no GAN was trained. Classes "
            "that asked for no synthetic rows get none, and classes smaller than "
            "min_class_size are oversampled without one (small_class)."
        )
    with_distance = any(curves[label].has_distance for label in labels)
    fig, axes = _axes_grid(ax, len(labels), 3 if with_distance else 2, plt)
    for row, label in enumerate(labels):
        frame = curves[label].frame
        epoch = frame["epoch"].to_numpy()
        loss_ax, acc_ax = axes[row, 0], axes[row, 1]
        loss_ax.plot(epoch, frame["generator_loss"].to_numpy(), label="generator")
        loss_ax.plot(
            epoch, frame["discriminator_loss"].to_numpy(), label="discriminator"
        )
        loss_ax.set_title(f"class {label!r}: losses")
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("loss")
        acc_ax.plot(
            epoch, frame["discriminator_accuracy_real"].to_numpy(), label="real rows"
        )
        acc_ax.plot(
            epoch,
            frame["discriminator_accuracy_fake"].to_numpy(),
            label="synthetic rows",
        )
        acc_ax.axhline(0.5, color="0.4", linestyle="--", linewidth=1.0)
        acc_ax.set_ylim(-0.03, 1.03)
        acc_ax.set_title(f"class {label!r}: discriminator accuracy")
        acc_ax.set_xlabel("epoch")
        acc_ax.set_ylabel("accuracy")
        if with_distance:
            _distance_panel(axes[row, 2], curves[label], label)
        if row == 0:
            loss_ax.legend(loc="best", fontsize="small")
            acc_ax.legend(loc="best", fontsize="small")
    return fig


def _distance_panel(ax: Axes, curves: _Curves, label: Hashable) -> None:
    ax.set_title(f"class {label!r}: marginal distance")
    ax.set_xlabel("epoch")
    ax.set_ylabel("distance")
    if not curves.has_distance:
        ax.text(
            0.5,
            0.5,
            "not recorded",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="0.4",
        )
        return
    evaluated = curves.frame.dropna(subset=[_DISTANCE])
    ax.plot(
        evaluated["epoch"].to_numpy(),
        evaluated[_DISTANCE].to_numpy(),
        marker="o",
        markersize=3,
        color="C2",
    )
    if curves.best_epoch is not None:
        ax.axvline(
            curves.best_epoch,
            color="0.4",
            linestyle=":",
            linewidth=1.0,
            label=f"kept: epoch {curves.best_epoch}",
        )
        ax.legend(loc="best", fontsize="small")


# ------------------------------------------------------------ real vs synthetic
def _as_frame(data: object, name: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.to_frame()
    array = np.asarray(data)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional; got shape {array.shape}.")
    return pd.DataFrame(array)


def _categories(real: pd.Series, synthetic: pd.Series) -> list[object]:
    """Categories to show: declared order for categoricals, else by frequency."""
    if isinstance(real.dtype, pd.CategoricalDtype):
        declared = list(real.cat.categories)
        seen = set(real.dropna()) | set(synthetic.dropna())
        return [c for c in declared if c in seen]
    counts = pd.concat([real, synthetic], ignore_index=True).astype(object)
    return list(counts.value_counts(sort=True).index)


def _bar_panel(
    ax: Axes, real: pd.Series, synthetic: pd.Series, labels: tuple[str, str]
) -> None:
    categories = _categories(real, synthetic)
    # Missing values get a bar of their own, after the categories.
    has_missing = bool(real.isna().any() or synthetic.isna().any())
    names = [str(c) for c in categories] + (["(missing)"] if has_missing else [])
    positions = np.arange(len(names))
    width = 0.4
    for offset, values, label in (
        (-width / 2, real, labels[0]),
        (width / 2, synthetic, labels[1]),
    ):
        n = max(len(values), 1)
        counts = values.dropna().astype(object).value_counts()
        heights = [float(counts.get(c, 0)) / n for c in categories]
        if has_missing:
            heights.append(float(values.isna().sum()) / n)
        ax.bar(positions + offset, heights, width=width, label=label)
    ax.set_xticks(positions)
    ax.set_xticklabels(names, rotation=45, ha="right")
    ax.set_ylabel("frequency")


def _missing_note(real: pd.Series, synthetic: pd.Series) -> str:
    """Title suffix giving the share of missing values, when there are any."""
    real_share, synthetic_share = real.isna().mean(), synthetic.isna().mean()
    if real_share == 0 and synthetic_share == 0:
        return ""
    return f"\n(missing: {real_share:.0%} vs {synthetic_share:.0%})"


def _hist_panel(
    ax: Axes,
    real: pd.Series,
    synthetic: pd.Series,
    labels: tuple[str, str],
    bins: int,
) -> None:
    a = pd.to_numeric(real, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    b = pd.to_numeric(synthetic, errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    both = np.concatenate([a, b])
    both = both[np.isfinite(both)]
    if both.size == 0:
        ax.text(0.5, 0.5, "no finite values", ha="center", transform=ax.transAxes)
        return
    low, high = float(both.min()), float(both.max())
    # Unit bins only where floats still tell x - 0.5, x and x + 0.5 apart.
    exact = max(abs(low), abs(high)) < 2.0**50
    integer = exact and bool(np.all(both == np.round(both)))
    if integer and high - low <= _MAX_INTEGER_BINS:
        edges = np.arange(low - 0.5, high + 1.5)
    elif high > low:
        # Weighted ends, not low + k * (high - low): the range may overflow
        # (values near +-1.8e308); unique, as neighbouring floats may coincide.
        t = np.linspace(0.0, 1.0, bins + 1)
        edges = np.unique(low * (1.0 - t) + high * t)
    else:
        half = max(0.5, abs(low) * 1e-6)  # a visible width at any magnitude
        edges = np.array([low - half, low + half])
    for values, label in ((a, labels[0]), (b, labels[1])):
        values = values[np.isfinite(values)]
        ax.hist(
            values,
            bins=edges,
            density=True,
            alpha=0.55,
            label=label,
            histtype="stepfilled",
        )
    ax.set_ylabel("density")


def plot_real_vs_synthetic(
    real: pd.DataFrame | np.ndarray,
    synthetic: pd.DataFrame | np.ndarray,
    *,
    columns: Sequence[Hashable] | None = None,
    categorical_features: str | Sequence[Hashable] = "auto",
    bins: int = 20,
    n_cols: int = 4,
    labels: tuple[str, str] = ("real", "synthetic"),
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Compare the columns of real rows and synthetic rows.

    Each column gets one panel. Numeric columns are drawn as overlaid density
    histograms on shared bins (one bin per value for integer columns with few
    distinct values); categorical columns as side-by-side bars of the relative
    frequency of each category. Frequencies and densities are normalised, so
    tables of different sizes can be compared. Missing values get a bar of
    their own in categorical panels; for numeric columns, their share in each
    table is given in the panel's title.

    Parameters
    ----------
    real : DataFrame or array-like of shape (n_real, n_features)
        Real rows, for example the minority class of the training data.
    synthetic : DataFrame or array-like of shape (n_synthetic, n_features)
        Synthetic rows with the same columns, for example the output of
        :meth:`GANOverSampler.sample <gan_oversampler.GANOverSampler.sample>`.
    columns : sequence of hashable, optional
        Columns to plot, in this order: labels for DataFrames, positions for
        arrays. By default all columns of ``real``.
    categorical_features : "auto" or sequence of hashable, default="auto"
        Columns drawn as bar charts, given like ``columns`` (labels for
        DataFrames, positions for arrays). Columns of ``real`` with a
        categorical, object, string or boolean dtype always are; list numeric
        columns here to draw them as bars too (for example integer codes). The
        other columns get histograms.
    bins : int, default=20
        Number of histogram bins for numeric columns that are not small-range
        integers.
    n_cols : int, default=4
        Number of panels per row of the figure.
    labels : tuple of str, default=("real", "synthetic")
        Legend entries of the two tables.
    figsize : tuple of float, optional
        Figure size in inches. By default about 3 by 2.6 inches per panel.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding one panel per column.

    Raises
    ------
    ValueError
        If a requested column (in ``columns`` or ``categorical_features``) is
        missing, ``bins`` or ``n_cols`` is not a positive integer, or there is
        nothing to plot.

    See Also
    --------
    plot_history : Plot the training curves of each class's GAN.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from gan_oversampler import GANOverSampler
    >>> from gan_oversampler.datasets import make_teachers
    >>> from gan_oversampler.plotting import plot_real_vs_synthetic
    >>> X, y = make_teachers(200, random_state=0)
    >>> sampler = GANOverSampler(epochs=5, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> synthetic_men = sampler.sample(50, "male")
    >>> fig = plot_real_vs_synthetic(
    ...     X[y == "male"], synthetic_men, columns=["age", "salary", "subject"]
    ... )
    >>> len(fig.axes)  # one panel per column
    3
    >>> plt.close(fig)
    """
    plt = _pyplot()
    for name, value in (("bins", bins), ("n_cols", n_cols)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    real_frame = _as_frame(real, "real")
    synthetic_frame = _as_frame(synthetic, "synthetic")
    columns = list(real_frame.columns) if columns is None else list(columns)
    if not columns:
        raise ValueError("There are no columns to plot.")
    for frame, name in ((real_frame, "real"), (synthetic_frame, "synthetic")):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"Column(s) {missing} not found in {name}.")
    categorical = {c for c in columns if is_categorical_dtype(real_frame[c].dtype)}
    if isinstance(categorical_features, str):
        if categorical_features != "auto":
            raise ValueError(
                "categorical_features must be 'auto' or a sequence of column "
                f"labels; got {categorical_features!r}."
            )
    else:
        unknown = [c for c in categorical_features if c not in real_frame.columns]
        if unknown:
            raise ValueError(
                f"categorical_features names column(s) {unknown} not found in real; "
                "give column labels, as for columns (positions for arrays)."
            )
        categorical |= set(categorical_features)

    n_panels = len(columns)
    n_cols = min(int(n_cols), n_panels)
    n_rows = -(-n_panels // n_cols)
    if figsize is None:
        figsize = (3.0 * n_cols, 2.6 * n_rows)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=figsize, squeeze=False, layout="constrained"
    )
    flat = axes.ravel()
    for ax, column in zip(flat, columns, strict=False):
        if column in categorical:
            _bar_panel(ax, real_frame[column], synthetic_frame[column], labels)
        else:
            _hist_panel(
                ax, real_frame[column], synthetic_frame[column], labels, int(bins)
            )
        ax.set_title(
            str(column) + _missing_note(real_frame[column], synthetic_frame[column])
        )
    for ax in flat[n_panels:]:
        fig.delaxes(ax)
    # One legend for the figure, on the first panel that has something drawn.
    for ax in flat[:n_panels]:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize="small")
            break
    return fig
