"""Distance to closest record: are synthetic rows copies of real ones?"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ._inputs import _design, _prepare


def _distance_space(
    real_df: pd.DataFrame,
    synth_df: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    indicators: dict[str, str],
) -> ColumnTransformer:
    """Encoder fitted on ``real_df`` (gaps filled, see :func:`_design`).

    The scaler learns each numeric column's mean and standard deviation from
    the observed values only; a column with no observed value keeps just its
    indicator.  The one-hot encoder knows the categories of both frames, so
    that a synthetic category absent from ``real_df`` costs a squared distance
    of 1 like any other mismatch.  Indicators pass through unscaled, so a
    mismatch costs a squared distance of 1.
    """
    fit_frame = real_df.copy()
    for value, flag in indicators.items():
        fit_frame.loc[fit_frame[flag].to_numpy() == 1.0, value] = np.nan
    scaled = [c for c in numeric if fit_frame[c].notna().any()]
    transformers = []
    if scaled:
        transformers.append(("num", StandardScaler(), scaled))
    if categorical:
        # A category mismatch flips two one-hot entries; scaling by 1/sqrt(2)
        # makes it cost a squared distance of 1, like a 1-sd numeric gap.
        categories = [
            np.unique(np.r_[real_df[c].to_numpy(), synth_df[c].to_numpy()])
            for c in categorical
        ]
        onehot = OneHotEncoder(categories=categories, sparse_output=False)
        transformers.append(("cat", onehot, categorical))
    if indicators:
        transformers.append(("missing", "passthrough", list(indicators.values())))
    weights = {name: 1.0 for name, _, _ in transformers}
    if categorical:
        weights["cat"] = 1.0 / np.sqrt(2.0)
    return ColumnTransformer(transformers, transformer_weights=weights).fit(fit_frame)


def distance_to_closest_record(
    real: Any, synthetic: Any, *, categorical_features: Any = "auto"
) -> float:
    """How close synthetic rows are to real ones, relative to real-real gaps.

    The median, over synthetic rows, of the Euclidean distance to the nearest
    real row, divided by the median, over real rows, of the distance to the
    nearest *other* real row.  Distances are computed after standardising
    numeric columns and one-hot encoding categorical columns, both fitted on
    ``real``; one-hot columns are scaled by 1/sqrt(2) so that a different
    category adds 1 to the squared distance, like a one-standard-deviation
    numeric difference; this holds for categories absent from ``real`` too.

    Missing values: a missing category is a category of its own.  Each
    numeric column with a missing value in ``real`` or ``synthetic`` gets a
    0/1 "is missing" indicator, unscaled, so that a missing value facing an
    observed one adds 1 to the squared distance, like a different category;
    the gaps themselves are filled with the median of ``real``'s observed
    values, so that two missing values are at distance 0.  Numeric columns
    are standardised with the mean and standard deviation of ``real``'s
    observed values; a column with no observed value in ``real`` counts
    through its indicator only.  Infinite numbers raise a ``ValueError``.

    Parameters
    ----------
    real : DataFrame or 2-D array of shape (n_real, n_features)
        Real rows; at least 2.
    synthetic : DataFrame or 2-D array of shape (n_synthetic, n_features)
        Synthetic rows with the same columns.
    categorical_features : "auto", None, or array-like, default="auto"
        Which columns are categorical; see :func:`marginal_fidelity`.

    Returns
    -------
    float
        0.0 when (more than half of) the synthetic rows copy real rows; about
        1.0 when synthetic rows are as far from the real rows as real rows are
        from each other; larger when they are farther.  If more than half of
        the real rows have an exact duplicate among the real rows (the
        denominator is 0) the result is 0.0 when the numerator is 0 too and
        ``inf`` otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from gan_oversampler.metrics import distance_to_closest_record
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(300, 2))
    >>> distance_to_closest_record(real, real[:50])
    0.0
    >>> fresh = rng.normal(size=(300, 2))
    >>> 0.5 < distance_to_closest_record(real, fresh) < 1.5
    True
    """
    real_df, synth_df, numeric, categorical = _prepare(
        real, synthetic, categorical_features
    )
    if len(real_df) < 2:
        raise ValueError("distance_to_closest_record needs at least 2 real rows")
    real_df, synth_df, numeric, categorical, indicators = _design(
        real_df, synth_df, numeric, categorical
    )
    space = _distance_space(real_df, synth_df, numeric, categorical, indicators)
    real_z = np.asarray(space.transform(real_df), dtype=float)
    synth_z = np.asarray(space.transform(synth_df), dtype=float)
    nn = NearestNeighbors(n_neighbors=1).fit(real_z)
    synth_d = nn.kneighbors(synth_z, n_neighbors=1, return_distance=True)[0][:, 0]
    # X=None: each real row's neighbours exclude itself (but not its duplicates).
    real_d = nn.kneighbors(None, n_neighbors=1, return_distance=True)[0][:, 0]
    numerator = float(np.median(synth_d))
    denominator = float(np.median(real_d))
    if denominator == 0.0:
        return 0.0 if numerator == 0.0 else float("inf")
    return numerator / denominator
