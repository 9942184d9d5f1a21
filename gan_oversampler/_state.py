"""Plain values for saved state: primitives, tensors, dtypes by name.

The ``state_dict`` of every fitted object (schema, encoder, codecs, class
profiles, training history, sampler) is made of what these helpers return:
``str``, ``int``, ``float``, ``bool``, ``None``, lists, tuples, dicts and CPU
tensors, which ``torch.load(weights_only=True)`` reads without running code.
Their ``from_state`` reverse them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

__all__ = [
    "NotPlain",
    "array",
    "column_from_values",
    "dtype_from_state",
    "dtype_state",
    "param_from_state",
    "param_state",
    "primitive",
    "require_int",
    "scalar",
    "storable",
    "tensor",
]


class NotPlain(TypeError):
    """A value with no plain Python equivalent that the file could hold."""


def scalar(value: object) -> str | int | float | bool | None:
    """``value`` as an exact ``str``, ``int``, ``float``, ``bool`` or ``None``.

    NumPy scalars become the Python scalars they stand for, and subclasses of
    the primitives (``np.float64`` is a float, ``np.str_`` a str, an
    :class:`enum.IntEnum` member an int) become the primitives themselves: the
    weights-only loader refuses anything else.

    Raises
    ------
    NotPlain
        If ``value`` has no such equivalent.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool):  # bool cannot be subclassed
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    raise NotPlain(f"{value!r} of type {type(value).__name__}")


def primitive(value: object, what: str) -> str | int | float | bool | None:
    """A JSON-like primitive for a label or category value.

    Raises
    ------
    TypeError
        If ``value`` has no primitive equivalent.
    """
    try:
        return scalar(value)
    except NotPlain:
        raise TypeError(
            f"Cannot save {what} {value!r} of type {type(value).__name__}: only "
            "str, int, float, bool and None can be stored safely. Use pickle or "
            "joblib for such a sampler, and load it only from trusted sources."
        ) from None


def param_state(value: object) -> object:
    """A hyper-parameter in plain Python, so that it loads and compares equal.

    NumPy scalars become Python scalars, NumPy arrays and pandas indexes or
    series become lists, tuples stay tuples and dicts become
    ``{"__dict__": [[key, value], ...]}``, all recursively. A
    :class:`torch.device` becomes its name.

    Raises
    ------
    NotPlain
        If the value holds anything else (an estimator, a callable, a
        RandomState or Generator instance, ...).
    """
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, np.ndarray | pd.Index | pd.Series):
        value = value.tolist()
    if isinstance(value, dict):
        return {
            "__dict__": [[param_state(k), param_state(v)] for k, v in value.items()]
        }
    if isinstance(value, list):
        return [param_state(v) for v in value]
    if isinstance(value, tuple):
        return tuple(param_state(v) for v in value)
    return scalar(value)


def param_from_state(value: object) -> object:
    """The hyper-parameter stored by :func:`param_state`."""
    if isinstance(value, dict) and "__dict__" in value:
        return {param_from_state(k): param_from_state(v) for k, v in value["__dict__"]}
    if isinstance(value, list):
        return [param_from_state(v) for v in value]
    if isinstance(value, tuple):
        return tuple(param_from_state(v) for v in value)
    return value


def storable(value: object) -> object:
    """``value`` with every leaf a tensor or an exact Python primitive.

    The last step before :func:`torch.save`: a NumPy scalar left anywhere in
    the payload (``np.float64`` passes ``isinstance(x, float)``) would be
    written fine but refused by ``torch.load(weights_only=True)``.

    Raises
    ------
    TypeError
        If a leaf has no primitive equivalent.
    """
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    if isinstance(value, tuple):
        return tuple(storable(v) for v in value)
    return primitive(value, "value")


def tensor(values: np.ndarray) -> torch.Tensor:
    """A NumPy array as a contiguous CPU tensor (sharing memory when it can)."""
    return torch.from_numpy(np.ascontiguousarray(values))


def array(stored: torch.Tensor) -> np.ndarray:
    """A stored tensor as a NumPy array of its own."""
    return stored.numpy().copy()


def dtype_state(dtype: object) -> dict:
    """A dtype as a dict of primitives; categories keep their own dtype."""
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "name": "category",
            "categories": [primitive(c, "category") for c in dtype.categories],
            "categories_dtype": str(dtype.categories.dtype),
            "ordered": bool(dtype.ordered),
        }
    return {"name": str(dtype)}


def dtype_from_state(spec: dict) -> object:
    """The dtype stored by :func:`dtype_state`."""
    if spec["name"] == "category":
        categories = spec["categories"]
        # Format 2 files lack it: the dtype is then inferred from the values.
        categories_dtype = spec.get("categories_dtype")
        if categories_dtype is not None:
            categories = pd.Index(
                categories, dtype=pd.api.types.pandas_dtype(categories_dtype)
            )
        return pd.CategoricalDtype(categories, ordered=spec["ordered"])
    return pd.api.types.pandas_dtype(spec["name"])


def column_from_values(values: list, dtype_name: str) -> pd.Series:
    """A column of ``values`` in the dtype named ``dtype_name``, exactly.

    Python ints go straight into the integer dtype, so values beyond 2**53 and
    up to 2**64 - 1 are not rounded through float64; ``None`` becomes the
    dtype's missing value. The explicit dtype also stops pandas from inferring
    another one (str for objects).
    """
    return pd.Series(values, dtype=pd.api.types.pandas_dtype(dtype_name))


def require_int(value: object, what: str) -> int:
    """``value`` if it is an int (not a bool); :class:`TypeError` otherwise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int; got {value!r}")
    return value
