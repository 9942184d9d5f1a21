"""Inspect the user's table: which columns are numeric or categorical, and why not.

:func:`inspect_table` turns the ``X`` given to ``fit_resample`` (a DataFrame, a
NumPy array or anything :func:`numpy.asarray` accepts) into

* a :class:`TableSchema` that remembers each column's name, kind and dtype, so
  that synthetic rows can be given back in exactly the caller's format; and
* a plain DataFrame with positional string column names (``"c0"``, ``"c1"``,
  ...), float64 numeric columns (64-bit integer ones for integer columns, so that
  integers beyond 2**53 stay exact, and Python ints for integers beyond 64 bits)
  and object categorical columns, which is what the encoder consumes.

Every user error (sparse input, dates, missing or infinite values, unknown
column names) is reported here with a message that says how to fix it.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import sparse

from ._column_kinds import is_categorical_dtype, is_numeric_dtype
from ._errors import AdvisedTypeError, AdvisedValueError
from ._state import dtype_from_state, dtype_state, primitive

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

    def state_dict(self) -> dict:
        """The schema as plain values (see :mod:`gan_oversampler._state`).

        Returns
        -------
        dict
            ``container``, ``array_dtype`` and one entry per column.

        Raises
        ------
        TypeError
            If a column name is not a str, int, float, bool or None.
        """
        return {
            "container": self.container,
            "array_dtype": None if self.array_dtype is None else str(self.array_dtype),
            "columns": [
                {
                    "name": primitive(c.name, "column name"),
                    "kind": c.kind,
                    "dtype": dtype_state(c.dtype),
                    "integer": c.integer,
                }
                for c in self.columns
            ],
        }

    @classmethod
    def from_state(cls, state: dict) -> TableSchema:
        """The schema that :meth:`state_dict` described.

        Parameters
        ----------
        state : dict
            A :meth:`state_dict`.

        Returns
        -------
        TableSchema
        """
        columns = tuple(
            ColumnSpec(c["name"], c["kind"], dtype_from_state(c["dtype"]), c["integer"])
            for c in state["columns"]
        )
        array_dtype = state["array_dtype"]
        return cls(
            columns,
            state["container"],
            None if array_dtype is None else np.dtype(array_dtype),
        )


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def _object_column_is_numeric(values: np.ndarray) -> bool:
    return all(_is_number(v) for v in values)


_INT64 = np.iinfo(np.int64)
_UINT64 = np.iinfo(np.uint64)


def _object_integers(column: pd.Series, name: Hashable) -> tuple[bool, object]:
    """Whether an object column holds integers, and those as exact integers.

    A column whose non-missing values are all integers (Python or NumPy, not
    bools) gives ``(True, values)``: an int64 array, or uint64 when its values
    need it; with missing values, a nullable ``Int64`` / ``UInt64`` array.
    float64, which the other numeric columns use, cannot hold integers beyond
    2**53. Integers that fit neither int64 nor uint64 give an object array of
    Python ints (``None`` for gaps): they are encoded through float64, but their
    exact values bound the synthetic ones. Other columns, and columns without
    values, give ``(False, None)``.

    Raises
    ------
    ValueError
        For integers too large even for a float.
    """
    observed = column.dropna().to_numpy()
    if len(observed) == 0 or not all(
        isinstance(v, Integral) and not isinstance(v, bool | np.bool_) for v in observed
    ):
        return False, None
    integers = [int(v) for v in observed]
    low, high = min(integers), max(integers)
    if _INT64.min <= low and high <= _INT64.max:
        dtype = np.int64
    elif 0 <= low and high <= _UINT64.max:
        dtype = np.uint64
    else:
        try:
            float(low), float(high)
        except OverflowError:
            raise ValueError(
                f"Column {name!r} holds integers too large for a float (beyond "
                "about 1.8e308), which GANOverSampler cannot generate. Scale them "
                "down (for example take their logarithm) or drop the column."
            ) from None
        values = np.full(len(column), None, dtype=object)
        values[~column.isna().to_numpy()] = integers
        return True, values
    if len(integers) == len(column):
        return True, np.array(integers, dtype=dtype)
    gaps = column.isna().to_numpy()
    values = np.zeros(len(column), dtype=dtype)
    values[~gaps] = integers
    return True, pd.arrays.IntegerArray(values, gaps)


def _python_ints(column: object) -> np.ndarray:
    """Decoded integer values as an object array of Python ints, gaps as NaN."""
    gaps = np.asarray(pd.isna(column), dtype=bool)
    if isinstance(column, np.ndarray) and column.dtype.kind in "iu":
        return column.astype(object)  # Python ints, exactly
    out = np.full(len(column), np.nan, dtype=object)
    out[~gaps] = [int(v) for v in np.asarray(column, dtype=object)[~gaps]]
    return out


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
                mask[i] = is_categorical_dtype(dtype)
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


#: Object values of dates, times and durations: their name in messages, and a
#: number to convert them to.
_TEMPORAL = (
    ((datetime.date, np.datetime64), "dates", "days since a reference date"),
    ((datetime.time,), "times of day", "seconds since midnight"),
    ((datetime.timedelta, np.timedelta64), "durations", "a duration in seconds"),
)


def _temporal_kind(value: object) -> str | None:
    """``"dates"``, ``"times of day"``, ``"durations"``, or None for other values."""
    for types, kind, _ in _TEMPORAL:
        if isinstance(value, types):  # datetime.datetime is a datetime.date
            return kind
    return None


def _reject_temporal_objects(
    frame: pd.DataFrame, mask: np.ndarray, explicit: bool
) -> None:
    """Refuse object columns whose values are all dates, times or durations.

    Such columns (``datetime.date`` values are common from databases) would
    otherwise become categorical without a word. A column the caller names in
    ``categorical_features`` (``explicit`` and in ``mask``) stays categorical.
    """
    for i, (name, column) in enumerate(frame.items()):
        if (explicit and mask[i]) or not pd.api.types.is_object_dtype(column.dtype):
            continue
        values = column.to_numpy()
        kinds, types = {}, set()
        for value in values[~pd.isna(values)]:
            kind = _temporal_kind(value)
            if kind is None:
                break
            kinds[kind] = None  # ordered set
            types.add(f"{type(value).__module__}.{type(value).__qualname__}")
        else:
            if not kinds:  # no values at all
                continue
            numbers = " or ".join(n for _, k, n in _TEMPORAL if k in kinds)
            raise AdvisedTypeError(
                f"Column {name!r} holds {' and '.join(kinds)} (object dtype: "
                f"{', '.join(sorted(types))}), which GANOverSampler cannot "
                "generate. Convert it to a number before resampling (for example "
                f"{numbers}) and convert it back afterwards, or drop the column.",
                "To use each distinct value as a category instead, list the "
                "column in categorical_features.",
                parameter="categorical_features",
                remedy="as_category",
                column=name,
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
        raise AdvisedValueError(
            f"X contains missing values (NaN/None) in column(s) {nan_columns}.",
            "Set missing='model' to learn and generate them at each class's rate, "
            "or impute them first (for example with sklearn.impute.SimpleImputer "
            "in a pipeline), or drop those rows.",
            parameter="missing",
            remedy="model",
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
        A copy with columns ``"c0"``, ``"c1"``, ...: numeric columns as float64
        (integer columns, object ones of integers included, as int64 or uint64,
        or nullable ``Int64`` / ``UInt64`` with gaps; object columns of integers
        that fit neither as object Python ints with ``None`` gaps), categorical
        columns as object.

    Raises
    ------
    TypeError
        For sparse input and for date, duration or complex columns, object
        columns of dates, times or durations included (unless they are named
        in ``categorical_features``).
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
        try:
            frame = pd.DataFrame(array)
        except OverflowError:
            # pandas < 2.1 converts an object array's integers to floats while
            # inferring column types, and overflows on ones beyond float64.
            # Kept as objects, they reach the check that explains the problem.
            frame = pd.DataFrame(array, dtype=object)
    if frame.shape[1] == 0:
        raise ValueError("X has no columns; at least one feature is required.")
    _reject_bad_dtypes(frame)

    mask = _resolve_categorical(categorical_features, frame, from_dataframe)
    explicit = not (
        isinstance(categorical_features, str) and categorical_features == "auto"
    )
    _reject_temporal_objects(frame, mask, explicit)
    columns, data, exact = [], {}, {}
    for i, (name, column) in enumerate(frame.items()):
        if mask[i]:
            columns.append(ColumnSpec(name, "categorical", column.dtype))
            continue
        if not is_numeric_dtype(column.dtype) and not (
            pd.api.types.is_object_dtype(column.dtype)
            and _object_column_is_numeric(column.dropna().to_numpy())
        ):
            raise AdvisedValueError(
                f"Column {name!r} (dtype {column.dtype}) is not numeric and is not "
                "declared categorical.",
                "List it in categorical_features, or use categorical_features='auto'.",
                parameter="categorical_features",
                remedy="declare",
                column=name,
            )
        integer = pd.api.types.is_integer_dtype(
            column.dtype
        ) or pd.api.types.is_bool_dtype(column.dtype)
        if pd.api.types.is_object_dtype(column.dtype):
            integer, exact[i] = _object_integers(column, name)
        columns.append(ColumnSpec(name, "numeric", column.dtype, integer))

    kinds = [c.kind for c in columns]
    _check_missing(frame, kinds, missing)
    index = pd.RangeIndex(len(frame))
    for i, ((_, column), spec) in enumerate(zip(frame.items(), columns, strict=True)):
        if spec.kind == "numeric":
            if exact.get(i) is not None:
                # An object column of integers: exact, like an integer dtype.
                values = exact[i]
                if values.dtype == object:  # beyond 64 bits: keep Python ints
                    values = pd.Series(values, dtype=object, index=index)
                data[f"c{i}"] = values
                continue
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            if spec.integer and not pd.api.types.is_object_dtype(column.dtype):
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
        One 1-D array per column: floats, or exact integers for integer columns
        (64-bit, or objects holding Python ints beyond 64 bits; already rounded
        and clipped), for numeric columns; objects for categorical ones. Integer
        columns of object arrays and DataFrames come back as Python ints, gaps
        as NaN.

    Returns
    -------
    DataFrame or ndarray
        A DataFrame with the caller's column names and dtypes, or an array with
        the caller's dtype.
    """
    if schema.container == "array":
        n_rows = len(values[0]) if values else 0
        out = np.empty((n_rows, len(schema.columns)), dtype=schema.array_dtype)
        for i, (spec, column) in enumerate(zip(schema.columns, values, strict=True)):
            if spec.integer and out.dtype == object:
                column = _python_ints(column)
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
        if spec.integer:
            return pd.Series(_python_ints(column), dtype=object)
        return pd.Series(np.asarray(column, dtype=object), dtype=object)
    if spec.kind == "categorical":
        # pd.array turns None into each dtype's own missing value; the explicit
        # dtype stops pandas from inferring another one (str for objects).
        return pd.Series(pd.array(column, dtype=dtype), dtype=dtype)
    return pd.Series(column).astype(dtype)
