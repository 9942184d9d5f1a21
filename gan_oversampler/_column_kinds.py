"""The package's one rule for which dtypes are categorical and which numeric.

``categorical_features="auto"`` in the sampler, the metrics and the plots all
decide a column's kind here, so a column is treated the same way wherever it
goes.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["is_categorical_dtype", "is_numeric_dtype"]


def is_categorical_dtype(dtype: object) -> bool:
    """Whether ``categorical_features="auto"`` treats ``dtype`` as categorical.

    Parameters
    ----------
    dtype : numpy or pandas dtype
        A column's dtype.

    Returns
    -------
    bool
        True for ``category``, ``bool`` (also the nullable ``boolean``),
        ``object`` and string dtypes. Numbers are numeric; other dtypes
        (datetimes, intervals, ...) are neither.
    """
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def is_numeric_dtype(dtype: object) -> bool:
    """Whether a column of ``dtype`` can be modelled as numbers.

    Parameters
    ----------
    dtype : numpy or pandas dtype
        A column's dtype.

    Returns
    -------
    bool
        True for integer, float and bool dtypes (bools as 0 and 1, for a
        boolean column the caller has not declared categorical).
    """
    return pd.api.types.is_numeric_dtype(dtype)
