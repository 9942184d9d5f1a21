"""A fitted :class:`GANOverSampler` as plain values and tensors, and back.

:class:`SamplerState` is a mixin of the sampler: ``state_dict`` gathers what
:meth:`GANOverSampler.sample` needs from the sampler's fitted parts, each of
which describes itself (the encoder, the class profiles, the training
histories, the generators' weights); ``from_state`` rebuilds a fitted sampler
from them. :mod:`._persistence` frames the result as a file.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch

from ._encoding import TabularEncoder
from ._generator_ensemble import GeneratorEnsemble, class_generator
from ._history import TrainingHistory
from ._marginal_map import MarginalMap, mapped_columns
from ._networks import Generator
from ._profile import ClassProfile
from ._state import (
    NotPlain,
    column_from_values,
    param_from_state,
    param_state,
    primitive,
    require_int,
)
from ._validation import TableSchema

__all__ = ["SamplerState"]


def _fallback_state(rows: pd.DataFrame) -> dict:
    """The rows of a class too small for a GAN, with their columns' dtypes."""
    return {
        "fallback_rows": {
            name: [
                None if v is pd.NA else primitive(v, "value")
                for v in rows[name].tolist()
            ]
            for name in rows.columns
        },
        "fallback_dtypes": {name: str(rows[name].dtype) for name in rows.columns},
    }


def _fallback_from_state(entry: dict, schema: TableSchema) -> pd.DataFrame:
    """The rows stored by :func:`_fallback_state`."""
    dtypes = entry.get("fallback_dtypes")
    if dtypes is None:  # format 2: categorical values as objects, others float64
        dtypes = {
            name: "object"
            if schema.columns[int(name[1:])].kind == "categorical"
            else "float64"
            for name in entry["fallback_rows"]
        }
    return pd.DataFrame(
        {
            name: column_from_values(values, dtypes[name])
            for name, values in entry["fallback_rows"].items()
        }
    )


def _generator_state(net: Generator) -> dict:
    return {
        "latent_dim": net.latent_dim,
        "hidden": list(net.hidden),
        "state_dict": {k: v.detach().cpu() for k, v in net.state_dict().items()},
    }


def _generator_from_state(spec: dict, encoder: TabularEncoder) -> Generator:
    net = Generator(
        require_int(spec["latent_dim"], "latent_dim"),
        tuple(require_int(h, "hidden") for h in spec["hidden"]),
        encoder.spans_,
        device=torch.device("cpu"),
        generator=torch.Generator().manual_seed(0),
    )
    # Files written before the index buffers became non-persistent also hold
    # them; they follow from the spans, so only the weights load.
    net.load_state_dict(
        {k: v for k, v in spec["state_dict"].items() if k.startswith("net.")}
    )
    return net.eval()


def _map_from_state(spec: dict, encoder: TabularEncoder) -> MarginalMap:
    marginal_map = MarginalMap.from_state(spec)
    if not set(marginal_map.columns.tolist()) <= set(mapped_columns(encoder.spans_)):
        raise ValueError("a marginal map names columns that are not mapped numeric")
    return marginal_map


class SamplerState:
    """Mixin: a fitted sampler's ``state_dict`` and ``from_state``."""

    def state_dict(self) -> dict[str, Any]:
        """The fitted sampler as plain values and CPU tensors.

        Everything :meth:`sample` needs, in a form that
        ``torch.load(weights_only=True)`` reads back without running code:
        :meth:`save` writes it to a file. Hyper-parameters are plain Python
        values; those with no such form (estimators, callables, random
        generators) are stored as their defaults.

        As with :meth:`torch.nn.Module.state_dict`, the weights are not
        copied: on the CPU they share memory with the fitted networks, so
        copy the dictionary (:func:`copy.deepcopy`) before changing either.

        Returns
        -------
        dict

        Raises
        ------
        TypeError
            If a class label, column name or category is not a str, int,
            float, bool or None, or the numeric transformer is not one of the
            built-in choices.
        """
        classes = []
        for label, strategy_count in self.sampling_strategy_.items():
            entry: dict[str, Any] = {
                "label": primitive(label, "class label"),
                "n_samples": int(strategy_count),
            }
            if label in self.generators_:
                network = self.generators_[label]
                if isinstance(network, GeneratorEnsemble):  # format 4
                    histories = self.member_histories_[label]
                    entry["members"] = [
                        {"generator": _generator_state(m), "history": h.state_dict()}
                        for m, h in zip(network.members, histories, strict=True)
                    ]
                    entry["profile"] = self._profiles[label].state_dict()
                else:  # the keys in the order of formats 2 and 3
                    entry["generator"] = _generator_state(network)
                    entry["profile"] = self._profiles[label].state_dict()
                    entry["history"] = self.history_[label].state_dict()
                if label in self._marginal_maps:  # format 5
                    entry["marginal_map"] = self._marginal_maps[label].state_dict()
            elif label in self._fallback_rows:
                entry.update(_fallback_state(self._fallback_rows[label]))
            classes.append(entry)

        params = {}
        defaults = type(self)().get_params(deep=False)
        for key, value in self.get_params(deep=False).items():
            try:
                params[key] = param_state(value)
            except NotPlain:  # estimators, callables, RandomState: the default
                params[key] = defaults[key]
        return {
            "label_dtype": self._label_dtype.str,
            "params": params,
            "device": str(self.device_),
            "n_features_in": self.n_features_in_,
            "feature_names_in": (
                [primitive(name, "feature name") for name in self.feature_names_in_]
                if hasattr(self, "feature_names_in_")
                else None
            ),
            "encoder": self.encoder_.state_dict(),
            "classes": classes,
            "sample_seed": self._sample_seed_,
            "n_sample_calls": self._n_sample_calls,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Any:
        """The fitted sampler that :meth:`state_dict` described.

        Parameters
        ----------
        state : dict
            A :meth:`state_dict`.

        Returns
        -------
        GANOverSampler
            A fitted sampler that samples exactly like the one described.

        Raises
        ------
        LookupError, TypeError, ValueError, AttributeError, RuntimeError
            If a field is missing or does not fit the others (or
            ArithmeticError, for a number out of range).
        """
        params = {k: param_from_state(v) for k, v in state["params"].items()}
        # States from before n_generators existed hold one generator per class,
        # and those from before match_marginals sampled without a map.
        params.setdefault("n_generators", 1)
        params.setdefault("match_marginals", False)
        sampler = cls(**params)
        sampler._fallback_method = sampler.small_class
        label_dtype = np.dtype(state["label_dtype"])
        sampler._label_dtype = label_dtype
        sampler.device_ = torch.device(state["device"])
        sampler.n_features_in_ = require_int(state["n_features_in"], "n_features_in")
        if state["feature_names_in"] is not None:
            sampler.feature_names_in_ = np.asarray(
                state["feature_names_in"], dtype=object
            )
        sampler.encoder_ = encoder = TabularEncoder.from_state(state["encoder"])
        sampler.sampling_strategy_ = {}
        sampler.generators_, sampler.history_ = {}, {}
        sampler.member_histories_ = {}
        sampler._profiles, sampler._fallback_rows = {}, {}
        sampler._marginal_maps = {}
        for entry in state["classes"]:
            label = np.asarray(entry["label"], dtype=label_dtype)[()]
            sampler.sampling_strategy_[label] = require_int(
                entry["n_samples"], "n_samples"
            )
            if "members" in entry or "generator" in entry:
                # Format 4 lists several generators; one is stored inline.
                specs = entry.get("members", [entry])
                sampler.generators_[label] = class_generator(
                    [_generator_from_state(s["generator"], encoder) for s in specs]
                )
                sampler._profiles[label] = ClassProfile.from_state(entry["profile"])
                histories = [TrainingHistory.from_state(s["history"]) for s in specs]
                sampler.history_[label] = histories[0]
                sampler.member_histories_[label] = histories
                if "marginal_map" in entry:
                    sampler._marginal_maps[label] = _map_from_state(
                        entry["marginal_map"], encoder
                    )
            elif "fallback_rows" in entry:
                sampler._fallback_rows[label] = _fallback_from_state(
                    entry, encoder.schema
                )
        sampler._sample_seed_ = require_int(state["sample_seed"], "sample_seed")
        sampler._n_sample_calls = require_int(state["n_sample_calls"], "n_sample_calls")
        return sampler
