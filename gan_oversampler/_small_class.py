"""Synthetic rows for a class too small for a GAN (``small_class``).

A class with fewer than ``min_class_size`` rows gets no GAN. With
``small_class="random"`` its synthetic rows are copies of randomly chosen rows
(as :class:`~imblearn.over_sampling.RandomOverSampler` makes them); with
``small_class="interpolate"`` each one lies on the segment between two
randomly chosen rows of the class; with ``small_class="smote"`` between a
random row and one of its nearest neighbours in the class, as SMOTE makes
them (categories from the nearer of the two rows). All three work on the
class's rows of the internal frame and return one array of values per column
for :func:`~._validation.restore_table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["copy_rows", "interpolate_rows", "neighbour_rows"]

#: Integers up to this magnitude are exact in float64 arithmetic.
_EXACT_FLOAT_INTEGERS = 2.0**53

#: Neighbours a row is paired with under ``small_class="smote"`` (SMOTE's
#: default ``k_neighbors``), fewer when the class has fewer other rows.
SMOTE_NEIGHBOURS = 5

#: What a differing category adds to the squared distance under
#: ``small_class="smote"``, where each numeric column counts in units of its
#: standard deviation in the class (the value measured on the benchmark;
#: imbalanced-learn's SMOTENC adds the squared median standard deviation,
#: 1.0 at unit spread).
_CATEGORY_MISMATCH = 0.5

#: Distances computed at once (rows x class rows), which bounds the memory
#: when ``min_class_size`` admits large classes.
_BLOCK_ELEMENTS = 2**22


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
    return _blend(rows, _blended(rows, numeric), first, second, rng.random(n_samples))


def _blended(rows: pd.DataFrame, numeric: list[bool]) -> list[bool]:
    """For each column, whether its values are blended between two rows."""
    return [
        _is_float_or_int(rows[c], f) for c, f in zip(rows.columns, numeric, strict=True)
    ]


def _blend(
    rows: pd.DataFrame,
    blended: list[bool],
    first: np.ndarray,
    second: np.ndarray,
    weight: np.ndarray,
) -> list[object]:
    """The rows between rows ``first`` and ``second`` at ``weight``: blended
    columns on the segment (:func:`_between`), the others from the nearer
    row (``first`` when ``weight < 0.5``)."""
    nearer = np.where(weight < 0.5, first, second)
    columns = []
    for name, blend in zip(rows.columns, blended, strict=True):
        column = rows[name]
        values = _values(column.iloc[nearer])
        if blend:
            values = _between(column, first, second, weight, values)
        columns.append(values)
    return columns


def _is_float_or_int(column: pd.Series, is_numeric: bool) -> bool:
    """Whether a numeric column's values can be blended (not booleans, and not
    object columns of Python ints, which are kept exact)."""
    dtype = column.dtype
    if not is_numeric or pd.api.types.is_bool_dtype(dtype):
        return False
    return pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)


def _between(
    column: pd.Series,
    first: np.ndarray,
    second: np.ndarray,
    weight: np.ndarray,
    otherwise: object,
) -> object:
    """``a + weight * (b - a)`` for rows ``first`` (a) and ``second`` (b) of a
    float or integer column, rounded in an integer column; where that is
    missing or inexact (a gap, an integer beyond 2**53) the value of
    ``otherwise``."""
    dtype = column.dtype
    floats = column.to_numpy(dtype=np.float64, na_value=np.nan)
    a, b = floats[first], floats[second]
    between = a + weight * (b - a)
    usable = np.isfinite(between)
    if pd.api.types.is_integer_dtype(dtype):
        between = np.round(between)
        usable &= (np.abs(a) < _EXACT_FLOAT_INTEGERS) & (
            np.abs(b) < _EXACT_FLOAT_INTEGERS
        )
    result = pd.Series(otherwise, dtype=dtype, copy=True)
    result[usable] = between[usable].astype(
        dtype.numpy_dtype if hasattr(dtype, "numpy_dtype") else dtype
    )
    return _values(result)


def neighbour_rows(
    rows: pd.DataFrame, numeric: list[bool], n_samples: int, rng: np.random.Generator
) -> list[object]:
    """``n_samples`` rows, each between a row of the class and a near neighbour.

    As SMOTE makes them: each new row takes a random row ``a`` of the class,
    one of its ``k = min(5, n - 1)`` nearest neighbours ``b`` among the
    class's other rows, chosen at random, and a weight ``t`` uniform in
    ``[0, 1)``. A numeric value is ``a + t * (b - a)``, rounded in an integer
    column; a categorical or boolean value, a missing value and an integer
    beyond 2**53 come from the nearer of the two rows (``a`` when
    ``t < 0.5``), as with :func:`interpolate_rows`. SMOTENC takes the most
    frequent category of ``a``'s neighbours instead, which in a class this
    small (the neighbours are most of the class) gives nearly every new row
    the same categories. Distances are Euclidean over the numeric columns,
    each divided by its standard deviation in the class (gaps at the column's
    median); each differing category adds 0.5 to the squared distance (half
    of SMOTENC's weight at unit spread). A class of one row gets copies of
    it.

    Parameters
    ----------
    rows : DataFrame
        The class's rows of the internal frame.
    numeric : list of bool
        For each column, whether it is numeric.
    n_samples : int
        Number of rows to make.
    rng : numpy.random.Generator
        Draws the rows, the neighbours and the weights.

    Returns
    -------
    list
        One array of values per column, in each column's dtype.
    """
    n = len(rows)
    k = min(SMOTE_NEIGHBOURS, n - 1)
    if k == 0:
        return copy_rows(rows, n_samples, rng)
    blended = _blended(rows, numeric)
    neighbours = _nearest(rows, blended, k)
    first = rng.integers(n, size=n_samples)
    second = neighbours[first, rng.integers(k, size=n_samples)]
    return _blend(rows, blended, first, second, rng.random(n_samples))


def _nearest(rows: pd.DataFrame, blended: list[bool], k: int) -> np.ndarray:
    """Each row's ``k`` nearest other rows, nearest first (ties by position).

    ``blended`` marks the columns measured as numbers; every other column
    (missing values included) counts as a category.
    """
    scaled, categories = [], []
    for name, blend in zip(rows.columns, blended, strict=True):
        if not blend:
            categories.append(pd.factorize(rows[name], use_na_sentinel=False)[0])
            continue
        values = rows[name].to_numpy(dtype=np.float64, na_value=np.nan)
        finite = np.isfinite(values)
        if not finite.any():
            continue
        values = np.where(finite, values, np.median(values[finite]))
        # Divided by the largest magnitude first, so that the spread of
        # values near the float limit does not overflow.
        largest = np.abs(values).max()
        if largest > 0:
            values = values / largest
        spread = values.std()
        scaled.append((values - values.mean()) / (spread if spread > 0 else 1.0))
    n = len(rows)
    neighbours = np.empty((n, k), dtype=np.intp)
    step = max(1, _BLOCK_ELEMENTS // n)
    for start in range(0, n, step):
        block = slice(start, min(start + step, n))
        # Column by column, so equal distances are equal and tie by position.
        squared = np.zeros((block.stop - start, n))
        for values in scaled:
            squared += np.subtract.outer(values[block], values) ** 2
        for column in categories:
            squared += _CATEGORY_MISMATCH * np.not_equal.outer(column[block], column)
        squared[np.arange(block.stop - start), np.arange(start, block.stop)] = np.inf
        neighbours[block] = _smallest(squared, k)
    return neighbours


def _smallest(squared: np.ndarray, k: int) -> np.ndarray:
    """Positions of each row's ``k`` smallest values, smallest first, ties by
    position (as a stable sort gives them, without sorting whole rows)."""
    kth = np.partition(squared, k - 1, axis=1)[:, k - 1 : k]
    # Every row holds at least k values up to its k-th smallest.
    rows, columns = np.nonzero(squared <= kth)
    order = np.lexsort((columns, squared[rows, columns], rows))
    rows, columns = rows[order], columns[order]
    starts = np.searchsorted(rows, np.arange(len(squared)))
    return columns[starts[:, None] + np.arange(k)]
