"""Local random number generators derived from ``random_state``.

All randomness in the package flows from the estimator's ``random_state``
through the helpers here. Nothing seeds or draws from the global NumPy, PyTorch
or :mod:`random` state.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = [
    "draw_seed",
    "local_random_state",
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


def draw_seed(random_state: np.random.RandomState) -> int:
    """Draw a fresh integer seed from a :class:`numpy.random.RandomState`.

    Parameters
    ----------
    random_state : numpy.random.RandomState
        The estimator's local random state (from
        :func:`sklearn.utils.check_random_state`).

    Returns
    -------
    int
        A seed in ``[0, 2**31 - 1)``.
    """
    return int(random_state.randint(_MAX_SEED))


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
