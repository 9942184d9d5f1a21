"""Reading the two tables a metric compares: frames, column kinds, encodings."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._column_kinds import is_categorical_dtype

#: Stands in for a missing category.  The NUL characters keep it apart from
#: any category a user would write, such as the string ``"__missing__"``.
_MISSING = "\x00missing\x00"


# ----------------------------------------------------------------------------
# Input handling
# ----------------------------------------------------------------------------


def _to_frame(data: Any, name: str, columns: Sequence[Any] | None) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        raise ValueError(f"{name} must be 2-D (a DataFrame or 2-D array), got a Series")
    array = np.asarray(data)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (a DataFrame or 2-D array), got {array.ndim}-D"
        )
    use = (
        list(columns)
        if columns is not None and len(columns) == array.shape[1]
        else None
    )
    # Object arrays holding numbers get numeric columns, as a DataFrame would.
    return pd.DataFrame(array, columns=use).infer_objects()


def _check_pair(real: Any, synthetic: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two DataFrames with the same columns in the same order (real's order)."""
    real_cols = real.columns if isinstance(real, pd.DataFrame) else None
    synth_cols = synthetic.columns if isinstance(synthetic, pd.DataFrame) else None
    real_df = _to_frame(real, "real", synth_cols)
    synth_df = _to_frame(synthetic, "synthetic", real_cols)
    for name, frame in (("real", real_df), ("synthetic", synth_df)):
        if frame.shape[1] == 0:
            raise ValueError(f"{name} has no columns")
        if frame.shape[0] == 0:
            raise ValueError(f"{name} has no rows")
        if not frame.columns.is_unique:
            raise ValueError(f"{name} has duplicate column names")
    if list(real_df.columns) != list(synth_df.columns):
        missing = [c for c in real_df.columns if c not in synth_df.columns]
        extra = [c for c in synth_df.columns if c not in real_df.columns]
        if missing or extra:
            raise ValueError(
                "real and synthetic must have the same columns; "
                f"missing from synthetic: {missing}, not in real: {extra}"
            )
        synth_df = synth_df[real_df.columns]
    return real_df.reset_index(drop=True), synth_df.reset_index(drop=True)


def _resolve_categorical(frame: pd.DataFrame, categorical_features: Any) -> list[Any]:
    """Column names of the categorical columns, in column order.

    Follows ``GANOverSampler`` (and scikit-learn): a list of integers gives
    positions, even when the column labels are integers; any other list gives
    column names.
    """
    columns = list(frame.columns)
    if categorical_features is None:
        return []
    if isinstance(categorical_features, str):
        if categorical_features != "auto":
            raise ValueError(
                "categorical_features must be 'auto', None, column names, integer "
                f"indices or a boolean mask; got {categorical_features!r}"
            )
        return [c for c in columns if is_categorical_dtype(frame[c].dtype)]
    try:
        spec = list(categorical_features)
    except TypeError:
        raise ValueError(
            "categorical_features must be 'auto', None or an array-like of column "
            "names, integer indices or booleans; got "
            f"{categorical_features!r}"
        ) from None
    if not spec:
        return []
    if all(isinstance(v, (bool, np.bool_)) for v in spec):
        if len(spec) != len(columns):
            raise ValueError(
                f"boolean categorical_features has {len(spec)} entries for "
                f"{len(columns)} columns"
            )
        return [c for c, flag in zip(columns, spec, strict=True) if flag]
    chosen = set()
    if all(
        isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
        for v in spec
    ):
        n = len(columns)
        for value in spec:
            if not -n <= value < n:
                raise ValueError(
                    f"categorical_features contains index {value}, but real has "
                    f"only {n} columns (valid indices: 0 to {n - 1})"
                )
            chosen.add(columns[value])
    else:
        for value in spec:
            if value not in columns:
                raise ValueError(f"categorical feature {value!r} is not a column")
            chosen.add(value)
    return [c for c in columns if c in chosen]


def _category_key(value: Any) -> str:
    """The string a category value is compared by.

    Numbers are compared by value, whatever their dtype: an integral number
    (``1``, ``1.0``, ``np.float32(1.0)``) gives the integer's digits, any
    other number the shortest repr of its float64 value.  Booleans give
    ``"True"``/``"False"`` (so ``True`` differs from ``1``), strings are kept
    as they are, and anything else gives its ``str``.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if np.isfinite(number) and number.is_integer():
            return str(int(number))
        return repr(number)
    return str(value)


def _categorical_values(series: pd.Series) -> pd.Series:
    """Values as strings so that 1, 1.0, '1' and a category '1' compare equal.

    See :func:`_category_key`; missing values become :data:`_MISSING`.
    """
    values = series.astype(object)
    missing = values.isna().to_numpy()
    keys = [
        _MISSING if gap else _category_key(value)
        for value, gap in zip(values, missing, strict=True)
    ]
    return pd.Series(keys, index=series.index, dtype=object)


def _numeric_values(series: pd.Series, name: str, column: Any) -> np.ndarray:
    try:
        values = pd.to_numeric(series, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"column {column!r} of {name} is not numeric; list it in "
            "categorical_features"
        ) from exc
    return values


def _prepare(
    real: Any, synthetic: Any, categorical_features: Any, *, allow_inf: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame, list[Any], list[Any]]:
    """Aligned frames with float numeric and str categorical columns.

    Missing numeric values stay NaN; infinite ones are refused unless
    ``allow_inf``.
    """
    real_df, synth_df = _check_pair(real, synthetic)
    categorical = _resolve_categorical(real_df, categorical_features)
    numeric = [c for c in real_df.columns if c not in set(categorical)]
    out = []
    for name, frame in (("real", real_df), ("synthetic", synth_df)):
        clean = {}
        for col in real_df.columns:
            if col in categorical:
                clean[col] = _categorical_values(frame[col]).to_numpy(dtype=object)
            else:
                values = _numeric_values(frame[col], name, col)
                if not allow_inf and np.isinf(values).any():
                    raise ValueError(
                        f"numeric column {col!r} of {name} has infinite values"
                    )
                clean[col] = values
        out.append(pd.DataFrame(clean, columns=real_df.columns))
    return out[0], out[1], numeric, categorical


def _design(
    real_df: pd.DataFrame,
    synth_df: pd.DataFrame,
    numeric: list[Any],
    categorical: list[Any],
) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str], dict[str, str]]:
    """Frames for scikit-learn: positional names, numeric gaps filled and flagged.

    Columns are renamed ``"c0"``, ``"c1"``, ... so that they are selected by
    name whatever the caller's labels are (integers, mixed types).  Each
    numeric column with a missing value in either frame has its gaps filled
    with the median of real's observed values (0 when it has none) and gets a
    0/1 indicator column ``"m<i>"``.  Returns both frames, the numeric and the
    categorical names, and a dict value column -> indicator column.
    """
    names = {col: f"c{i}" for i, col in enumerate(real_df.columns)}
    real_x = real_df.set_axis(list(names.values()), axis=1)
    synth_x = synth_df.set_axis(list(names.values()), axis=1)
    indicators = {}
    real_new, synth_new = {}, {}  # filled columns and indicators, added at once
    for col in numeric:
        value = names[col]
        real_gaps = np.isnan(real_x[value].to_numpy())
        synth_gaps = np.isnan(synth_x[value].to_numpy())
        if not (real_gaps.any() or synth_gaps.any()):
            continue
        observed = real_x[value].to_numpy()[~real_gaps]
        fill = float(np.median(observed)) if observed.size else 0.0
        flag = "m" + value[1:]
        indicators[value] = flag
        real_new.update(
            {value: real_x[value].fillna(fill), flag: real_gaps.astype(float)}
        )
        synth_new.update(
            {value: synth_x[value].fillna(fill), flag: synth_gaps.astype(float)}
        )
    real_x, synth_x = real_x.assign(**real_new), synth_x.assign(**synth_new)
    return (
        real_x,
        synth_x,
        [names[c] for c in numeric],
        [names[c] for c in categorical],
        indicators,
    )
