"""FlatAdam: the same updates as torch.optim.Adam, over flat buffers."""

from __future__ import annotations

import copy

import pytest
import torch

from gan_oversampler import _optim
from gan_oversampler._networks import Discriminator
from gan_oversampler._optim import FlatAdam


def _pair(lr=1e-2, betas=(0.5, 0.999), capturable=False):
    generator = torch.Generator().manual_seed(0)
    net = Discriminator(6, (8, 4), n_stack=2, device="cpu", generator=generator)
    reference = copy.deepcopy(net)
    return (
        net,
        FlatAdam(net.parameters(), lr, betas=betas, capturable=capturable),
        reference,
        torch.optim.Adam(reference.parameters(), lr=lr, betas=betas),
    )


@pytest.mark.parametrize(
    "capturable, fused", [(False, True), (False, False), (True, False)]
)
@pytest.mark.parametrize("betas", [(0.5, 0.999), (0.9, 0.99)])
def test_matches_torch_adam(monkeypatch, betas, capturable, fused):
    """Every mode: torch's fused kernel, the elementwise ops, the capturable ops."""
    if fused and _optim._FUSED_ADAM is None:  # pragma: no cover - older torch
        pytest.skip("this torch has no fused Adam kernel")
    if not fused:
        monkeypatch.setattr(_optim, "_FUSED_ADAM", None)
    net, opt, reference, ref_opt = _pair(betas=betas, capturable=capturable)
    assert opt._fused == fused
    x = torch.randn((2, 16, 6), generator=torch.Generator().manual_seed(1))
    for _ in range(30):
        for model, optimiser in ((net, opt), (reference, ref_opt)):
            optimiser.zero_grad()
            model(x).square().mean().backward()
            optimiser.step()
    for ours, theirs in zip(net.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_parameters_and_gradients_stay_in_the_flat_buffers():
    net, opt, _, _ = _pair()
    assert opt.params.numel() == sum(p.numel() for p in net.parameters())
    net(torch.ones((2, 3, 6))).sum().backward()
    assert opt.check_views()
    assert opt.grads.abs().sum() > 0
    opt.step()
    opt.zero_grad()
    assert opt.check_views() and not opt.grads.any()
    # Replacing a gradient tensor breaks the contract, and is detected.
    next(net.parameters()).grad = None
    assert not opt.check_views()


def test_frozen_parameters_keep_their_gradients():
    # The generator step freezes the discriminator: its gradients must not move.
    net, opt, _, _ = _pair()
    net(torch.ones((2, 3, 6))).sum().backward()
    before = opt.grads.clone()
    for param in net.parameters():
        param.requires_grad_(False)
    x = torch.ones((2, 3, 6), requires_grad=True)
    net(x).sum().backward()
    assert torch.equal(opt.grads, before)
