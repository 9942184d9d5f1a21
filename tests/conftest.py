"""Shared fixtures: small mixed tables and fast sampler settings."""

from __future__ import annotations

import pytest
import torch
from _helpers import FAST, make_mixed

# The networks are tiny: one intra-op thread is as fast as two, and avoids
# oversubscribing the cores when tests run in parallel (pytest -n).
torch.set_num_threads(1)


@pytest.fixture
def mixed():
    """(X, y) mixed DataFrame and Series with a 'rare' minority class."""
    return make_mixed()


@pytest.fixture
def fast():
    """Fast sampler settings."""
    return dict(FAST)
