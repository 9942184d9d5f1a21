"""Stacked (multi-class) training: the same algorithm as training classes alone."""

from __future__ import annotations

import numpy as np
import torch

from gan_oversampler._encoding import Span
from gan_oversampler._losses import BatchRows
from gan_oversampler._training import TrainingConfig, marginal_distance, train_gans

SPANS = [
    Span(0, 0, 1, "numeric"),
    Span(1, 1, 2, "numeric"),
    Span(2, 2, 5, "categorical"),
]
CONFIG = TrainingConfig(
    latent_dim=8,
    generator_hidden=(32, 32),
    discriminator_hidden=(32, 16),
    epochs=40,
    batch_size=32,
    learning_rate=1e-3,
    loss="bce",
)
CPU = torch.device("cpu")


def _rows(n, shift, seed):
    rng = np.random.default_rng(seed)
    numeric = np.clip(rng.normal(shift, 0.2, size=(n, 2)), -1, 1)
    one_hot = np.eye(3)[rng.integers(0, 3, n)]
    return np.hstack([numeric, one_hot]).astype(np.float32)


def _train(rows, config=CONFIG, seed=0):
    return train_gans(
        rows, SPANS, config, device=CPU, generator=torch.Generator().manual_seed(seed)
    )


def _weights(net):
    return {k: v.clone() for k, v in net.state_dict().items()}


def test_a_class_does_not_depend_on_the_other_classes_rows():
    """Each class's networks, optimiser state and loss are its own: changing
    another class's rows (not its size) leaves this class's result bit-identical."""
    a = _rows(80, 0.5, 1)
    (net_1, hist_1), _ = _train([a, _rows(50, -0.5, 2)])
    (net_2, hist_2), _ = _train([a, _rows(50, 0.9, 3)])
    for key, value in _weights(net_1).items():
        torch.testing.assert_close(value, _weights(net_2)[key], rtol=0, atol=0)
    np.testing.assert_array_equal(hist_1.generator_loss, hist_2.generator_loss)


def test_together_and_alone_learn_the_same_distributions():
    """Trained in a group or alone, each class's generator reaches its own data."""
    classes = [_rows(128, 0.5, 1), _rows(96, -0.5, 2), _rows(64, 0.0, 4)]
    config = TrainingConfig(**{**CONFIG.__dict__, "epochs": 200})
    together = _train(classes, config)
    for k, rows in enumerate(classes):
        ((alone, _),) = _train([rows], config, seed=k + 10)
        real = torch.as_tensor(rows)
        noise = torch.randn((len(rows), 8), generator=torch.Generator().manual_seed(5))
        gumbel = torch.Generator().manual_seed(1)
        with torch.no_grad():
            d_together = marginal_distance(real, together[k][0](noise, gumbel)).item()
            d_alone = marginal_distance(real, alone(noise, gumbel)).item()
        d_others = [
            marginal_distance(real[:64], torch.as_tensor(other[:64])).item()
            for j, other in enumerate(classes)
            if j != k
        ]
        assert d_together < 0.5 * min(d_others)
        assert abs(d_together - d_alone) < 0.06


def test_histories_follow_each_class_epochs_and_batch_size():
    big, small = _rows(200, 0.5, 1), _rows(20, -0.5, 2)
    (net_big, hist_big), (net_small, hist_small) = _train([big, small])
    assert len(hist_big) == len(hist_small) == CONFIG.epochs
    assert hist_big.batch_size == 32 and hist_small.batch_size == 20
    assert net_big.n_stack == net_small.n_stack == 1
    for history in (hist_big, hist_small):
        assert np.isfinite(history.generator_loss).all()
        acc = history.discriminator_accuracy_real
        assert ((acc >= 0) & (acc <= 1)).all()


def test_wgan_gp_trains_stacked():
    results = _train(
        [_rows(60, 0.5, 1), _rows(40, -0.5, 2)],
        TrainingConfig(**{**CONFIG.__dict__, "loss": "wgan-gp", "epochs": 5}),
    )
    assert all(np.isfinite(h.discriminator_loss).all() for _, h in results)


def test_batch_rows_mean_ignores_padding():
    rows = BatchRows.first(torch.tensor([3, 1]), width=4)
    values = torch.tensor([[1.0, 2.0, 6.0, 100.0], [5.0, -7.0, -7.0, -7.0]])
    assert rows.mean(values).tolist() == [3.0, 5.0]
    # A fraction of rows is exactly 1 when every row counts (no rounding above 1).
    ones = BatchRows.first(torch.tensor([20]), width=20)
    assert ones.mean(torch.ones((1, 20))).item() == 1.0
