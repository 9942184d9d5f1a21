"""Several generators per class (``n_generators``)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch
from _helpers import FAST, make_mixed
from test_properties import Case, check_resampled, check_sample

from gan_oversampler import GANOverSampler
from gan_oversampler._generator_ensemble import GeneratorEnsemble, shares
from gan_oversampler._networks import Generator
from gan_oversampler._spans import Span


@pytest.fixture(scope="module")
def ensemble():
    X, y = make_mixed()
    sampler = GANOverSampler(n_generators=3, random_state=0, **FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    return X, y, sampler, X_res, y_res


def test_rows_keep_every_invariant(ensemble):
    X, y, sampler, X_res, y_res = ensemble
    counts = Counter(y)
    case = Case(X, y, list(counts), list(counts.values()), [])
    check_resampled(case, X_res, y_res, sampler)
    check_sample(case, sampler)
    assert Counter(y_res) == {"common": counts["common"], "rare": counts["common"]}


def test_each_class_has_its_generators_and_histories(ensemble):
    _, _, sampler, _, _ = ensemble
    network = sampler.generators_["rare"]
    assert isinstance(network, GeneratorEnsemble) and len(network.members) == 3
    histories = sampler.member_histories_["rare"]
    assert len(histories) == 3 and histories[0] is sampler.history_["rare"]
    assert all(len(h) == len(histories[0]) for h in histories)
    # Different initial weights, so different generators.
    weights = [
        torch.cat([p.flatten() for p in m.parameters()]) for m in network.members
    ]
    assert not torch.equal(weights[0], weights[1])
    assert not torch.equal(weights[1], weights[2])
    assert all(p.device.type == "cpu" for p in network.parameters())


def test_same_seed_same_rows():
    X, y = make_mixed(seed=1)
    runs = [
        GANOverSampler(n_generators=2, random_state=4, **FAST).fit_resample(X, y)
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(runs[0][0], runs[1][0], check_exact=True)


def test_one_generator_is_a_plain_generator():
    X, y = make_mixed(seed=1)
    sampler = GANOverSampler(n_generators=1, random_state=0, **FAST).fit(X, y)
    assert type(sampler.generators_["rare"]) is Generator
    (only,) = sampler.member_histories_["rare"]
    assert only is sampler.history_["rare"]


def test_save_load_round_trip_of_an_ensemble(ensemble, tmp_path):
    _, _, sampler, _, _ = ensemble
    path = tmp_path / "ensemble.pt"
    sampler.save(path)
    entry = next(
        c for c in torch.load(path, weights_only=True)["classes"] if "members" in c
    )
    assert len(entry["members"]) == 3  # format 4's members, kept in format 5
    assert "marginal_map" in entry  # one map for the class's mixture
    loaded = GANOverSampler.load(path)
    assert isinstance(loaded.generators_["rare"], GeneratorEnsemble)
    assert len(loaded.member_histories_["rare"]) == 3
    pd.testing.assert_frame_equal(
        loaded.sample(40, "rare", random_state=2),
        sampler.sample(40, "rare", random_state=2),
        check_exact=True,
    )
    restored = GANOverSampler.from_state(sampler.state_dict())
    pd.testing.assert_frame_equal(
        restored.sample(7, "rare", random_state=5),
        sampler.sample(7, "rare", random_state=5),
        check_exact=True,
    )


@pytest.mark.parametrize(
    ("n_rows", "n_members", "expected"),
    [(10, 3, [4, 3, 3]), (2, 3, [1, 1, 0]), (0, 2, [0, 0]), (9, 3, [3, 3, 3])],
)
def test_shares(n_rows, n_members, expected):
    assert shares(n_rows, n_members) == expected


def _numeric_generator(seed: int) -> Generator:
    spans = [Span(0, 0, 1, "numeric"), Span(1, 1, 2, "numeric")]
    return Generator(
        4,
        (8,),
        spans,
        device=torch.device("cpu"),
        generator=torch.Generator().manual_seed(seed),
    ).eval()


def test_each_row_is_made_by_the_member_that_owns_it():
    members = [_numeric_generator(seed) for seed in range(3)]
    ensemble = GeneratorEnsemble(members)
    noise = torch.randn(10, 4, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        rows = ensemble(noise, torch.Generator().manual_seed(7))
        owner = ensemble.owners(10, torch.Generator().manual_seed(7))
        assert sorted(np.bincount(owner.numpy(), minlength=3)) == [3, 3, 4]
        for i, member in enumerate(members):
            mine = owner == i
            torch.testing.assert_close(rows[mine], member(noise[mine]))
            other = members[(i + 1) % 3](noise[mine])
            assert not torch.equal(rows[mine], other)
        # Without a generator: contiguous shares, in member order.
        assert ensemble.owners(10, None).tolist() == [0] * 4 + [1] * 3 + [2] * 3


def test_single_rows_come_from_every_member():
    ensemble = GeneratorEnsemble([_numeric_generator(seed) for seed in range(3)])
    drawn = {
        int(ensemble.owners(1, torch.Generator().manual_seed(seed))[0])
        for seed in range(30)
    }
    assert drawn == {0, 1, 2}
    # Any prefix of a batch mixes the members.
    owner = ensemble.owners(300, torch.Generator().manual_seed(0))
    assert set(owner[:20].tolist()) == {0, 1, 2}


def test_early_stopping_keeps_a_history_per_generator(monkeypatch):
    # A plateau after the first evaluation and a patience of one evaluation:
    # every generator of the class stops at the 400-step floor, each with its
    # own record of it.
    from _helpers import script_distances

    from gan_oversampler import _training

    monkeypatch.setattr(_training, "PATIENCE", 1)
    script_distances(monkeypatch, [1.0])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(264, 3))
    y = np.r_[np.zeros(200, int), np.ones(64, int)]
    sampler = GANOverSampler(
        epochs=1000,
        batch_size=32,
        early_stopping=True,
        n_generators=3,
        random_state=0,
        device="cpu",
    )
    _, y_res = sampler.fit_resample(X, y)
    histories = sampler.member_histories_[1]
    assert len({id(h) for h in histories}) == 3
    assert [h.n_steps for h in histories] == [_training.MIN_STEPS] * 3
    assert all(h.stopped_epoch == len(h) == _training.MIN_STEPS // 2 for h in histories)
    assert Counter(y_res) == {0: 200, 1: 200}


def test_small_class_method_is_fixed_at_fit():
    X, y = make_mixed(n=80, minority=0.08, seed=3)
    sampler = GANOverSampler(small_class="random", random_state=0, **FAST)
    with pytest.warns(UserWarning):
        sampler.fit(X, y)
    assert "rare" in sampler._fallback_rows
    before = sampler.sample(20, "rare", random_state=1)
    sampler.set_params(small_class="interpolate")
    pd.testing.assert_frame_equal(sampler.sample(20, "rare", random_state=1), before)


def test_ensemble_needs_two_matching_members():
    with pytest.raises(ValueError, match="at least 2"):
        GeneratorEnsemble([_numeric_generator(0)])
    wide = Generator(
        5,
        (8,),
        [Span(0, 0, 1, "numeric"), Span(1, 1, 2, "numeric")],
        device=torch.device("cpu"),
        generator=torch.Generator().manual_seed(0),
    )
    with pytest.raises(ValueError, match="share latent_dim"):
        GeneratorEnsemble([_numeric_generator(0), wide])


def test_auto_gives_small_classes_three_generators_and_large_ones_one(capsys):
    from gan_oversampler._sampler import AUTO_GENERATORS, AUTO_GENERATORS_BELOW

    sizes = {"big": 600, "mid": AUTO_GENERATORS_BELOW, "small": 60}
    y = np.repeat(list(sizes), list(sizes.values()))
    X = np.random.default_rng(0).normal(size=(len(y), 4))
    sampler = GANOverSampler(random_state=0, verbose=True, **FAST)
    _, y_res = sampler.fit_resample(X, y)
    assert sampler.n_generators == "auto"
    assert len(sampler.generators_["small"].members) == AUTO_GENERATORS == 3
    assert type(sampler.generators_["mid"]) is Generator
    assert len(sampler.member_histories_["mid"]) == 1
    assert Counter(y_res) == {"big": 600, "mid": 600, "small": 600}
    assert "'small' (3 generators)" in capsys.readouterr().err
