"""The hand-written training step computes what autograd computes."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from gan_oversampler import _manual_step
from gan_oversampler._autograd_step import AutogradStep
from gan_oversampler._cuda_graph_step import CUDAGraphStep
from gan_oversampler._draws import StepDraws
from gan_oversampler._manual_step import (
    ManualBCEStep,
    _layers,
    _Pass,
    activation_backward,
)
from gan_oversampler._networks import Discriminator, Generator
from gan_oversampler._optim import FlatAdam
from gan_oversampler._spans import Span
from gan_oversampler._step_choice import choose_step
from gan_oversampler._training import train_gans
from gan_oversampler._training_plan import TrainingConfig

CPU = torch.device("cpu")


def _numeric(n):
    return [Span(i, i, i + 1, "numeric") for i in range(n)]


MIXED = [
    Span(0, 0, 1, "numeric"),
    Span(1, 1, 4, "categorical"),
    Span(2, 4, 5, "numeric"),
    Span(3, 5, 7, "missing"),
    Span(4, 7, 12, "categorical"),
]
LAYOUTS = {
    "narrow numeric": (_numeric(5), (32, 32), (32, 16)),
    "wide numeric": (_numeric(20), (64, 64), (64, 32)),
    "mixed": (MIXED, (32, 32), (32, 16)),
    "narrow hidden layers": (MIXED, (8, 24), (12,)),
}


def _class_rows(spans, sizes, seed=0):
    rng = np.random.default_rng(seed)
    width = max(s.stop for s in spans)
    out = []
    for n in sizes:
        rows = rng.uniform(-1, 1, (n, width)).astype(np.float32)
        for s in spans:
            if s.kind != "numeric":
                rows[:, s.start : s.stop] = np.eye(s.width)[rng.integers(0, s.width, n)]
        out.append(rows)
    return out


def _fit(monkeypatch, kind, spans, rows, config, grads=None):
    calls = []
    if grads is not None:  # record every gradient an optimiser steps with
        step = FlatAdam.step

        def recording(self, *args, **kwargs):
            grads.append(self.grads.clone())
            return step(self, *args, **kwargs)

        monkeypatch.setattr(FlatAdam, "step", recording)

    take_step = ManualBCEStep.__call__

    def counting(self, n):
        calls.append(n)
        return take_step(self, n)

    monkeypatch.setattr(ManualBCEStep, "__call__", counting)
    results = train_gans(
        rows,
        spans,
        dataclasses.replace(config, step=kind),
        device=CPU,
        generator=torch.Generator().manual_seed(3),
    )
    return results, len(calls)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_training_matches_autograd(monkeypatch, layout):
    """Same seed, same steps: the weights and per-epoch statistics agree with
    the autograd loop, for stacked classes of which one is smaller than the
    batch (padded rows). Adam turns float rounding in a near-zero gradient into
    up to a fraction of a learning rate (1e-3) of difference; a wrong gradient
    would be off by several learning rates."""
    spans, g_hidden, d_hidden = LAYOUTS[layout]
    config = TrainingConfig(8, g_hidden, d_hidden, 4, 32, 1e-3, "bce")
    rows = _class_rows(spans, (100, 40, 17))
    # Statistics computed in chunks of 5 steps: two full chunks and a rest.
    monkeypatch.setattr(_manual_step, "STATS_CHUNK", 5)
    grads, ref_grads = [], []
    manual, n_manual = _fit(monkeypatch, "manual", spans, rows, config, grads)
    monkeypatch.undo()
    monkeypatch.setattr(_manual_step, "STATS_CHUNK", 5)
    reference, n_reference = _fit(
        monkeypatch, "autograd", spans, rows, config, ref_grads
    )
    assert n_manual == 12 and n_reference == 0  # 3 batches x 4 epochs
    # The gradients themselves, not only the weights: Adam's update hardly
    # changes when every gradient is scaled by a constant.
    assert len(grads) == len(ref_grads) == 2 * 12
    for ours, theirs in zip(grads, ref_grads, strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-3, atol=1e-5)
    for (net, hist), (ref_net, ref_hist) in zip(manual, reference, strict=True):
        for ours, theirs in zip(net.parameters(), ref_net.parameters(), strict=True):
            torch.testing.assert_close(ours, theirs, rtol=1e-3, atol=1e-4)
        for name in (
            "generator_loss",
            "discriminator_loss",
            "discriminator_accuracy_real",
            "discriminator_accuracy_fake",
        ):
            np.testing.assert_allclose(
                getattr(hist, name), getattr(ref_hist, name), rtol=1e-4, atol=1e-5
            )


def test_chosen_for_bce_on_the_cpu_only():
    config = TrainingConfig(8, (8,), (8,), 1, 8, 1e-3, "bce")
    wgan = dataclasses.replace(config, loss="wgan-gp")
    cuda = torch.device("cuda")
    assert choose_step(config, CPU) is ManualBCEStep
    assert choose_step(config, cuda) in (CUDAGraphStep, AutogradStep)
    assert choose_step(wgan, CPU) is AutogradStep
    for loss_config, device in ((config, cuda), (wgan, CPU)):
        manual = dataclasses.replace(loss_config, step="manual")
        with pytest.raises(ValueError, match="'manual' training step cannot"):
            choose_step(manual, device)


def test_a_step_kind_is_chosen_explicitly():
    config = TrainingConfig(8, (8,), (8,), 1, 8, 1e-3, "bce")
    assert choose_step(dataclasses.replace(config, step="autograd"), CPU) is (
        AutogradStep
    )
    assert choose_step(dataclasses.replace(config, step="manual"), CPU) is (
        ManualBCEStep
    )
    with pytest.raises(ValueError, match="'cuda-graph' training step cannot"):
        choose_step(dataclasses.replace(config, step="cuda-graph"), CPU)
    with pytest.raises(ValueError, match="Unknown training step 'fast'"):
        choose_step(dataclasses.replace(config, step="fast"), CPU)


def test_the_sampler_passes_its_step_kind_on(monkeypatch):
    # GANOverSampler._training_step (not a parameter) picks the kind.
    from gan_oversampler import GANOverSampler

    taken = []
    take_step = AutogradStep.__call__

    def counting(self, n):
        taken.append(n)
        return take_step(self, n)

    monkeypatch.setattr(AutogradStep, "__call__", counting)
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = np.r_[np.zeros(45, int), np.ones(15, int)]
    sampler = GANOverSampler(epochs=2, batch_size=8, device="cpu", random_state=0)
    sampler._training_step = "autograd"
    sampler.fit_resample(X, y)
    assert taken == list(range(sampler.history_[1].n_steps)) == [0, 1]
    assert "_training_step" not in sampler.get_params()


def test_draws_come_in_one_fixed_order():
    """Batch uniforms, then the latent noise, then the Gumbel uniforms: the
    order both steps rely on, read back from an identically seeded source."""
    gen = Generator(4, (8,), MIXED, n_stack=2, device=CPU, generator=torch.Generator())
    data = torch.arange(36 * 12, dtype=torch.float32).view(36, 12)
    offsets, sizes = torch.tensor([[0], [30]]), torch.tensor([[30.0], [6.0]])
    draws = StepDraws(data, offsets, sizes, 5, gen)
    draws.draw(torch.Generator().manual_seed(7))
    rng = torch.Generator().manual_seed(7)
    index = offsets + (torch.rand((2, 5), generator=rng) * sizes).long()
    noise = torch.randn((2, 5, 4), generator=rng)
    uniform = torch.rand(gen.gumbel_shape(2, 5), generator=rng)
    assert torch.equal(draws.real, data[index])
    assert torch.equal(draws.noise, noise)
    assert torch.equal(draws.gumbel, uniform)
    numeric = Generator(4, (8,), _numeric(3), device=CPU, generator=torch.Generator())
    assert StepDraws(data[:, :3], offsets, sizes, 5, numeric).gumbel is None


@pytest.mark.parametrize("n_in, hidden", [(5, (16, 1)), (20, (64, 32)), (3, (8,))])
def test_pass_gives_autograd_gradients(n_in, hidden):
    """Forward output, weight gradients and input gradient of a stacked MLP,
    with narrow (stored transposed) and wide layers and a single output."""
    generator = torch.Generator().manual_seed(0)
    disc = Discriminator(n_in, hidden, n_stack=2, device=CPU, generator=generator)
    opt = FlatAdam(disc.parameters(), 1e-3)
    x = torch.randn((2, 24, n_in), generator=generator)
    upstream = torch.randn((2, 24), generator=generator)

    leaf = x.clone().requires_grad_(True)
    (disc(leaf) * upstream).sum().backward()
    expected_weights, expected_input = opt.grads.clone(), leaf.grad
    opt.zero_grad()

    layers = _layers(disc)
    inputs = x.clone()
    run = _Pass(layers, inputs)
    with torch.no_grad():
        torch.testing.assert_close(run.forward().squeeze(-1), disc(x))
    grad = run.backward(upstream.unsqueeze(-1), weights=True, to_input=True)
    torch.testing.assert_close(opt.grads, expected_weights, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(grad, expected_input, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(inputs, x)  # the input buffer is only read


@pytest.mark.parametrize("gumbel", [True, False])
def test_activation_backward_matches_autograd(gumbel):
    net = Generator(4, (8,), MIXED, n_stack=2, device=CPU, generator=torch.Generator())
    raw = torch.randn((2, 16, 12), generator=torch.Generator().manual_seed(1))
    upstream = torch.randn((2, 16, 12), generator=torch.Generator().manual_seed(2))

    def noise():
        return torch.Generator().manual_seed(5) if gumbel else None

    leaf = raw.clone().requires_grad_(True)
    rows, _ = net.activate(leaf, noise())
    (rows * upstream).sum().backward()
    with torch.no_grad():
        rows, probs = net.activate(raw, noise(), out=torch.empty_like(raw))
        grad = activation_backward(
            net, upstream, rows, probs, gumbel=gumbel, out=torch.empty_like(raw)
        )
    torch.testing.assert_close(grad, leaf.grad, rtol=1e-4, atol=1e-6)
