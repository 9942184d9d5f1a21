"""The numeric transformers: the built-in choices and their saved state.

``numeric_transformer`` is one of the names here or a user's transformer; a
fresh one is fitted per class (:mod:`._numeric_codec`). Only the built-in
classes are restored from a save file, where pickle is never used.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import MinMaxScaler, QuantileTransformer, StandardScaler

from ._random import seeded_clone
from ._state import array, primitive, tensor

__all__ = [
    "DEFAULT_NUMERIC_TRANSFORMER",
    "make_transformer",
    "transformer_from_state",
    "transformer_state",
]

_NUMERIC_ALIASES = {
    "minmax": lambda n_rows, seed: MinMaxScaler(feature_range=(-1.0, 1.0)),
    "standard": lambda n_rows, seed: StandardScaler(),
    "quantile": lambda n_rows, seed: QuantileTransformer(
        n_quantiles=max(2, min(1000, n_rows)), random_state=seed
    ),
}
#: Chosen by the benchmark sweep (benchmarks/SWEEP.md): +0.011 balanced accuracy
#: and +0.023 G-mean over min-max scaling, and less detectable synthetic rows.
DEFAULT_NUMERIC_TRANSFORMER = "quantile"
#: The fitted transformers a save file can restore without pickle.
_RESTORABLE = {
    cls.__name__: cls for cls in (MinMaxScaler, StandardScaler, QuantileTransformer)
}
_PRIMITIVES = (str, int, float, bool, type(None))


def make_transformer(numeric_transformer: object, n_rows: int, seed: int) -> object:
    """A fresh, unfitted numeric transformer for one class.

    Parameters
    ----------
    numeric_transformer : transformer, str or None
        The sampler's ``numeric_transformer``: ``None`` (the default), a
        built-in name, or a transformer to clone.
    n_rows : int
        The class's number of rows (``"quantile"`` uses at most that many
        quantiles).
    seed : int
        Seed of ``"quantile"`` and of every unset ``random_state`` of a
        user's transformer.

    Returns
    -------
    transformer
    """
    if numeric_transformer is None:
        numeric_transformer = DEFAULT_NUMERIC_TRANSFORMER
    if isinstance(numeric_transformer, str):
        return _NUMERIC_ALIASES[numeric_transformer](n_rows, seed)
    return seeded_clone(numeric_transformer, seed)


def transformer_state(transformer: object) -> dict:
    """A fitted built-in numeric transformer as plain values and tensors.

    Parameters
    ----------
    transformer : MinMaxScaler, StandardScaler or QuantileTransformer
        A fitted transformer of exactly one of these classes.

    Returns
    -------
    dict
        ``class``, ``params`` and the ``fitted`` attributes.

    Raises
    ------
    TypeError
        For any other transformer: it cannot be restored without pickle.
    """
    name = type(transformer).__name__
    if _RESTORABLE.get(name) is not type(transformer):
        raise TypeError(
            f"Cannot save a sampler whose numeric_transformer is {name}: only "
            "MinMaxScaler, StandardScaler and QuantileTransformer (or the strings "
            "'minmax', 'standard', 'quantile') can be restored without pickle. Use "
            "pickle or joblib, and load only from trusted sources."
        )
    fitted = {}
    for key, value in vars(transformer).items():
        if not key.endswith("_") or key.startswith("_"):
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
            fitted[key] = tensor(value)
        elif isinstance(value, _PRIMITIVES) or isinstance(value, np.generic):
            fitted[key] = primitive(value, "transformer attribute")
    params = {
        k: primitive(v, "transformer parameter")
        for k, v in transformer.get_params().items()
        if isinstance(v, (*_PRIMITIVES, np.generic, tuple)) and not isinstance(v, tuple)
    }
    if isinstance(transformer, MinMaxScaler):
        params["feature_range"] = list(transformer.feature_range)
    return {"class": name, "params": params, "fitted": fitted}


def transformer_from_state(state: dict) -> object:
    """The fitted transformer that :func:`transformer_state` described.

    Parameters
    ----------
    state : dict
        A :func:`transformer_state`.

    Returns
    -------
    MinMaxScaler, StandardScaler or QuantileTransformer
    """
    params = dict(state["params"])
    if "feature_range" in params:
        params["feature_range"] = tuple(params["feature_range"])
    transformer = _RESTORABLE[state["class"]](**params)
    for key, value in state["fitted"].items():
        setattr(transformer, key, array(value) if torch.is_tensor(value) else value)
    return transformer
