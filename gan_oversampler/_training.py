"""Train the GANs of one or several classes together, and generate rows.

All classes of a group train at once as stacked networks (see
:mod:`._networks`): one batched step updates every class's generator and
discriminator. This is the same algorithm as training each class alone —
separate weights, separate Adam states (Adam is elementwise), each class's loss
computed on its own rows only — except that the classes share one random
stream.

The loop keeps every class's encoded rows in one tensor on the training device
and draws each step's batches by index, with replacement, all classes at once;
a class's epoch is ``n_rows // batch_size`` steps. Per-step statistics stay on
the device and are copied to the host once, at the end (and every 100 steps
when a progress bar is shown or early stopping evaluates). Both networks are
optimised by :class:`~._optim.FlatAdam`. On the CPU, the default ``"bce"``
loss trains with hand-written gradients (:class:`~._manual_step.ManualBCEStep`,
the same step as ``one_step`` below without autograd's bookkeeping, in less
than half the time); on a GPU, one step is recorded as a CUDA graph and
replayed (:class:`_StepRunner`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from ._history import TrainingHistory
from ._losses import BatchRows, make_loss
from ._manual_step import ManualBCEStep
from ._networks import DTYPE, Discriminator, Generator
from ._optim import FlatAdam
from ._spans import Span

__all__ = ["TrainingConfig", "auto_epochs", "generate", "train_gans"]

_ADAM_BETAS = (0.5, 0.999)
#: Optimiser steps that ``epochs="auto"`` aims for.
AUTO_STEPS = 2000
#: Early stopping: evaluate every this many steps, and at a class's last step ...
EVAL_EVERY_STEPS = 100
#: ... on up to this many real rows and as many generated ones ...
_EVAL_ROWS = 512
#: ... and stop after this many evaluations without a 1% improvement (5 stopped
#: the benchmark's classes too early at the default budget: detectability 0.50
#: -> 0.60, digits 0.47 -> 0.99; 10 kept it at 0.52 and still saved 28-33% of the
#: fit time; docs/benchmark.rst) ...
PATIENCE = 10
_MIN_IMPROVEMENT = 0.01
#: ... but never before this many steps.
MIN_STEPS = 400
_GENERATION_CHUNK = 65536
#: On the CPU, train with hand-written gradients (``"bce"`` loss only).
USE_MANUAL_STEP = True
#: On CUDA, record a training step as a CUDA graph and replay it ...
USE_CUDA_GRAPHS = True
#: ... after this many eager warm-up steps.
_GRAPH_WARMUP = 3


@dataclass(frozen=True)
class TrainingConfig:
    """Resolved network sizes and optimisation settings for one GAN.

    Parameters
    ----------
    latent_dim : int
        Size of the generator's noise input.
    generator_hidden, discriminator_hidden : tuple of int
        Hidden layer widths.
    epochs : int or None
        Passes over each class's rows; ``None`` means
        ``auto_epochs(n_rows, batch_size)`` per class.
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
    epochs: int | None
    batch_size: int
    learning_rate: float
    loss: str
    early_stopping: bool = False


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


def _plan(n_rows: int, config: TrainingConfig) -> tuple[int, int, int]:
    """Batch size, steps per epoch and epochs for one class.

    Plain ints, even from NumPy integer settings: they end up in the history.
    """
    batch_size = int(min(config.batch_size, n_rows))
    per_epoch = max(1, int(n_rows) // batch_size)
    epochs = int(config.epochs or auto_epochs(n_rows, config.batch_size))
    return batch_size, per_epoch, epochs


def planned_steps(n_rows: int, config: TrainingConfig) -> int:
    """Optimiser steps a class of ``n_rows`` rows trains for (without stopping).

    Parameters
    ----------
    n_rows : int
        Rows in the class.
    config : TrainingConfig
        Training settings.

    Returns
    -------
    int
    """
    _, per_epoch, epochs = _plan(n_rows, config)
    return per_epoch * epochs


class _ClassState:
    """Bookkeeping of one class during group training."""

    def __init__(self, n_rows: int, config: TrainingConfig) -> None:
        self.n_rows = int(n_rows)
        self.batch_size, self.per_epoch, epochs = _plan(n_rows, config)
        self.steps = self.per_epoch * epochs
        self.done_at: int | None = None  # steps trained when finished
        self.final_state: dict | None = None
        self.best, self.best_step, self.best_state, self.waited = math.inf, 0, None, 0
        self.evaluations: list[tuple[int, float]] = []
        self.stopped = False

    def epoch_of(self, steps: int) -> int:
        """The epoch that step number ``steps`` (counted from 1) belongs to."""
        return max(1, -(-steps // self.per_epoch))


def train_gans(
    class_rows: list[np.ndarray],
    spans: list[Span],
    config: TrainingConfig,
    *,
    device: torch.device,
    generator: torch.Generator,
    description: str = "",
    verbose: bool = False,
) -> list[tuple[Generator, TrainingHistory]]:
    """Train one generator/discriminator pair per class, all classes together.

    Parameters
    ----------
    class_rows : list of ndarray of shape (n_rows_c, n_encoded), float32
        Each class's encoded rows.
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
    list of (Generator, TrainingHistory)
        Per class, in input order: the trained single-class generator (on
        ``device``, in eval mode) and its per-epoch history.
    """
    n_stack = len(class_rows)
    classes = [_ClassState(len(rows), config) for rows in class_rows]
    total_steps = max(c.steps for c in classes)
    width = max(c.batch_size for c in classes)
    data = torch.as_tensor(np.concatenate(class_rows), dtype=DTYPE, device=device)
    sizes = torch.tensor([c.n_rows for c in classes], device=device)
    offsets = (torch.cumsum(sizes, 0) - sizes).unsqueeze(1)
    sizes = sizes.unsqueeze(1).to(DTYPE)
    batch_sizes = torch.tensor([c.batch_size for c in classes], device=device)
    batch_rows = BatchRows.first(batch_sizes, width)

    gen = Generator(
        config.latent_dim,
        config.generator_hidden,
        spans,
        n_stack=n_stack,
        device=device,
        generator=generator,
    )
    disc = Discriminator(
        data.shape[1],
        config.discriminator_hidden,
        n_stack=n_stack,
        device=device,
        generator=generator,
    )
    loss = make_loss(config.loss)
    graphs = _graphs_possible(device)
    opt_g, opt_d = (
        FlatAdam(
            net.parameters(), config.learning_rate, betas=_ADAM_BETAS, capturable=graphs
        )
        for net in (gen, disc)
    )
    d_params = list(disc.parameters())
    stats = torch.zeros((total_steps, n_stack, 4), dtype=DTYPE, device=device)
    if config.early_stopping:
        eval_index = [
            offset
            + torch.randperm(c.n_rows, generator=generator, device=device)[:_EVAL_ROWS]
            for offset, c in zip(offsets.squeeze(1).tolist(), classes, strict=True)
        ]
    finish = {}
    for k, c in enumerate(classes):
        finish.setdefault(c.steps, []).append(k)

    def one_step(out: torch.Tensor, rng: torch.Generator) -> None:
        """One discriminator and one generator update; statistics into ``out``."""
        draw = torch.rand((n_stack, width), generator=rng, dtype=DTYPE, device=device)
        real = data[offsets + (draw * sizes).long()]
        noise = torch.randn(
            (n_stack, width, config.latent_dim),
            generator=rng,
            dtype=DTYPE,
            device=device,
        )
        fake = gen(noise, rng)
        fake_rows = fake.detach()

        # Discriminator step: one pass over the real and fake rows together.
        _set_requires_grad(d_params, True)
        scores = disc(torch.cat((real, fake_rows), dim=1))
        real_scores, fake_scores = scores[:, :width], scores[:, width:]
        d_loss = loss.discriminator(
            real_scores, fake_scores, batch_rows, disc, real, fake_rows, rng
        )
        opt_d.zero_grad()
        d_loss.sum().backward()
        opt_d.step()

        # Generator step: gradients flow through a frozen discriminator.
        _set_requires_grad(d_params, False)
        g_loss = loss.generator(disc(fake), batch_rows)
        opt_g.zero_grad()
        g_loss.sum().backward()
        opt_g.step()

        with torch.no_grad():
            acc_real, acc_fake = loss.accuracy(real_scores, fake_scores, batch_rows)
            out.copy_(torch.stack((g_loss, d_loss, acc_real, acc_fake), dim=1))

    if _manual_step_possible(config, device):
        run_step = ManualBCEStep(
            gen, disc, opt_g, opt_d, data, offsets, sizes, batch_rows, stats, generator
        )
    else:
        run_step = _StepRunner(one_step, stats, generator)
    bar = tqdm(total=total_steps, desc=description, disable=not verbose, leave=True)
    step = 0
    while step < total_steps:
        run_step(step)
        step += 1

        ending = [k for k in finish.get(step, ()) if classes[k].done_at is None]
        if config.early_stopping and step % EVAL_EVERY_STEPS == 0:
            _evaluate(gen, data, eval_index, classes, step, config, generator)
        elif config.early_stopping and ending:
            # A class's last step is always evaluated, so that its final
            # generator competes with the earlier ones for being kept.
            _evaluate(gen, data, eval_index, classes, step, config, generator, ending)
        for k in ending:
            classes[k].done_at = step
            classes[k].final_state = gen.class_state(k)
        if verbose and (step % EVAL_EVERY_STEPS == 0 or step == total_steps):
            run_step.flush(step)
            recent = stats[max(0, step - EVAL_EVERY_STEPS) : step].mean(dim=(0, 1))
            g, d, ar, af = recent.tolist()
            bar.set_postfix(
                g_loss=f"{g:.3f}", d_loss=f"{d:.3f}", d_acc=f"{(ar + af) / 2:.2f}"
            )
            bar.update(step - bar.n)
        if all(c.done_at is not None for c in classes):
            break
    bar.close()
    run_step.flush(step)
    _set_requires_grad(d_params, True)
    return _results(gen, stats, classes)


def _manual_step_possible(config: TrainingConfig, device: torch.device) -> bool:
    """Whether steps run with hand-written gradients (:mod:`._manual_step`)."""
    return USE_MANUAL_STEP and config.loss == "bce" and device.type == "cpu"


def _graphs_possible(device: torch.device) -> bool:
    """Whether training steps on ``device`` may be recorded as a CUDA graph."""
    return (
        USE_CUDA_GRAPHS
        and device.type == "cuda"
        and hasattr(torch.cuda.CUDAGraph, "register_generator_state")
    )


class _StepRunner:
    """Run training steps: eagerly, or on a GPU by replaying a CUDA graph.

    A training step of these small networks is a hundred or so tiny kernels, so
    on a GPU its cost is launch overhead. After :data:`_GRAPH_WARMUP` eager
    steps on a side stream, one step is recorded as a CUDA graph and every
    later step replays it: one launch instead of a hundred. The steps then draw
    their random numbers from a generator of their own, seeded from the
    training generator and registered with the graph, so that the training
    generator stays usable outside the graph. If recording fails, training goes
    on eagerly with a fresh generator. Each step's statistics are copied into
    ``stats[step]``.
    """

    def __init__(self, step_fn, stats: torch.Tensor, generator: torch.Generator):
        self.step_fn, self.stats, self.rng = step_fn, stats, generator
        self.use_graph = _graphs_possible(stats.device)
        self.graph: torch.cuda.CUDAGraph | None = None
        if self.use_graph:
            seed, self.fallback_seed = torch.randint(
                2**62, (2,), generator=generator, device=stats.device
            ).tolist()  # one host sync, before training
            self.rng = torch.Generator(stats.device).manual_seed(seed)
            self.static = torch.zeros_like(stats[0])
            self.side = torch.cuda.Stream(stats.device)

    def __call__(self, step: int) -> None:
        if self.use_graph and self.graph is None and step >= _GRAPH_WARMUP:
            self.graph = self._record()  # on failure, use_graph becomes False
        if not self.use_graph:
            self.step_fn(self.stats[step], self.rng)
            return
        if self.graph is not None:
            self.graph.replay()
        else:  # warm-up on a side stream, as CUDA graph recording requires
            current = torch.cuda.current_stream(self.stats.device)
            self.side.wait_stream(current)
            with torch.cuda.stream(self.side):
                self.step_fn(self.static, self.rng)
            current.wait_stream(self.side)
        self.stats[step].copy_(self.static)

    def flush(self, n_steps: int) -> None:
        """Nothing to do: every step writes its statistics (see ManualBCEStep)."""

    def _record(self) -> torch.cuda.CUDAGraph | None:
        graph = torch.cuda.CUDAGraph()
        try:
            graph.register_generator_state(self.rng)
            # On the training device's side stream: without stream=, torch
            # captures on a process-wide stream of whichever device was current
            # when it was first made (cuda:0), and a step on cuda:1 escapes it.
            with (
                torch.cuda.device(self.stats.device),
                torch.cuda.graph(graph, stream=self.side),
            ):
                self.step_fn(self.static, self.rng)
        except RuntimeError:  # pragma: no cover - depends on the torch build
            self.use_graph = False
            self.rng = torch.Generator(self.stats.device).manual_seed(
                self.fallback_seed
            )
            return None
        return graph


def _evaluate(
    gen, data, eval_index, classes, step, config, generator, only=None
) -> None:
    """Early stopping: score the classes still training, stop the stale ones.

    ``only`` restricts the scoring to those classes (by position). A class is
    never stopped at its last step: it has then simply run all its epochs. A
    NaN distance (a diverged class) never counts as an improvement; a class
    stopped without any improvement keeps its generator as it was when it
    stopped, so that the caller sees the divergence.
    """
    gen.eval()
    with torch.no_grad():
        n_eval = max(len(index) for index in eval_index)
        noise = torch.randn(
            (len(classes), n_eval, config.latent_dim),
            generator=generator,
            dtype=DTYPE,
            device=data.device,
        )
        fake = gen(noise, generator)
        distances = torch.stack(
            [
                marginal_distance(data[index], fake[k, : len(index)])
                for k, index in enumerate(eval_index)
            ]
        ).tolist()  # one host sync per evaluation
    gen.train()
    for k, (c, value) in enumerate(zip(classes, distances, strict=True)):
        if c.done_at is not None or (only is not None and k not in only):
            continue
        c.evaluations.append((step, value))
        if value < c.best * (1 - _MIN_IMPROVEMENT):
            c.best, c.best_step, c.waited = value, step, 0
            c.best_state = gen.class_state(k)
        else:
            c.waited += 1
        if c.waited >= PATIENCE and MIN_STEPS <= step < c.steps:
            c.done_at, c.stopped = step, True
            if c.best_state is None:
                c.final_state = gen.class_state(k)


def _results(gen, stats, classes) -> list[tuple[Generator, TrainingHistory]]:
    """Per class: the kept generator and the per-epoch history.

    A class stopped early within an epoch records that last epoch from the
    steps it ran. ``marginal_distance`` holds each epoch's lowest evaluation
    (evaluations come every :data:`EVAL_EVERY_STEPS` steps, so an epoch of
    many steps holds several and a short one often none), and at the best
    epoch the kept evaluation's. With early stopping, the generator of the
    best evaluation is kept (the last step is always evaluated); otherwise,
    or when no evaluation was finite, the final one (``best_epoch`` is then
    None).
    """
    values = stats.cpu().numpy().astype(np.float64)
    results = []
    for k, c in enumerate(classes):
        steps = c.done_at or c.steps
        n_epochs = c.epoch_of(steps)
        starts = np.arange(n_epochs) * c.per_epoch
        sums = np.add.reduceat(values[:steps, k], starts, axis=0)
        per_epoch = sums / np.diff(starts, append=steps)[:, None]
        distance = np.full(n_epochs, np.nan)
        for at, value in c.evaluations:
            epoch = c.epoch_of(at) - 1
            distance[epoch] = np.fmin(distance[epoch], value)  # NaN-ignoring
        best_epoch = None
        if c.best_state is not None:
            best_epoch = c.epoch_of(c.best_step)
            # The kept evaluation's, even where a later one in that epoch was
            # lower by less than the 1% that counts as an improvement.
            distance[best_epoch - 1] = c.best
        kept = c.best_state if c.best_state is not None else c.final_state
        net = gen.single(kept)
        history = TrainingHistory(
            *(per_epoch[:, j] for j in range(4)),
            distance,
            n_rows=c.n_rows,
            batch_size=c.batch_size,
            stopped_epoch=n_epochs if c.stopped else None,
            best_epoch=best_epoch,
            n_steps=steps,
        )
        results.append((net, history))
    return results


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
    device = net.block_index.device
    chunks = []
    with torch.inference_mode():
        for start in range(0, n_samples, _GENERATION_CHUNK):
            size = min(_GENERATION_CHUNK, n_samples - start)
            noise = torch.randn(
                (size, net.latent_dim), generator=generator, dtype=DTYPE, device=device
            )
            chunks.append(net(noise, generator))
    if not chunks:
        return np.zeros((0, net.n_encoded), dtype=np.float32)
    return torch.cat(chunks).cpu().numpy()
