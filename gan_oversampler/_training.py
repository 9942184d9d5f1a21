"""Train one class's GAN and generate rows from it.

The loop keeps the class's encoded rows in one tensor on the training device
and draws batches by index from a shuffled permutation; per-epoch statistics
are accumulated on the device and copied to the host once, at the end (or once
per epoch when a progress bar is shown).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from ._encoding import Span
from ._history import TrainingHistory
from ._losses import make_loss
from ._networks import Discriminator, Generator

__all__ = ["TrainingConfig", "generate", "train_gan"]

_ADAM_BETAS = (0.5, 0.999)
#: Optimiser steps that ``epochs="auto"`` aims for.
AUTO_STEPS = 2000
#: Early stopping: evaluate every this many steps (rounded up to whole epochs) ...
EVAL_EVERY_STEPS = 100
#: ... on up to this many real rows and as many generated ones ...
_EVAL_ROWS = 512
#: ... and stop after this many evaluations without a 1% improvement ...
PATIENCE = 5
_MIN_IMPROVEMENT = 0.01
#: ... but never before this many steps.
MIN_STEPS = 400
_GENERATION_CHUNK = 65536


@dataclass(frozen=True)
class TrainingConfig:
    """Resolved network sizes and optimisation settings for one GAN.

    Parameters
    ----------
    latent_dim : int
        Size of the generator's noise input.
    generator_hidden, discriminator_hidden : tuple of int
        Hidden layer widths.
    epochs : int
        Passes over the class's rows.
    batch_size : int
        Requested batch size (capped at the class size).
    learning_rate : float
        Adam learning rate of both networks.
    loss : {"bce", "wgan-gp"}
        Adversarial loss.
    early_stopping : bool
        Stop when the marginal distance stops improving and keep the best
        generator.
    """

    latent_dim: int
    generator_hidden: tuple[int, ...]
    discriminator_hidden: tuple[int, ...]
    epochs: int
    batch_size: int
    learning_rate: float
    loss: str
    early_stopping: bool = False


def _adam(params, lr: float) -> torch.optim.Adam:
    """Adam with the fused kernel where torch has one, else the foreach one."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, betas=_ADAM_BETAS, fused=True)
    except (RuntimeError, TypeError):  # pragma: no cover - older torch or device
        return torch.optim.Adam(params, lr=lr, betas=_ADAM_BETAS, foreach=True)


def marginal_distance(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Mean over encoded columns of the 1-D Wasserstein distance.

    Both inputs have the same number of rows; sorting each column pairs the
    quantiles. Cheap, computed on the training device, and 0 only when every
    encoded column has the same distribution.

    Parameters
    ----------
    real, fake : Tensor of shape (n, n_encoded)
        Real and generated encoded rows.

    Returns
    -------
    Tensor
        A scalar.
    """
    return (real.sort(dim=0).values - fake.sort(dim=0).values).abs().mean()


def _set_requires_grad(params: list[torch.Tensor], flag: bool) -> None:
    for param in params:
        param.requires_grad_(flag)


def auto_epochs(n_rows: int, batch_size: int) -> int:
    """Epochs needed for about :data:`AUTO_STEPS` optimiser steps.

    Parameters
    ----------
    n_rows : int
        Rows in the class.
    batch_size : int
        Requested batch size (capped at ``n_rows``).

    Returns
    -------
    int
        At least one epoch.
    """
    steps_per_epoch = max(1, n_rows // min(batch_size, n_rows))
    return max(1, -(-AUTO_STEPS // steps_per_epoch))


def train_gan(
    rows: np.ndarray,
    spans: list[Span],
    config: TrainingConfig,
    *,
    device: torch.device,
    generator: torch.Generator,
    description: str = "",
    verbose: bool = False,
) -> tuple[Generator, TrainingHistory]:
    """Train a generator/discriminator pair on one class's encoded rows.

    Parameters
    ----------
    rows : ndarray of shape (n_rows, n_encoded), float32
        The class's encoded rows.
    spans : list of Span
        Layout of the encoded row.
    config : TrainingConfig
        Sizes and optimisation settings.
    device : torch.device
        Where to train.
    generator : torch.Generator
        Local random source on ``device`` for weights, batches and noise.
    description : str
        Label of the progress bar.
    verbose : bool
        Show a progress bar with the current losses.

    Returns
    -------
    generator_net : Generator
        The trained generator, on ``device``, in eval mode.
    history : TrainingHistory
        Per-epoch losses and discriminator accuracies.
    """
    data = torch.as_tensor(rows, dtype=torch.float32, device=device)
    n_rows, n_encoded = data.shape
    batch_size = min(config.batch_size, n_rows)
    n_batches = max(1, n_rows // batch_size)

    gen = Generator(
        config.latent_dim,
        config.generator_hidden,
        spans,
        device=device,
        generator=generator,
    )
    disc = Discriminator(
        n_encoded, config.discriminator_hidden, device=device, generator=generator
    )
    loss = make_loss(config.loss)
    opt_g = _adam(gen.parameters(), config.learning_rate)
    opt_d = _adam(disc.parameters(), config.learning_rate)
    d_params = list(disc.parameters())
    stats = torch.zeros((config.epochs, 5), device=device)
    stats[:, 4] = torch.nan
    eval_every = max(1, -(-EVAL_EVERY_STEPS // n_batches))
    min_epochs = max(1, -(-MIN_STEPS // n_batches))
    if config.early_stopping:
        pick = torch.randperm(n_rows, generator=generator, device=device)[:_EVAL_ROWS]
        eval_real = data[pick]
    best, best_epoch, best_state, waited = math.inf, None, None, 0
    stopped_epoch = None

    bar = tqdm(total=config.epochs, desc=description, disable=not verbose, leave=True)
    for epoch in range(config.epochs):
        order = torch.randperm(n_rows, generator=generator, device=device)
        totals = torch.zeros(4, device=device)
        for b in range(n_batches):
            real = data[order[b * batch_size : (b + 1) * batch_size]]
            noise = torch.randn(
                (batch_size, config.latent_dim), generator=generator, device=device
            )
            fake = gen(noise, generator)
            fake_rows = fake.detach()

            # Discriminator step: one pass over the real and fake rows together.
            _set_requires_grad(d_params, True)
            scores = disc(torch.cat((real, fake_rows)))
            real_scores, fake_scores = scores[:batch_size], scores[batch_size:]
            d_loss = loss.discriminator(
                real_scores, fake_scores, disc, real, fake_rows, generator
            )
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()

            # Generator step: gradients flow through a frozen discriminator.
            _set_requires_grad(d_params, False)
            g_loss = loss.generator(disc(fake))
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()

            with torch.no_grad():
                acc_real, acc_fake = loss.accuracy(real_scores, fake_scores)
                totals += torch.stack((g_loss, d_loss, acc_real, acc_fake))
        stats[epoch, :4] = totals / n_batches
        if config.early_stopping and (epoch + 1) % eval_every == 0:
            gen.eval()
            with torch.no_grad():
                noise = torch.randn(
                    (len(eval_real), config.latent_dim),
                    generator=generator,
                    device=device,
                )
                distance = marginal_distance(eval_real, gen(noise, generator))
            gen.train()
            stats[epoch, 4] = distance
            value = float(distance)  # one host sync per evaluation
            if value < best * (1 - _MIN_IMPROVEMENT):
                best, best_epoch, waited = value, epoch, 0
                best_state = {k: v.clone() for k, v in gen.state_dict().items()}
            else:
                waited += 1
            if waited >= PATIENCE and epoch + 1 >= min_epochs:
                stopped_epoch = epoch + 1
                if verbose:
                    bar.update()
                break
        if verbose:
            g, d, ar, af = stats[epoch, :4].tolist()
            bar.set_postfix(
                g_loss=f"{g:.3f}", d_loss=f"{d:.3f}", d_acc=f"{(ar + af) / 2:.2f}"
            )
            bar.update()
    bar.close()
    _set_requires_grad(d_params, True)
    if best_state is not None:
        gen.load_state_dict(best_state)
    gen.eval()
    n_epochs = stopped_epoch or config.epochs
    values = stats[:n_epochs].cpu().numpy().astype(np.float64)
    history = TrainingHistory(
        *(values[:, k] for k in range(5)),
        n_rows=n_rows,
        batch_size=batch_size,
        stopped_epoch=stopped_epoch,
        best_epoch=None if best_epoch is None else best_epoch + 1,
    )
    return gen, history


def generate(
    net: Generator, n_samples: int, *, generator: torch.Generator
) -> np.ndarray:
    """Generate ``n_samples`` encoded rows without tracking gradients.

    Parameters
    ----------
    net : Generator
        A trained generator.
    n_samples : int
        Number of rows.
    generator : torch.Generator
        Local random source on the network's device.

    Returns
    -------
    ndarray of shape (n_samples, n_encoded), float32
        Encoded rows on the host.
    """
    device = net.numeric_index.device
    chunks = []
    with torch.inference_mode():
        for start in range(0, n_samples, _GENERATION_CHUNK):
            size = min(_GENERATION_CHUNK, n_samples - start)
            noise = torch.randn(
                (size, net.latent_dim), generator=generator, device=device
            )
            chunks.append(net(noise, generator))
    if not chunks:
        return np.zeros((0, int(net.order.numel())), dtype=np.float32)
    return torch.cat(chunks).cpu().numpy()
