"""Generator and discriminator networks, and the 'auto' architecture."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gan_oversampler._networks import Discriminator, Generator, resolve_architecture
from gan_oversampler._spans import Span

SPANS = [
    Span(0, 0, 1, "numeric"),
    Span(1, 1, 4, "categorical"),
    Span(2, 4, 5, "numeric"),
    Span(3, 5, 7, "categorical"),
]
CPU = torch.device("cpu")


def _generator(seed=0):
    return Generator(
        8, (16, 16), SPANS, device=CPU, generator=torch.Generator().manual_seed(seed)
    )


def test_output_activation_per_span():
    net = _generator()
    out = net(
        torch.randn(50, 8, generator=torch.Generator().manual_seed(1)),
        torch.Generator().manual_seed(2),
    )
    assert out.shape == (50, 7)
    numeric = out[:, [0, 4]]
    assert (numeric.abs() < 1).all()
    for start, stop in [(1, 4), (5, 7)]:
        block = out[:, start:stop]
        assert (block >= 0).all()
        torch.testing.assert_close(block.sum(dim=1), torch.ones(50))


def test_gradients_flow_through_every_span():
    net = _generator()
    out = net(torch.randn(10, 8), torch.Generator().manual_seed(0))
    out[:, [1, 2, 3, 5, 6]].pow(2).sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in net.parameters())


def test_weights_come_from_the_local_generator():
    state = torch.random.get_rng_state().clone()
    a, b, c = _generator(0), _generator(0), _generator(1)
    assert torch.equal(state, torch.random.get_rng_state())
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)
    assert not torch.equal(a.net[0].weight, c.net[0].weight)


def test_discriminator_scores_one_per_row():
    disc = Discriminator(
        7, (12, 6), device=CPU, generator=torch.Generator().manual_seed(0)
    )
    assert disc(torch.zeros(5, 7)).shape == (5,)


def test_networks_are_float32_whatever_the_default_dtype():
    # Same weights and the same rows (Gumbel noise included) as under torch's
    # usual float32 default.
    noise = torch.randn(6, 8, generator=torch.Generator().manual_seed(1))
    expected = _generator()
    expected_rows = expected(noise, torch.Generator().manual_seed(2))
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        net = _generator()
        rows = net(noise, torch.Generator().manual_seed(2))
        disc = Discriminator(
            7, (12, 6), device=CPU, generator=torch.Generator().manual_seed(0)
        )
        scores = disc(rows)
    finally:
        torch.set_default_dtype(previous)
    assert rows.dtype == scores.dtype == torch.float32
    assert all(p.dtype == torch.float32 for p in disc.parameters())
    for name, value in net.state_dict().items():
        assert value.dtype == expected.state_dict()[name].dtype, name
        torch.testing.assert_close(value, expected.state_dict()[name], rtol=0, atol=0)
    torch.testing.assert_close(rows, expected_rows, rtol=0, atol=0)


@pytest.mark.parametrize("width", [1, 7, 64, 2000])
def test_auto_architecture_is_bounded(width):
    latent, g_hidden, d_hidden = resolve_architecture(width, "auto", "auto", "auto")
    assert 16 <= latent <= 128
    assert len(g_hidden) == 2 and all(64 <= h <= 256 for h in g_hidden)
    assert 64 <= d_hidden[0] <= 256 and 32 <= d_hidden[1] <= 128


def test_auto_architecture_scales_with_width():
    small = resolve_architecture(10, "auto", "auto", "auto")
    large = resolve_architecture(300, "auto", "auto", "auto")
    assert (
        large[0] > small[0] and large[1][0] > small[1][0] and large[2][0] > small[2][0]
    )


def test_explicit_architecture():
    assert resolve_architecture(50, 5, 32, [40, np.int64(20)]) == (5, (32,), (40, 20))
