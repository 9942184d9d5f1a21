"""Resolve the user's ``device`` parameter into a :class:`torch.device`.

This is the one place that decides where training runs; everything else receives
the resolved device.
"""

from __future__ import annotations

import torch

__all__ = ["resolve_device"]

_VALID = "'auto', 'cpu', 'cuda', 'cuda:<index>' or a torch.device"


def resolve_device(device: str | torch.device) -> torch.device:
    """Turn ``device`` into a concrete :class:`torch.device`.

    Parameters
    ----------
    device : str or torch.device
        ``"auto"`` picks the first CUDA GPU when one is available and the CPU
        otherwise; ``"cpu"``, ``"cuda"`` and ``"cuda:<index>"`` are used as given.

    Returns
    -------
    torch.device
        The device training runs on.

    Raises
    ------
    ValueError
        If the string is not a device name, or a CUDA device is requested on a
        machine where CUDA is not available.
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if isinstance(device, str):
        try:
            resolved = torch.device(device)
        except RuntimeError:
            raise ValueError(f"Unknown device {device!r}. Use {_VALID}.") from None
    elif isinstance(device, torch.device):
        resolved = device
    else:
        raise TypeError(
            f"device must be {_VALID}; got {type(device).__name__} {device!r}."
        )
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available on this "
                "machine (torch.cuda.is_available() is False). Use device='cpu', or "
                "device='auto' to use a GPU only when there is one."
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but only "
                f"{torch.cuda.device_count()} CUDA device(s) are visible."
            )
    elif resolved.type != "cpu":
        raise ValueError(
            f"Unsupported device {device!r}: GANOverSampler trains on {_VALID}."
        )
    return resolved
