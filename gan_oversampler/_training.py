"""Train the GANs of one or several classes together, and generate rows.

All classes of a group train at once as stacked networks (see
:mod:`._networks`): one batched step updates every class's generator and
discriminator. This is the same algorithm as training each class alone —
separate weights, separate Adam states (Adam is elementwise), each class's loss
computed on its own rows only — except that the classes share one random
stream.

The loop keeps every class's encoded rows in one tensor on the training device
and draws each step's batches by index, with replacement, all classes at once
(:class:`~._draws.StepDraws`); a class's epoch is ``n_rows // batch_size``
steps. Per-step statistics stay on the device and are copied to the host once,
at the end (and every 100 steps when a progress bar is shown or early stopping
evaluates). Both networks are optimised by :class:`~._optim.FlatAdam`.

:func:`train_gans` runs in named parts: :func:`_initialize` builds the
tensors, networks, optimisers and the training step, which
:func:`~._step_choice.choose_step` picks (hand-written gradients on the CPU,
a replayed CUDA graph on a GPU, autograd otherwise); :func:`_fit_loop` takes
the steps, with :func:`_on_step_end`'s early-stopping and end-of-class
bookkeeping after each; :func:`_finish` turns the statistics into histories.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch
from tqdm.auto import tqdm

from ._draws import StepDraws
from ._history import TrainingHistory
from ._losses import BatchRows, make_loss
from ._networks import DTYPE, Discriminator, Generator
from ._optim import FlatAdam
from ._random import torch_generator
from ._spans import Span
from ._step_choice import choose_step
from ._step_context import StepContext, TrainingStep
from ._training_plan import TrainingConfig, plan
from ._warnings import warn_caller

__all__ = ["TrainingFailedError", "generate", "train_gans", "train_with_retry"]

_ADAM_BETAS = (0.5, 0.999)
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


class _ClassState:
    """Bookkeeping of one class during group training."""

    def __init__(self, n_rows: int, config: TrainingConfig) -> None:
        self.n_rows = int(n_rows)
        self.batch_size, self.per_epoch, epochs = plan(n_rows, config)
        self.steps = self.per_epoch * epochs
        self.done_at: int | None = None  # steps trained when finished
        self.final_state: dict | None = None
        self.best, self.best_step, self.best_state, self.waited = math.inf, 0, None, 0
        self.evaluations: list[tuple[int, float]] = []
        self.stopped = False

    def epoch_of(self, steps: int) -> int:
        """The epoch that step number ``steps`` (counted from 1) belongs to."""
        return max(1, -(-steps // self.per_epoch))


@dataclass
class _Run:
    """One training run: what :func:`_initialize` builds and the loop updates.

    ``finish`` maps a step count to the classes (by position) whose planned
    steps end there; ``eval_index`` holds each class's early-stopping rows
    (rows of ``data``), ``None`` without early stopping.
    """

    config: TrainingConfig
    classes: list[_ClassState]
    gen: Generator
    disc: Discriminator
    data: torch.Tensor
    stats: torch.Tensor
    generator: torch.Generator
    train_step: TrainingStep
    eval_index: list[torch.Tensor] | None
    finish: dict[int, list[int]]

    @property
    def total_steps(self) -> int:
        """Steps of the longest class."""
        return max(c.steps for c in self.classes)


class TrainingFailedError(RuntimeError):
    """A class's GAN diverged (non-finite losses or weights) even after a retry.

    :meth:`GANOverSampler.fit_resample` retries a diverged class once with a
    10 times smaller learning rate before raising this error, which names the
    class and suggests safer settings.

    Examples
    --------
    >>> from gan_oversampler import TrainingFailedError
    >>> issubclass(TrainingFailedError, RuntimeError)
    True
    """


#: A diverged class is trained again alone with its learning rate times this.
RETRY_LEARNING_RATE_FACTOR = 0.1


def diverged(net: torch.nn.Module, history: TrainingHistory) -> bool:
    """Whether training produced non-finite weights or losses.

    Parameters
    ----------
    net : torch.nn.Module
        A trained generator.
    history : TrainingHistory
        Its per-epoch record.

    Returns
    -------
    bool
        True if a weight or a recorded generator loss is not finite.
    """
    weights_ok = all(torch.isfinite(p).all() for p in net.parameters())
    return not (weights_ok and np.isfinite(history.generator_loss).all())


def train_with_retry(
    class_rows: list[np.ndarray],
    names: list[str],
    spans: list[Span],
    config: TrainingConfig,
    *,
    seed: int,
    device: torch.device,
    description: str,
    verbose: bool = False,
) -> tuple[list[tuple[Generator, TrainingHistory]], torch.Generator]:
    """Train GANs together; retry each diverged one once, alone.

    Each entry of ``class_rows`` is one generator/discriminator pair to train
    (a class, or one of a class's several generators). A pair whose training
    diverged is trained again on its own, from a fresh generator seeded
    ``seed + 1 + k`` (``k`` its position in the list), with a learning rate
    :data:`RETRY_LEARNING_RATE_FACTOR` times smaller; if that diverges too,
    :class:`TrainingFailedError` is raised.

    Parameters
    ----------
    class_rows : list of ndarray of shape (n_rows_c, n_encoded), float32
        Each pair's encoded training rows.
    names : list of str
        Each pair's name in messages (its class label, and which of the
        class's generators it is).
    spans : list of Span
        Layout of the encoded row.
    config : TrainingConfig
        Sizes and optimisation settings.
    seed : int
        Seed of the group's random generator.
    device : torch.device
        Where to train.
    description : str
        The progress bar's label.
    verbose : bool
        Show a progress bar with the current losses.

    Returns
    -------
    results : list of (Generator, TrainingHistory)
        Per pair, in input order, as :func:`train_gans` returns them.
    generator : torch.Generator
        The group's random generator, to continue its stream with.

    Raises
    ------
    TrainingFailedError
        If a class diverged twice.
    """
    generator = torch_generator(seed, device)
    results = train_gans(
        class_rows,
        spans,
        config,
        device=device,
        generator=generator,
        description=description,
        verbose=verbose,
    )
    safer = replace(
        config, learning_rate=config.learning_rate * RETRY_LEARNING_RATE_FACTOR
    )
    for k, name in enumerate(names):
        if not diverged(*results[k]):
            continue
        warn_caller(
            f"Training the GAN for class {name} diverged (non-finite "
            "losses); retrying once with a 10x smaller learning rate.",
            RuntimeWarning,
        )
        (results[k],) = train_gans(
            [class_rows[k]],
            spans,
            safer,
            device=device,
            generator=torch_generator(seed + 1 + k, device),
        )
        if diverged(*results[k]):
            raise TrainingFailedError(
                f"Training the GAN for class {name} diverged twice "
                "(non-finite losses or weights). Try a smaller learning_rate, "
                "loss='wgan-gp', or, if you set another numeric_transformer, "
                "the default ('quantile') for extreme values."
            )
    return results, generator


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
    run = _initialize(class_rows, spans, config, device, generator)
    n_steps = _fit_loop(run, description, verbose)
    return _finish(run, n_steps)


def _initialize(
    class_rows: list[np.ndarray],
    spans: list[Span],
    config: TrainingConfig,
    device: torch.device,
    generator: torch.Generator,
) -> _Run:
    """Build the training tensors, networks, optimisers and training step.

    Draws from ``generator`` in this order: the generator's weights, the
    discriminator's, the early-stopping rows, then what the step draws when
    it is built (a CUDA graph's seeds).
    """
    step_class = choose_step(config, device)
    classes = [_ClassState(len(rows), config) for rows in class_rows]
    n_stack, width = len(classes), max(c.batch_size for c in classes)
    data = torch.as_tensor(np.concatenate(class_rows), dtype=DTYPE, device=device)
    sizes = torch.tensor([c.n_rows for c in classes], device=device)
    offsets = (torch.cumsum(sizes, 0) - sizes).unsqueeze(1)
    batch_sizes = torch.tensor([c.batch_size for c in classes], device=device)

    gen, disc = _networks(spans, data.shape[1], n_stack, config, device, generator)
    opt_g, opt_d = (
        FlatAdam(
            net.parameters(),
            config.learning_rate,
            betas=_ADAM_BETAS,
            capturable=step_class.capturable,
        )
        for net in (gen, disc)
    )
    total_steps = max(c.steps for c in classes)
    stats = torch.zeros((total_steps, n_stack, 4), dtype=DTYPE, device=device)
    eval_index = (
        _early_stopping_rows(offsets, classes, generator)
        if config.early_stopping
        else None
    )
    finish: dict[int, list[int]] = {}
    for k, c in enumerate(classes):
        finish.setdefault(c.steps, []).append(k)
    context = StepContext(
        gen=gen,
        disc=disc,
        opt_g=opt_g,
        opt_d=opt_d,
        loss=make_loss(config.loss),
        rows=BatchRows.first(batch_sizes, width),
        draws=StepDraws(data, offsets, sizes.unsqueeze(1).to(DTYPE), width, gen),
        stats=stats,
        generator=generator,
    )
    return _Run(
        config=config,
        classes=classes,
        gen=gen,
        disc=disc,
        data=data,
        stats=stats,
        generator=generator,
        train_step=step_class(context),
        eval_index=eval_index,
        finish=finish,
    )


def _networks(
    spans: list[Span],
    n_encoded: int,
    n_stack: int,
    config: TrainingConfig,
    device: torch.device,
    generator: torch.Generator,
) -> tuple[Generator, Discriminator]:
    """The stacked networks, weights drawn generator first."""
    gen = Generator(
        config.latent_dim,
        config.generator_hidden,
        spans,
        n_stack=n_stack,
        device=device,
        generator=generator,
    )
    disc = Discriminator(
        n_encoded,
        config.discriminator_hidden,
        n_stack=n_stack,
        device=device,
        generator=generator,
    )
    return gen, disc


def _early_stopping_rows(
    offsets: torch.Tensor, classes: list[_ClassState], generator: torch.Generator
) -> list[torch.Tensor]:
    """Per class, up to :data:`_EVAL_ROWS` random rows (rows of the data)."""
    rows = []
    for offset, c in zip(offsets.squeeze(1).tolist(), classes, strict=True):
        order = torch.randperm(c.n_rows, generator=generator, device=offsets.device)
        rows.append(offset + order[:_EVAL_ROWS])
    return rows


def _fit_loop(run: _Run, description: str, verbose: bool) -> int:
    """Take the steps until every class is done; return the steps taken."""
    total_steps = run.total_steps
    bar = tqdm(total=total_steps, desc=description, disable=not verbose, leave=True)
    step = 0
    while step < total_steps:
        run.train_step(step)
        step += 1
        _on_step_end(run, step)
        if verbose and (step % EVAL_EVERY_STEPS == 0 or step == total_steps):
            _report_progress(bar, run, step)
        if all(c.done_at is not None for c in run.classes):
            break
    bar.close()
    return step


def _on_step_end(run: _Run, step: int) -> None:
    """Early-stopping evaluations, and the classes whose last step this was."""
    classes, config = run.classes, run.config
    ending = [k for k in run.finish.get(step, ()) if classes[k].done_at is None]
    if config.early_stopping and step % EVAL_EVERY_STEPS == 0:
        _evaluate(run, step)
    elif config.early_stopping and ending:
        # A class's last step is always evaluated, so that its final
        # generator competes with the earlier ones for being kept.
        _evaluate(run, step, ending)
    for k in ending:
        classes[k].done_at = step
        classes[k].final_state = run.gen.class_state(k)


def _report_progress(bar: tqdm, run: _Run, step: int) -> None:
    """Show the mean statistics of the last :data:`EVAL_EVERY_STEPS` steps."""
    run.train_step.flush(step)
    recent = run.stats[max(0, step - EVAL_EVERY_STEPS) : step].mean(dim=(0, 1))
    g, d, ar, af = recent.tolist()
    bar.set_postfix(g_loss=f"{g:.3f}", d_loss=f"{d:.3f}", d_acc=f"{(ar + af) / 2:.2f}")
    bar.update(step - bar.n)


def _finish(run: _Run, n_steps: int) -> list[tuple[Generator, TrainingHistory]]:
    """Write the last statistics; per class, the kept generator and history."""
    run.train_step.flush(n_steps)
    for param in run.disc.parameters():
        param.requires_grad_(True)
    return _results(run.gen, run.stats, run.classes)


def _evaluate(run: _Run, step: int, only: list[int] | None = None) -> None:
    """Early stopping: score the classes still training, stop the stale ones.

    ``only`` restricts the scoring to those classes (by position). A class is
    never stopped at its last step: it has then simply run all its epochs. A
    NaN distance (a diverged class) never counts as an improvement; a class
    stopped without any improvement keeps its generator as it was when it
    stopped, so that the caller sees the divergence.
    """
    gen, data, eval_index, classes = run.gen, run.data, run.eval_index, run.classes
    gen.eval()
    with torch.no_grad():
        n_eval = max(len(index) for index in eval_index)
        noise = torch.randn(
            (len(classes), n_eval, run.config.latent_dim),
            generator=run.generator,
            dtype=DTYPE,
            device=data.device,
        )
        fake = gen(noise, run.generator)
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


def _results(
    gen: Generator, stats: torch.Tensor, classes: list[_ClassState]
) -> list[tuple[Generator, TrainingHistory]]:
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
