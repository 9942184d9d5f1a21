"""Inspect the user's table: which columns are numeric or categorical, and why not.

:func:`inspect_table` turns the ``X`` given to ``fit_resample`` (a DataFrame, a
NumPy array or anything :func:`numpy.asarray` accepts) into

* a :class:`TableSchema` that remembers each column's name, kind and dtype, so
  that synthetic rows can be given back in exactly the caller's format; and
* a plain DataFrame with positional string column names (``"c0"``, ``"c1"``,
  ...), float64 numeric columns and object categorical columns, which is what
  the encoder consumes.

Every user error (sparse input, dates, missing or infinite values, unknown
column names) is reported here with a message that says how to fix it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["ColumnSpec", "TableSchema", "inspect_table", "restore_table"]


@dataclass(frozen=True)
class ColumnSpec:
    """What the sampler knows about one input column.

    Parameters
    ----------
    name : hashable
        The column's label in the caller's DataFrame, or its position for arrays.
    kind : {"numeric", "categorical"}
        How the column is encoded.
    dtype : numpy or pandas dtype
        The dtype synthetic values are cast back to.
    integer : bool
        Whether a numeric column only holds integers (synthetic values are
        rounded).
    """

    name: Hashable
    kind: str
    dtype: object
    integer: bool = False


@dataclass(frozen=True)
class TableSchema:
    """The layout of the table given to ``fit_resample``.

    Parameters
    ----------
    columns : tuple of ColumnSpec
        One entry per column, in the caller's order.
    container : {"dataframe", "array"}
        Whether the caller passed a DataFrame or an array-like.
    array_dtype : numpy dtype or None
        The dtype of the caller's array (``None`` for DataFrames).
    """

    columns: tuple[ColumnSpec, ...]
    container: str
    array_dtype: np.dtype | None = None

    @property
    def numeric(self) -> list[int]:
        """Positions of the numeric columns."""
        return [i for i, c in enumerate(self.columns) if c.kind == "numeric"]

    @property
    def categorical(self) -> list[int]:
        """Positions of the categorical columns."""
        return [i for i, c in enumerate(self.columns) if c.kind == "categorical"]

    @property
    def internal_names(self) -> list[str]:
        """Positional column names of the internal frame."""
        return [f"c{i}" for i in range(len(self.columns))]


def _is_categorical_dtype(dtype: object) -> bool:
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def _object_column_is_numeric(values: np.ndarray) -> bool:
    return all(_is_number(v) for v in values)


def _resolve_categorical(
    categorical_features: object,
    frame: pd.DataFrame,
    from_dataframe: bool,
) -> np.ndarray:
    """Boolean mask over columns: which are categorical."""
    n_features = frame.shape[1]
    if isinstance(categorical_features, str) and categorical_features == "auto":
        mask = np.zeros(n_features, dtype=bool)
        for i, (_, column) in enumerate(frame.items()):
            dtype = column.dtype
            if pd.api.types.is_object_dtype(dtype) and not from_dataframe:
                mask[i] = not _object_column_is_numeric(column.dropna().to_numpy())
            else:
                mask[i] = _is_categorical_dtype(dtype)
        return mask
    if categorical_features is None:
        return np.zeros(n_features, dtype=bool)

    features = np.asarray(categorical_features)
    if features.ndim != 1:
        raise ValueError(
            "categorical_features must be 'auto', None, or a 1-D list of column "
            f"indices, column names or a boolean mask; got shape {features.shape}."
        )
    if features.size == 0:
        return np.zeros(n_features, dtype=bool)
    if features.dtype.kind == "b":
        if features.size != n_features:
            raise ValueError(
                f"categorical_features is a boolean mask of length {features.size} "
                f"but X has {n_features} columns; give one entry per column."
            )
        return features.copy()
    mask = np.zeros(n_features, dtype=bool)
    if all(isinstance(f, Integral) and not isinstance(f, bool) for f in features):
        for f in features.tolist():
            if not -n_features <= f < n_features:
                raise ValueError(
                    f"categorical_features contains index {f}, but X has only "
                    f"{n_features} columns (valid indices: 0 to {n_features - 1})."
                )
            mask[f] = True
        return mask
    if not from_dataframe:
        raise ValueError(
            "categorical_features names columns, but X is not a DataFrame; pass "
            "column indices or a boolean mask instead."
        )
    positions = {name: i for i, name in enumerate(frame.columns)}
    missing = [f for f in features.tolist() if f not in positions]
    if missing:
        raise ValueError(
            f"categorical_features names column(s) {missing} that are not in X; "
            f"X's columns are {list(frame.columns)}."
        )
    for f in features.tolist():
        mask[positions[f]] = True
    return mask


def _reject_bad_dtypes(frame: pd.DataFrame) -> None:
    for name, column in frame.items():
        dtype = column.dtype
        if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(
            dtype, pd.PeriodDtype
        ):
            kind = "dates"
        elif pd.api.types.is_timedelta64_dtype(dtype):
            kind = "durations"
        elif pd.api.types.is_complex_dtype(dtype):
            raise TypeError(
                f"Column {name!r} holds complex numbers ({dtype}); GANOverSampler "
                "supports real numbers and categories only."
            )
        else:
            continue
        raise TypeError(
            f"Column {name!r} holds {kind} ({dtype}), which GANOverSampler cannot "
            "generate. Convert it to a number before resampling (for example days "
            "since a reference date, or a duration in seconds) and convert it back "
            "afterwards, or drop the column."
        )


def _check_missing(frame: pd.DataFrame, kinds: list[str], missing: str) -> None:
    nan_columns, inf_columns = [], []
    for (name, column), kind in zip(frame.items(), kinds, strict=True):
        if column.isna().any():
            nan_columns.append(name)
        if kind == "numeric":
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isinf(values).any():
                inf_columns.append(name)
    if nan_columns and missing == "error":
        raise ValueError(
            f"X contains missing values (NaN/None) in column(s) {nan_columns}. "
            "Set missing='model' to learn and generate them at each class's rate, "
            "or impute them first (for example with sklearn.impute.SimpleImputer "
            "in a pipeline), or drop those rows."
        )
    if inf_columns:
        raise ValueError(
            f"X contains infinite values in column(s) {inf_columns}. Replace them "
            "with finite numbers or drop those rows before resampling."
        )


def inspect_table(
    X: object, categorical_features: object, missing: str = "error"
) -> tuple[TableSchema, pd.DataFrame]:
    """Describe ``X`` and convert it into the encoder's internal frame.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features)
        The caller's table. It is never modified.
    categorical_features : "auto", None, or array-like
        The estimator's ``categorical_features`` parameter.
    missing : {"error", "model"}
        The estimator's ``missing`` parameter: whether missing values are an
        error or are kept (as NaN in numeric columns and None in categorical
        ones) for the encoder to model.

    Returns
    -------
    schema : TableSchema
        Names, kinds and dtypes of the columns.
    frame : DataFrame
        A copy with columns ``"c0"``, ``"c1"``, ...: numeric columns as float64,
        categorical columns as object.

    Raises
    ------
    TypeError
        For sparse input and for date, duration or complex columns.
    ValueError
        For missing or infinite values, unknown categorical columns, or
        non-numeric columns that are not declared categorical.
    """
    if sparse.issparse(X) or (
        isinstance(X, pd.DataFrame)
        and any(isinstance(d, pd.SparseDtype) for d in X.dtypes)
    ):
        raise TypeError(
            "GANOverSampler does not accept sparse input: it generates dense rows. "
            "Convert X with X.toarray() (or DataFrame.sparse.to_dense()) first."
        )
    from_dataframe = isinstance(X, pd.DataFrame)
    if from_dataframe:
        frame = X
        array_dtype = None
    else:
        array = np.asarray(X)
        if array.ndim != 2:
            raise ValueError(
                f"X must be 2-D (n_samples, n_features); got {array.ndim}-D. "
                "Reshape a single feature with X.reshape(-1, 1)."
            )
        array_dtype = array.dtype
        frame = pd.DataFrame(array)
    if frame.shape[1] == 0:
        raise ValueError("X has no columns; at least one feature is required.")
    _reject_bad_dtypes(frame)

    mask = _resolve_categorical(categorical_features, frame, from_dataframe)
    columns, data = [], {}
    for i, (name, column) in enumerate(frame.items()):
        if mask[i]:
            columns.append(ColumnSpec(name, "categorical", column.dtype))
            continue
        if not pd.api.types.is_numeric_dtype(column.dtype) and not (
            pd.api.types.is_object_dtype(column.dtype)
            and _object_column_is_numeric(column.dropna().to_numpy())
        ):
            raise ValueError(
                f"Column {name!r} (dtype {column.dtype}) is not numeric and is not "
                "declared categorical. List it in categorical_features, or use "
                "categorical_features='auto'."
            )
        integer = pd.api.types.is_integer_dtype(
            column.dtype
        ) or pd.api.types.is_bool_dtype(column.dtype)
        columns.append(ColumnSpec(name, "numeric", column.dtype, integer))

    kinds = [c.kind for c in columns]
    _check_missing(frame, kinds, missing)
    index = pd.RangeIndex(len(frame))
    for i, ((_, column), spec) in enumerate(zip(frame.items(), columns, strict=True)):
        if spec.kind == "numeric":
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            if (
                not spec.integer
                and pd.api.types.is_object_dtype(column.dtype)
                and np.array_equal(values, np.round(values), equal_nan=True)
                and all(isinstance(v, Integral) for v in column.dropna().to_numpy())
            ):
                columns[i] = ColumnSpec(spec.name, "numeric", spec.dtype, True)
            if columns[i].integer and not pd.api.types.is_object_dtype(column.dtype):
                # Exact integers: float64 cannot hold those beyond 2**53. With
                # gaps, a nullable integer column keeps them exact.
                unsigned = pd.api.types.is_unsigned_integer_dtype(column.dtype)
                if np.isnan(values).any():
                    values = pd.array(column, dtype="UInt64" if unsigned else "Int64")
                else:
                    values = column.to_numpy(dtype=np.uint64 if unsigned else np.int64)
            data[f"c{i}"] = values
        else:
            # One spelling of "missing" (None) per column, whatever the dtype.
            # copy=True: for some dtypes to_numpy returns a view of the caller's data.
            values = column.to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = None
            # An explicit object dtype: pandas 3 would infer str and turn None
            # into NaN.
            data[f"c{i}"] = pd.Series(values, dtype=object, index=index)
    schema = TableSchema(
        tuple(columns), "dataframe" if from_dataframe else "array", array_dtype
    )
    internal = pd.DataFrame(data, index=index)
    return schema, internal


def restore_table(
    schema: TableSchema, values: Sequence[np.ndarray]
) -> pd.DataFrame | np.ndarray:
    """Build rows in the caller's format from decoded per-column values.

    Parameters
    ----------
    schema : TableSchema
        The schema returned by :func:`inspect_table`.
    values : sequence of ndarray
        One 1-D array per column: floats (already rounded and clipped) for
        numeric columns, objects for categorical ones.

    Returns
    -------
    DataFrame or ndarray
        A DataFrame with the caller's column names and dtypes, or an array with
        the caller's dtype.
    """
    if schema.container == "array":
        n_rows = len(values[0]) if values else 0
        out = np.empty((n_rows, len(schema.columns)), dtype=schema.array_dtype)
        for i, column in enumerate(values):
            out[:, i] = column
        return out
    data = {}
    for spec, column in zip(schema.columns, values, strict=True):
        data[spec.name] = _cast(column, spec)
    return pd.DataFrame(data, columns=[c.name for c in schema.columns])


def _cast(column: np.ndarray, spec: ColumnSpec) -> pd.Series:
    dtype = spec.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical(column, dtype=dtype))
    if spec.kind == "numeric" and pd.api.types.is_bool_dtype(dtype):
        flags = pd.array(column, dtype="Float64") != 0  # NaN gaps stay <NA>
        return pd.Series(flags).astype(dtype)
    if spec.kind == "numeric" and pd.api.types.is_object_dtype(dtype):
        if spec.integer and not np.isnan(column).any():
            return pd.Series(column.astype(np.int64).astype(object))
        return pd.Series(column.astype(object))
    if spec.kind == "categorical":
        # pd.array turns None into each dtype's own missing value; the explicit
        # dtype stops pandas from inferring another one (str for objects).
        return pd.Series(pd.array(column, dtype=dtype), dtype=dtype)
    return pd.Series(column).astype(dtype)
