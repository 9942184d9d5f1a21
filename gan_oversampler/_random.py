"""Local random number generators derived from ``random_state``.

All randomness in the package flows from the estimator's ``random_state``
through the helpers here. Nothing seeds or draws from the global NumPy, PyTorch
or :mod:`random` state.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import torch
from sklearn.base import clone
from sklearn.utils import check_random_state

__all__ = [
    "draw_seed",
    "local_generator",
    "local_random_state",
    "seeded_clone",
    "torch_generator",
    "unset_random_states",
]

_MAX_SEED = np.iinfo(np.int32).max


def local_random_state(random_state: object) -> np.random.RandomState:
    """The estimator's random state, never NumPy's global one.

    Parameters
    ----------
    random_state : None, int or numpy.random.RandomState
        The estimator's ``random_state`` parameter. ``None`` gives a
        generator seeded with fresh entropy from the operating system, so that
        NumPy's global random state is neither used nor advanced (unlike
        :func:`sklearn.utils.check_random_state`, which returns it).

    Returns
    -------
    numpy.random.RandomState
    """
    if random_state is None:
        return np.random.RandomState(np.random.SeedSequence().generate_state(1)[0])
    return check_random_state(random_state)


def draw_seed(random_state: np.random.RandomState | np.random.Generator) -> int:
    """Draw a fresh integer seed from a local random state or generator.

    Parameters
    ----------
    random_state : numpy.random.RandomState or numpy.random.Generator
        The estimator's local random state (from
        :func:`sklearn.utils.check_random_state`), or a helper's generator
        (from :func:`local_generator`). It advances by one draw.

    Returns
    -------
    int
        A seed in ``[0, 2**31 - 1)``.
    """
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(_MAX_SEED))
    return int(random_state.randint(_MAX_SEED))


def local_generator(random_state: object) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from a ``random_state`` argument.

    The helpers outside the estimator (metrics, data sets) take this.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator, numpy.random.SeedSequence \
or numpy.random.RandomState
        ``None`` seeds from the operating system's entropy; a non-negative int
        or a ``SeedSequence`` seeds a new generator; a ``Generator`` is used as
        it is (and advances); from a ``RandomState`` one seed is drawn (so it
        advances by one draw), the scikit-learn convention. NumPy's global
        random state is never used.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    ValueError
        For a negative integer.
    TypeError
        For any other type (bools and floats included).
    """
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(draw_seed(random_state))
    if random_state is None or isinstance(
        random_state, np.random.Generator | np.random.SeedSequence
    ):
        return np.random.default_rng(random_state)
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(
                f"random_state must be a non-negative integer; got {random_state}."
            )
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, a non-negative int, a numpy.random.Generator, "
        "a numpy.random.SeedSequence or a numpy.random.RandomState; "
        f"got {type(random_state).__name__} {random_state!r}."
    )


def seeded_clone(
    estimator: object, seed: int | np.random.Generator, *, safe: bool = True
) -> object:
    """A clone of ``estimator`` whose unset ``random_state`` parameters are seeded.

    Every ``random_state`` parameter left at ``None``, nested ones included
    (see :func:`unset_random_states`), is set to one seed, so that the clone
    neither draws from nor advances NumPy's global random state. Values the
    caller set are left alone.

    Parameters
    ----------
    estimator : object
        The estimator to clone (:func:`sklearn.base.clone`).
    seed : int or numpy.random.Generator
        The seed, or a generator that one seed is drawn from, only when some
        ``random_state`` is unset.
    safe : bool, default=True
        Passed to :func:`sklearn.base.clone`: ``False`` deep-copies objects
        that are not estimators instead of refusing them.

    Returns
    -------
    object
        The unfitted clone.
    """
    estimator = clone(estimator, safe=safe)
    unset = unset_random_states(estimator)
    if unset:
        if isinstance(seed, np.random.Generator):
            seed = draw_seed(seed)
        estimator.set_params(**dict.fromkeys(unset, seed))
    return estimator


def torch_generator(seed: int, device: torch.device) -> torch.Generator:
    """Create a :class:`torch.Generator` on ``device`` seeded with ``seed``.

    Parameters
    ----------
    seed : int
        The seed.
    device : torch.device
        Device the generator produces random numbers on.

    Returns
    -------
    torch.Generator
        A generator independent of torch's global default generator.
    """
    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    return generator


def unset_random_states(estimator: object) -> list[str]:
    """The ``random_state`` parameters of ``estimator`` left at ``None``.

    Nested ones included (``"...__random_state"`` in
    ``get_params(deep=True)``). Such an estimator draws from NumPy's global
    random state; the callers set these parameters to a seed of their own.

    Parameters
    ----------
    estimator : object
        A scikit-learn style estimator; one without ``get_params`` has none.

    Returns
    -------
    list of str
        Parameter names, for ``estimator.set_params``.
    """
    if not hasattr(estimator, "get_params"):
        return []
    return [
        key
        for key, value in estimator.get_params(deep=True).items()
        if value is None and (key == "random_state" or key.endswith("__random_state"))
    ]
