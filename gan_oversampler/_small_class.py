"""Synthetic rows for a class too small for a GAN (``small_class``).

A class with fewer than ``min_class_size`` rows gets no GAN. With
``small_class="random"`` its synthetic rows are copies of randomly chosen rows
(as :class:`~imblearn.over_sampling.RandomOverSampler` makes them); with
``small_class="interpolate"`` each one lies on the segment between two
randomly chosen rows of the class, as SMOTE's do (with so few rows, every row
is a neighbour of every other). Both work on the class's rows of the internal
frame and return one array of values per column for
:func:`~._validation.restore_table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["copy_rows", "interpolate_rows"]

#: Integers up to this magnitude are exact in float64 arithmetic.
_EXACT_FLOAT_INTEGERS = 2.0**53


def _values(column: pd.Series) -> object:
    """A column's values; nullable integers stay exact (to_numpy gives floats)."""
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return column.array
    return column.to_numpy()


def copy_rows(
    rows: pd.DataFrame, n_samples: int, rng: np.random.Generator
) -> list[object]:
    """``n_samples`` copies of randomly chosen rows, as per-column values.

    Parameters
    ----------
    rows : DataFrame
        The class's rows of the internal frame.
    n_samples : int
        Number of rows to make.
    rng : numpy.random.Generator
        Chooses the rows.

    Returns
    -------
    list
        One array of values per column.
    """
    picked = rows.iloc[rng.integers(len(rows), size=n_samples)]
    return [_values(picked[c]) for c in rows.columns]


def interpolate_rows(
    rows: pd.DataFrame, numeric: list[bool], n_samples: int, rng: np.random.Generator
) -> list[object]:
    """``n_samples`` rows between pairs of randomly chosen rows of the class.

    Each new row takes two rows ``a`` and ``b`` of the class (drawn
    independently, so they may coincide) and a weight ``t`` uniform in
    ``[0, 1)``: a numeric value is ``a + t * (b - a)``, rounded in an integer
    column; a categorical value, a missing value, a boolean and an integer
    beyond 2**53 come from the nearer of the two rows (``a`` when ``t < 0.5``),
    so every value is one the class has or lies between two it has.

    Parameters
    ----------
    rows : DataFrame
        The class's rows of the internal frame.
    numeric : list of bool
        For each column, whether it is numeric.
    n_samples : int
        Number of rows to make.
    rng : numpy.random.Generator
        Draws the pairs and the weights.

    Returns
    -------
    list
        One array of values per column, in each column's dtype.
    """
    first = rng.integers(len(rows), size=n_samples)
    second = rng.integers(len(rows), size=n_samples)
    weight = rng.random(n_samples)
    nearer = np.where(weight < 0.5, first, second)
    columns = []
    for name, is_numeric in zip(rows.columns, numeric, strict=True):
        column = rows[name]
        values = _values(column.iloc[nearer])
        dtype = column.dtype
        if not is_numeric or pd.api.types.is_bool_dtype(dtype):
            columns.append(values)
            continue
        if not (
            pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)
        ):  # object columns of Python ints: kept exact
            columns.append(values)
            continue
        floats = column.to_numpy(dtype=np.float64, na_value=np.nan)
        a, b = floats[first], floats[second]
        between = a + weight * (b - a)
        usable = np.isfinite(between)
        if pd.api.types.is_integer_dtype(dtype):
            between = np.round(between)
            usable &= (np.abs(a) < _EXACT_FLOAT_INTEGERS) & (
                np.abs(b) < _EXACT_FLOAT_INTEGERS
            )
        result = pd.Series(values, dtype=dtype, copy=True)
        result[usable] = between[usable].astype(
            dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype
        )
        columns.append(_values(result))
    return columns
