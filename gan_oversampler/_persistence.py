"""Save a fitted sampler to a file that loads without running arbitrary code.

The file is a single :func:`torch.save` payload made only of primitives (str,
int, float, bool, None, lists, tuples, dicts) and tensors, so
:func:`load_sampler` can read it with ``torch.load(weights_only=True)``: unlike a
pickle, loading it cannot execute code from the file. The payload is the
sampler's :meth:`~GANOverSampler.state_dict` behind a short header; each fitted
part (encoder, codecs, class profiles, histories) writes and reads its own
state, so this module never touches their fields. Generators are stored as
state dicts plus the sizes needed to rebuild them. Dtypes are stored by name
(``str(dtype)``), including the dtype of a
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

import torch

from ._state import storable
from ._version import __version__

__all__ = ["FORMAT_VERSION", "load_sampler", "save_sampler"]

#: Version of the file layout; bumped whenever it changes.
#: 3: categorical dtypes store their categories' dtype, the rows of classes too
#: small for a GAN store their columns' dtypes, and the encoder no longer stores
#: its numeric positions (numeric columns always come first, as they did in the
#: files of version 2, whose positions are ignored).
#: 4: the parameters include ``n_generators``, and a class may hold
#: ``members`` (several generators, each with its history) instead of one
#: ``generator`` and ``history``. Files of versions 2 and 3 load with
#: ``n_generators=1``, the model they hold.
#: 5: the parameters include ``match_marginals``, and a class given a GAN may
#: hold its ``marginal_map``. Files of versions 2 to 4 load with
#: ``match_marginals=False``, the sampling they were written with.
FORMAT_VERSION = 5
#: Versions :func:`load_sampler` reads. Fields added since version 2 are
#: optional: without them, a file loads as version 2 did.
_READABLE_VERSIONS = (2, 3, 4, 5)
_MAGIC = "gan_oversampler.GANOverSampler"


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
    header = {
        "format": _MAGIC,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
    }
    torch.save(storable({**header, **sampler.state_dict()}), path)


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
        return cls.from_state(payload)
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
