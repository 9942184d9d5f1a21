"""Per-column distances: Kolmogorov-Smirnov, total variation, marginal fidelity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._inputs import _categorical_values, _prepare


def ks_statistic(a: Any, b: Any) -> float:
    """Two-sample Kolmogorov-Smirnov statistic.

    The largest absolute difference between the empirical cumulative
    distribution functions of ``a`` and ``b``.  Missing values are ignored.

    Parameters
    ----------
    a, b : array-like of shape (n,) and (m,)
        The two samples.

    Returns
    -------
    float
        A value in [0, 1]: 0 for identical empirical distributions, 1 when
        every value of one sample is below every value of the other.

    Examples
    --------
    >>> from gan_oversampler.metrics import ks_statistic
    >>> ks_statistic([1, 2, 3, 4], [3, 4, 5, 6])
    0.5
    >>> ks_statistic([1, 2], [5, 6])
    1.0
    """
    x = np.sort(np.asarray(a, dtype=float).ravel())
    z = np.sort(np.asarray(b, dtype=float).ravel())
    x = x[~np.isnan(x)]
    z = z[~np.isnan(z)]
    if x.size == 0 or z.size == 0:
        raise ValueError("both samples need at least one non-missing value")
    points = np.concatenate([x, z])
    cdf_x = np.searchsorted(x, points, side="right") / x.size
    cdf_z = np.searchsorted(z, points, side="right") / z.size
    return float(np.max(np.abs(cdf_x - cdf_z)))


def total_variation_distance(a: Any, b: Any) -> float:
    """Total variation distance between the category frequencies of two samples.

    Half the sum, over every category seen in either sample, of the absolute
    difference between its relative frequencies.  Missing values count as a
    category of their own.  Values are compared as strings, except that
    numbers are compared by value whatever their dtype (``1`` equals ``1.0``
    and ``np.float32(1.0)``; ``True`` stays distinct from ``1``).

    Parameters
    ----------
    a, b : array-like of shape (n,) and (m,)
        The two samples.

    Returns
    -------
    float
        A value in [0, 1]: 0 for identical frequencies, 1 when the samples
        share no category.

    Examples
    --------
    >>> from gan_oversampler.metrics import total_variation_distance
    >>> total_variation_distance(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    0.25
    >>> total_variation_distance(["a", "b"], ["c"])
    1.0
    """
    p = _categorical_values(pd.Series(np.asarray(a, dtype=object).ravel()))
    q = _categorical_values(pd.Series(np.asarray(b, dtype=object).ravel()))
    if p.empty or q.empty:
        raise ValueError("both samples need at least one value")
    # Integer arithmetic keeps the answer exact for identical/disjoint samples.
    counts = pd.concat([p.value_counts(), q.value_counts()], axis=1).fillna(0)
    cp = counts.iloc[:, 0].to_numpy(dtype=np.int64)
    cq = counts.iloc[:, 1].to_numpy(dtype=np.int64)
    return float(np.abs(cp * len(q) - cq * len(p)).sum() / (2 * len(p) * len(q)))


def marginal_fidelity(
    real: Any, synthetic: Any, *, categorical_features: Any = "auto"
) -> pd.Series:
    """Per-column similarity of the marginal distributions.

    ``1 - KS statistic`` (:func:`ks_statistic`) for numeric columns and
    ``1 - total variation distance`` (:func:`total_variation_distance`) for
    categorical ones, so 1.0 means identical marginals and 0.0 means disjoint
    ones.  Use ``.mean()`` on the result for a single score.

    Parameters
    ----------
    real : DataFrame or 2-D array of shape (n_real, n_features)
        Real rows.
    synthetic : DataFrame or 2-D array of shape (n_synthetic, n_features)
        Synthetic rows with the same columns.
    categorical_features : "auto", None, or array-like, default="auto"
        Which columns are categorical: ``"auto"`` takes every column of
        ``real`` with an object, string, category or bool dtype, the rule
        ``GANOverSampler`` follows; ``None`` means none; otherwise a boolean
        mask, a list of integer positions or a list of column names. As in
        ``GANOverSampler`` and scikit-learn, a list of integers gives positions
        even when the columns are labelled with integers (``[0]`` is the first
        column, whatever its label); any other list gives column names.

    Returns
    -------
    pandas.Series
        One value in [0, 1] per column, indexed by column name, named
        ``"marginal_fidelity"``.  Missing values in numeric columns are
        ignored; a numeric column missing in all rows of either input gives
        NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from gan_oversampler.metrics import marginal_fidelity
    >>> real = pd.DataFrame({"age": [20, 30, 40, 50], "pet": ["cat", "dog"] * 2})
    >>> fake = pd.DataFrame({"age": [40, 50, 60, 70], "pet": ["cat"] * 4})
    >>> marginal_fidelity(real, fake)
    age    0.5
    pet    0.5
    Name: marginal_fidelity, dtype: float64
    >>> float(marginal_fidelity(real, fake).mean())
    0.5
    """
    real_df, synth_df, _, categorical = _prepare(
        real, synthetic, categorical_features, allow_inf=True
    )
    scores = {}
    for col in real_df.columns:
        if col in categorical:
            scores[col] = 1.0 - total_variation_distance(real_df[col], synth_df[col])
        else:
            a = real_df[col].to_numpy()
            b = synth_df[col].to_numpy()
            if np.isnan(a).all() or np.isnan(b).all():
                scores[col] = np.nan
            else:
                scores[col] = 1.0 - ks_statistic(a, b)
    return pd.Series(scores, name="marginal_fidelity", dtype=float).reindex(
        real_df.columns
    )
