"""Save a fitted sampler to a file that loads without running arbitrary code.

The file is a single :func:`torch.save` payload made only of primitives (str,
int, float, bool, None, lists, tuples, dicts) and tensors, so
:func:`load_sampler` can read it with ``torch.load(weights_only=True)``: unlike a
pickle, loading it cannot execute code from the file. Generators are stored as
state dicts plus the sizes needed to rebuild them; the encoder as its fitted
numbers. Dtypes are stored by name (``str(dtype)``), including the dtype of a
categorical column's categories and of the rows kept for classes too small for a
GAN, so that values and dtypes come back exactly. Hyper-parameters are stored as
plain Python values (NumPy scalars and arrays as the equal Python scalars and
lists); those with no such form (estimators, callables, random generators) as
their defaults.

Only what :meth:`GANOverSampler.sample` needs is stored; a loaded sampler
samples exactly like the one that was saved. Fitted numeric transformers are
restored only for the built-in choices (``"minmax"``, ``"standard"``,
``"quantile"`` and plain :class:`~sklearn.preprocessing.MinMaxScaler`,
:class:`~sklearn.preprocessing.StandardScaler`,
:class:`~sklearn.preprocessing.QuantileTransformer` instances).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.preprocessing import MinMaxScaler, QuantileTransformer, StandardScaler

from ._encoding import ClassProfile, TabularEncoder
from ._history import TrainingHistory
from ._networks import Generator
from ._spans import Span
from ._validation import ColumnSpec, TableSchema

__all__ = ["FORMAT_VERSION", "load_sampler", "save_sampler"]

#: Version of the file layout; bumped whenever it changes.
#: 3: categorical dtypes store their categories' dtype, the rows of classes too
#: small for a GAN store their columns' dtypes, and the encoder no longer stores
#: its numeric positions (numeric columns always come first, as they did in the
#: files of version 2, whose positions are ignored).
FORMAT_VERSION = 3
#: Versions :func:`load_sampler` reads. Fields added since version 2 are
#: optional: without them, a file loads as version 2 did.
_READABLE_VERSIONS = (2, 3)
_MAGIC = "gan_oversampler.GANOverSampler"
_TRANSFORMERS = {
    cls.__name__: cls for cls in (MinMaxScaler, StandardScaler, QuantileTransformer)
}
_PRIMITIVES = (str, int, float, bool, type(None))


# --------------------------------------------------------------------- values
class _NotPlain(TypeError):
    """A value with no plain Python equivalent that the file could hold."""


def _scalar(value: object) -> str | int | float | bool | None:
    """``value`` as an exact ``str``, ``int``, ``float``, ``bool`` or ``None``.

    NumPy scalars become the Python scalars they stand for, and subclasses of
    the primitives (``np.float64`` is a float, ``np.str_`` a str, an
    :class:`enum.IntEnum` member an int) become the primitives themselves: the
    weights-only loader refuses anything else.

    Raises
    ------
    _NotPlain
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
    raise _NotPlain(f"{value!r} of type {type(value).__name__}")


def _primitive(value: object, what: str) -> str | int | float | bool | None:
    """A JSON-like primitive for a label or category value.

    Raises
    ------
    TypeError
        If ``value`` has no primitive equivalent.
    """
    try:
        return _scalar(value)
    except _NotPlain:
        raise TypeError(
            f"Cannot save {what} {value!r} of type {type(value).__name__}: only "
            "str, int, float, bool and None can be stored safely. Use pickle or "
            "joblib for such a sampler, and load it only from trusted sources."
        ) from None


def _param_state(value: object) -> object:
    """A hyper-parameter in plain Python, so that it loads and compares equal.

    NumPy scalars become Python scalars, NumPy arrays and pandas indexes or
    series become lists, tuples stay tuples and dicts become
    ``{"__dict__": [[key, value], ...]}``, all recursively. A
    :class:`torch.device` becomes its name.

    Raises
    ------
    _NotPlain
        If the value holds anything else (an estimator, a callable, a
        RandomState or Generator instance, ...).
    """
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, np.ndarray | pd.Index | pd.Series):
        value = value.tolist()
    if isinstance(value, dict):
        return {
            "__dict__": [[_param_state(k), _param_state(v)] for k, v in value.items()]
        }
    if isinstance(value, list):
        return [_param_state(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_param_state(v) for v in value)
    return _scalar(value)


def _param_from_state(value: object) -> object:
    """The hyper-parameter stored by :func:`_param_state`."""
    if isinstance(value, dict) and "__dict__" in value:
        return {
            _param_from_state(k): _param_from_state(v) for k, v in value["__dict__"]
        }
    if isinstance(value, list):
        return [_param_from_state(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_param_from_state(v) for v in value)
    return value


def _storable(value: object) -> object:
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
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_storable(v) for v in value)
    return _primitive(value, "value")


def _tensor(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array))


def _array(tensor: torch.Tensor) -> np.ndarray:
    return tensor.numpy().copy()


def _dtype_to_primitive(dtype: object) -> dict:
    """A dtype as a dict of primitives; categories keep their own dtype."""
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "name": "category",
            "categories": [_primitive(c, "category") for c in dtype.categories],
            "categories_dtype": str(dtype.categories.dtype),
            "ordered": bool(dtype.ordered),
        }
    return {"name": str(dtype)}


def _dtype_from_primitive(spec: dict) -> object:
    """The dtype stored by :func:`_dtype_to_primitive`."""
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


def _column_from_values(values: list, dtype_name: str) -> pd.Series:
    """A column of ``values`` in the dtype named ``dtype_name``, exactly.

    Python ints go straight into the integer dtype, so values beyond 2**53 and
    up to 2**64 - 1 are not rounded through float64; ``None`` becomes the
    dtype's missing value. The explicit dtype also stops pandas from inferring
    another one (str for objects).
    """
    return pd.Series(values, dtype=pd.api.types.pandas_dtype(dtype_name))


# -------------------------------------------------------------------- encoder
def _transformer_state(transformer: object) -> dict:
    name = type(transformer).__name__
    if _TRANSFORMERS.get(name) is not type(transformer):
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
            fitted[key] = _tensor(value)
        elif isinstance(value, _PRIMITIVES) or isinstance(value, np.generic):
            fitted[key] = _primitive(value, "transformer attribute")
    params = {
        k: _primitive(v, "transformer parameter")
        for k, v in transformer.get_params().items()
        if isinstance(v, (*_PRIMITIVES, np.generic, tuple)) and not isinstance(v, tuple)
    }
    if isinstance(transformer, MinMaxScaler):
        params["feature_range"] = list(transformer.feature_range)
    return {"class": name, "params": params, "fitted": fitted}


def _transformer_from_state(state: dict) -> object:
    params = dict(state["params"])
    if "feature_range" in params:
        params["feature_range"] = tuple(params["feature_range"])
    transformer = _TRANSFORMERS[state["class"]](**params)
    for key, value in state["fitted"].items():
        setattr(transformer, key, _array(value) if torch.is_tensor(value) else value)
    return transformer


def _encoder_state(encoder: TabularEncoder) -> dict:
    schema = encoder.schema
    return {
        "schema": {
            "container": schema.container,
            "array_dtype": None
            if schema.array_dtype is None
            else str(schema.array_dtype),
            "columns": [
                {
                    "name": _primitive(c.name, "column name"),
                    "kind": c.kind,
                    "dtype": _dtype_to_primitive(c.dtype),
                    "integer": c.integer,
                }
                for c in schema.columns
            ],
        },
        "spans": [[s.column, s.start, s.stop, s.kind] for s in encoder.spans_],
        "n_features_out": encoder.n_features_out_,
        "medians": {str(k): v for k, v in encoder._medians.items()},
        "values": {
            str(i): [_primitive(v, "category") for v in values]
            for i, values in encoder._values.items()
        },
        "slot_of_value": {
            str(i): _tensor(slots) for i, slots in encoder._slot_of_value.items()
        },
    }


def _encoder_from_state(state: dict) -> TabularEncoder:
    schema_state = state["schema"]
    columns = tuple(
        ColumnSpec(
            c["name"], c["kind"], _dtype_from_primitive(c["dtype"]), c["integer"]
        )
        for c in schema_state["columns"]
    )
    array_dtype = schema_state["array_dtype"]
    schema = TableSchema(
        columns,
        schema_state["container"],
        None if array_dtype is None else np.dtype(array_dtype),
    )
    encoder = TabularEncoder(schema)
    encoder.spans_ = [Span(*span) for span in state["spans"]]
    encoder.n_features_out_ = state["n_features_out"]
    encoder._medians = {int(k): v for k, v in state["medians"].items()}
    encoder._values = {
        int(i): np.array(values, dtype=object) for i, values in state["values"].items()
    }
    encoder._slot_of_value = {
        int(i): _array(slots) for i, slots in state["slot_of_value"].items()
    }
    return encoder


# -------------------------------------------------------------------- classes
def _profile_state(profile: ClassProfile) -> dict:
    transformer = profile.numeric_transformer
    return {
        "numeric_transformer": (
            None if transformer is None else _transformer_state(transformer)
        ),
        "center": _tensor(profile.center),
        "scale": _tensor(profile.scale),
        "low": _tensor(profile.low),
        "high": _tensor(profile.high),
        "allowed": _tensor(profile.allowed),
        "int_bounds": [None if b is None else list(b) for b in profile.int_bounds],
        "slot_values": [
            [[_tensor(members), _tensor(probs)] for members, probs in slots]
            for slots in profile.slot_values
        ],
    }


def _profile_from_state(state: dict) -> ClassProfile:
    transformer = state["numeric_transformer"]
    return ClassProfile(
        numeric_transformer=(
            None if transformer is None else _transformer_from_state(transformer)
        ),
        center=_array(state["center"]),
        scale=_array(state["scale"]),
        low=_array(state["low"]),
        high=_array(state["high"]),
        allowed=_array(state["allowed"]),
        int_bounds=[None if b is None else tuple(b) for b in state["int_bounds"]],
        slot_values=[
            [(_array(members), _array(probs)) for members, probs in slots]
            for slots in state["slot_values"]
        ],
    )


def _fallback_state(rows: pd.DataFrame) -> dict:
    """The rows of a class too small for a GAN, with their columns' dtypes."""
    return {
        "fallback_rows": {
            name: [
                None if v is pd.NA else _primitive(v, "value")
                for v in rows[name].tolist()
            ]
            for name in rows.columns
        },
        "fallback_dtypes": {name: str(rows[name].dtype) for name in rows.columns},
    }


def _fallback_from_state(entry: dict, schema: TableSchema) -> pd.DataFrame:
    """The rows stored by :func:`_fallback_state`."""
    dtypes = entry.get("fallback_dtypes")
    if dtypes is None:  # format 2: categorical values as objects, others float64
        dtypes = {
            name: "object"
            if schema.columns[int(name[1:])].kind == "categorical"
            else "float64"
            for name in entry["fallback_rows"]
        }
    return pd.DataFrame(
        {
            name: _column_from_values(values, dtypes[name])
            for name, values in entry["fallback_rows"].items()
        }
    )


def _history_state(history: TrainingHistory) -> dict:
    return {
        "arrays": _tensor(
            np.stack(
                [
                    history.generator_loss,
                    history.discriminator_loss,
                    history.discriminator_accuracy_real,
                    history.discriminator_accuracy_fake,
                    history.marginal_distance,
                ]
            )
        ),
        "n_rows": history.n_rows,
        "batch_size": history.batch_size,
        "stopped_epoch": history.stopped_epoch,
        "best_epoch": history.best_epoch,
        "n_steps": history.n_steps,
    }


def _history_from_state(state: dict) -> TrainingHistory:
    arrays = _array(state["arrays"])
    return TrainingHistory(
        *arrays,
        n_rows=state["n_rows"],
        batch_size=state["batch_size"],
        stopped_epoch=state["stopped_epoch"],
        best_epoch=state["best_epoch"],
        # Format 2 did not record it: whole epochs then, as far as we know.
        n_steps=state.get(
            "n_steps", len(arrays[0]) * max(1, state["n_rows"] // state["batch_size"])
        ),
    )


# ---------------------------------------------------------------- public API
def save_sampler(sampler: Any, path: str | os.PathLike) -> None:
    """Write a fitted :class:`GANOverSampler` to ``path``.

    Hyper-parameters are stored as plain Python values: NumPy scalars and
    arrays (from parameter grids, say) come back as the equal Python scalars
    and lists. Only parameters with no such form (estimators, callables,
    RandomState or Generator instances) are stored as their defaults.

    Parameters
    ----------
    sampler : GANOverSampler
        A sampler after ``fit_resample``.
    path : str or path-like
        Destination file (conventionally ``*.pt``).

    Raises
    ------
    TypeError
        If a label, category or the numeric transformer cannot be stored
        without pickle.
    """
    from . import __version__

    classes = []
    for label, strategy_count in sampler.sampling_strategy_.items():
        entry: dict[str, Any] = {
            "label": _primitive(label, "class label"),
            "n_samples": int(strategy_count),
        }
        if label in sampler.generators_:
            net = sampler.generators_[label]
            entry["generator"] = {
                "latent_dim": net.latent_dim,
                "hidden": list(net.hidden),
                "state_dict": {
                    k: v.detach().cpu() for k, v in net.state_dict().items()
                },
            }
            entry["profile"] = _profile_state(sampler._profiles[label])
            entry["history"] = _history_state(sampler.history_[label])
        elif label in sampler._fallback_rows:
            entry.update(_fallback_state(sampler._fallback_rows[label]))
        classes.append(entry)

    params = {}
    defaults = type(sampler)().get_params(deep=False)
    for key, value in sampler.get_params(deep=False).items():
        try:
            params[key] = _param_state(value)
        except _NotPlain:  # estimators, callables, RandomState: the default
            params[key] = defaults[key]
    payload = {
        "format": _MAGIC,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "label_dtype": sampler._label_dtype.str,
        "params": params,
        "device": str(sampler.device_),
        "n_features_in": sampler.n_features_in_,
        "feature_names_in": (
            [_primitive(name, "feature name") for name in sampler.feature_names_in_]
            if hasattr(sampler, "feature_names_in_")
            else None
        ),
        "encoder": _encoder_state(sampler.encoder_),
        "classes": classes,
        "sample_seed": sampler._sample_seed_,
        "n_sample_calls": sampler._n_sample_calls,
    }
    torch.save(_storable(payload), path)


def load_sampler(cls: type, path: str | os.PathLike) -> Any:
    """Read a sampler written by :func:`save_sampler`.

    Parameters
    ----------
    cls : type
        :class:`GANOverSampler`.
    path : str or path-like
        File written by :meth:`GANOverSampler.save`.

    Returns
    -------
    GANOverSampler
        A fitted sampler ready for :meth:`GANOverSampler.sample`.

    Raises
    ------
    ValueError
        If the file is not a saved sampler, was written in an unknown format
        version, or is damaged (a field missing or of the wrong kind).
    """
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as exc:
        raise ValueError(
            f"{os.fspath(path)!r} is not a file written by GANOverSampler.save "
            f"(or it contains objects that are not allowed): {exc}"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != _MAGIC:
        raise ValueError(
            f"{os.fspath(path)!r} is not a file written by GANOverSampler.save."
        )
    version = payload.get("format_version")
    if version not in _READABLE_VERSIONS:
        readable = ", ".join(str(v) for v in _READABLE_VERSIONS)
        raise ValueError(
            f"{os.fspath(path)!r} was written in file format {version} (by "
            f"gan_oversampler {payload.get('package_version')}); this version reads "
            f"formats {readable}. Refit the sampler, or load the file with the "
            "gan_oversampler version that wrote it."
        )
    try:
        return _sampler_from_payload(cls, payload)
    # What a missing field, a field of the wrong type or shape, or weights that
    # do not fit the stored sizes raise while the payload is read.
    except (
        LookupError,
        TypeError,
        ValueError,
        AttributeError,
        RuntimeError,
        ArithmeticError,
    ) as exc:
        raise ValueError(
            f"{os.fspath(path)!r} is damaged or was not written by this version of "
            f"gan_oversampler (format {version}, written by gan_oversampler "
            f"{payload.get('package_version')}): {type(exc).__name__}: {exc}"
        ) from exc


def _require_int(value: object, what: str) -> int:
    """``value`` if it is an int (not a bool); :class:`TypeError` otherwise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int; got {value!r}")
    return value


def _sampler_from_payload(cls: type, payload: dict) -> Any:
    """The sampler that a checked header's ``payload`` describes.

    Raises
    ------
    LookupError, TypeError, ValueError, AttributeError, RuntimeError
        If a field is missing or does not fit the others (or ArithmeticError,
        for a number out of range); :func:`load_sampler` reports each as a
        damaged file.
    """
    params = {key: _param_from_state(value) for key, value in payload["params"].items()}
    sampler = cls(**params)
    label_dtype = np.dtype(payload["label_dtype"])
    sampler._label_dtype = label_dtype
    sampler.device_ = torch.device(payload["device"])
    sampler.n_features_in_ = _require_int(payload["n_features_in"], "n_features_in")
    if payload["feature_names_in"] is not None:
        sampler.feature_names_in_ = np.asarray(
            payload["feature_names_in"], dtype=object
        )
    sampler.encoder_ = encoder = _encoder_from_state(payload["encoder"])
    sampler.sampling_strategy_ = {}
    sampler.generators_, sampler.history_ = {}, {}
    sampler._profiles, sampler._fallback_rows = {}, {}
    for entry in payload["classes"]:
        label = np.asarray(entry["label"], dtype=label_dtype)[()]
        sampler.sampling_strategy_[label] = _require_int(
            entry["n_samples"], "n_samples"
        )
        if "generator" in entry:
            spec = entry["generator"]
            net = Generator(
                _require_int(spec["latent_dim"], "latent_dim"),
                tuple(_require_int(h, "hidden") for h in spec["hidden"]),
                encoder.spans_,
                device=torch.device("cpu"),
                generator=torch.Generator().manual_seed(0),
            )
            # Files written before the index buffers became non-persistent
            # also hold them; they follow from the spans, so only weights load.
            net.load_state_dict(
                {k: v for k, v in spec["state_dict"].items() if k.startswith("net.")}
            )
            sampler.generators_[label] = net.eval()
            sampler._profiles[label] = _profile_from_state(entry["profile"])
            sampler.history_[label] = _history_from_state(entry["history"])
        elif "fallback_rows" in entry:
            sampler._fallback_rows[label] = _fallback_from_state(entry, encoder.schema)
    sampler._sample_seed_ = _require_int(payload["sample_seed"], "sample_seed")
    sampler._n_sample_calls = _require_int(payload["n_sample_calls"], "n_sample_calls")
    return sampler
