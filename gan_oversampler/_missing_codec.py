"""Whether a numeric value is missing: a two-slot one-hot span per gappy column.

With ``missing="model"``, each numeric column that has gaps gets an indicator
span ``(present, missing)`` after the categorical spans. The numeric value
itself is imputed with the column's median (:mod:`._numeric_codec`); decoding
puts the gaps back where the generator's indicator says "missing", never in a
class that had none, and always where a class had no values at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder

__all__ = ["MissingCodec"]


class MissingCodec:
    """The missing-value indicator of one numeric column.

    Parameters
    ----------
    column : int
        The column's position in the schema.
    position : int
        Its position among the numeric columns (in the numeric block).
    """

    def __init__(self, column: int, position: int) -> None:
        self.column = column
        self.position = position

    @property
    def name(self) -> str:
        """The indicator's column name in the ColumnTransformer's input."""
        return f"m{self.column}"

    @staticmethod
    def encoder() -> OneHotEncoder:
        """The one-hot encoder of the indicator: ``(present, missing)``.

        Returns
        -------
        OneHotEncoder
        """
        return OneHotEncoder(categories=[[False, True]], sparse_output=False)

    def flags(self, raw: np.ndarray) -> np.ndarray:
        """Which rows miss the value.

        Parameters
        ----------
        raw : ndarray of shape (n_rows, n_numeric)
            The numeric block with gaps as NaN.

        Returns
        -------
        ndarray of bool
        """
        return np.isnan(raw[:, self.position])

    @staticmethod
    def allowed(flags: np.ndarray) -> np.ndarray:
        """The indicator's slots a class may generate.

        Parameters
        ----------
        flags : ndarray of bool
            :meth:`flags` of the class's rows.

        Returns
        -------
        ndarray of bool, shape (2,)
            ``present`` unless the class has no values, ``missing`` if it has
            any gap.
        """
        return np.array([not flags.all(), flags.any()])

    @staticmethod
    def decode(block: np.ndarray, allowed: np.ndarray, values: np.ndarray) -> object:
        """Put the gaps the generator chose into a decoded numeric column.

        Parameters
        ----------
        block : ndarray of shape (n_rows, 2)
            The indicator span of the generator output.
        allowed : ndarray of bool, shape (2,)
            The class's :meth:`allowed` slots.
        values : ndarray
            The decoded column (floats, or exact integers).

        Returns
        -------
        ndarray or pandas.arrays.IntegerArray
            Floats with NaN gaps; exact integers as a nullable ``Int64`` or
            ``UInt64`` array with ``<NA>`` gaps.
        """
        gaps = np.where(allowed, block, -np.inf).argmax(axis=1) == 1
        if values.dtype.kind in "iu":  # exact integers: keep them exact
            nullable = "UInt64" if values.dtype.kind == "u" else "Int64"
            column = pd.array(values, dtype=nullable)
            column[gaps] = pd.NA
            return column
        return np.where(gaps, np.nan, values)
