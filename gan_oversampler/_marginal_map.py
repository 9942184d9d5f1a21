"""Give a generator's numeric columns the class's own distributions.

A GAN trained on a few dozen rows gets the joint structure of a class roughly
right but each column's distribution only approximately: its values can sit a
little off centre, or spread a little too far or too little. A
:class:`MarginalMap` corrects that after training, column by column, with the
monotone map that sends the generator's distribution of an encoded numeric
column onto the class's. The map is fitted once per class, from a large pool
of generated rows (:data:`POOL_ROWS`) and the class's encoded rows, each
summarised by :data:`LEVELS` quantiles; it is then applied to every row the
class's generator makes, so that rows keep the generator's order within each
column (which values go together) while each column takes the class's
distribution. This is quantile mapping, as in copula models: the generator
supplies the dependence between columns, the data the marginals.

The rows of one call are moreover spread evenly over each column's
distribution: the ``i``-th smallest of ``n`` mapped values lies between the
class's ``i/n`` and ``(i+1)/n`` quantiles (a stratified sample, as in Latin
hypercube sampling), so a call's synthetic column has the class's
distribution up to ``1/n``, not only on average. On the benchmark the
stratified rows did better than independent ones (see ``benchmarks/SWEEP.md``).

Only numeric columns without missing values are mapped: for a column with
missing values the generator's value is not used on its missing rows, so its
pool would not describe the rows that keep one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._spans import Span
from ._state import array, tensor

__all__ = ["LEVELS", "POOL_ROWS", "MarginalMap", "mapped_columns"]

#: Generated rows a class's map is fitted on.
POOL_ROWS = 4096
#: Quantiles, evenly spaced from 0 to 1, that summarise each distribution.
LEVELS = 1025
#: The levels of those quantiles.
_GRID = np.linspace(0.0, 1.0, LEVELS)


def mapped_columns(spans: list[Span]) -> list[int]:
    """Encoded positions of the numeric columns a map corrects.

    Parameters
    ----------
    spans : list of Span
        The encoded row's layout.

    Returns
    -------
    list of int
        The position of each numeric span whose column has no missing span.
    """
    with_gaps = {s.column for s in spans if s.kind == "missing"}
    return [s.start for s in spans if s.kind == "numeric" and s.column not in with_gaps]


def _quantiles(values: np.ndarray) -> np.ndarray:
    """The :data:`LEVELS` quantiles of each column of ``values`` (``n >= 1``).

    Linear interpolation between order statistics, as :func:`numpy.quantile`
    computes them by default, from one sort of each column.
    """
    ordered = np.sort(np.asarray(values, dtype=np.float64), axis=0)
    position = np.linspace(0.0, len(ordered) - 1, LEVELS)
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, len(ordered) - 1)
    weight = (position - below)[:, None]
    return ordered[below] * (1.0 - weight) + ordered[above] * weight


def _levels(values: np.ndarray, source: np.ndarray, rng: np.random.Generator):
    """Each value's level in ``source`` (a column's quantiles), in ``[0, 1]``.

    Between two quantiles the level is interpolated linearly; below the first
    it is 0, above the last 1. A value equal to several quantiles (a
    distribution with an atom, as a ``tanh`` output pinned at its bound) gets
    a level drawn uniformly over their range, so that an atom is spread over
    the levels it covers rather than piled on one.
    """
    last = len(source) - 1
    lo = np.searchsorted(source, values, side="left")
    hi = np.searchsorted(source, values, side="right")
    left = np.clip(lo - 1, 0, last)
    right = np.clip(lo, 0, last)
    gap = source[right] - source[left]
    safe = np.where(gap > 0, gap, 1.0)
    fraction = np.where(gap > 0, np.clip((values - source[left]) / safe, 0, 1), 0.0)
    position = np.where(lo == 0, 0.0, left + fraction)
    tied = hi - lo >= 2
    if tied.any():
        spread = (hi - lo - 1)[tied]
        position[tied] = lo[tied] + rng.random(int(tied.sum())) * spread
    return position / last


def _stratified(level: np.ndarray) -> np.ndarray:
    """``level`` with the ``i``-th smallest of ``n`` moved into ``[i/n, (i+1)/n)``.

    A level already in its interval stays; one outside moves to the nearer
    end. The order is kept (ties in the order given), and the ``n`` levels
    are then a stratified sample of the uniform distribution: one in each
    ``n``-th. A single level is unchanged.
    """
    n = len(level)
    if n < 2:
        return level
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(level, kind="stable")] = np.arange(n)
    upper = np.nextafter((rank + 1) / n, 0.0)
    return np.clip(level, rank / n, upper)


@dataclass(frozen=True)
class MarginalMap:
    """The column-by-column map from a generator's marginals to a class's.

    Parameters
    ----------
    columns : ndarray of shape (n_columns,)
        Encoded positions of the mapped numeric columns.
    source : ndarray of shape (LEVELS, n_columns)
        Quantiles of each column in the generator's rows.
    target : ndarray of shape (LEVELS, n_columns)
        Quantiles of each column in the class's encoded rows.
    """

    columns: np.ndarray
    source: np.ndarray
    target: np.ndarray

    @classmethod
    def fit(
        cls, columns: list[int], real: np.ndarray, generated: np.ndarray
    ) -> MarginalMap:
        """Fit the map of ``columns`` from a class's rows and a generated pool.

        Parameters
        ----------
        columns : list of int
            Encoded positions to map (:func:`mapped_columns`).
        real : ndarray of shape (n_rows, n_encoded)
            The class's encoded rows.
        generated : ndarray of shape (n_pool, n_encoded)
            Rows from the class's trained generator.

        Returns
        -------
        MarginalMap
        """
        index = np.asarray(columns, dtype=np.int64)
        return cls(
            columns=index,
            source=_quantiles(generated[:, index]),
            target=_quantiles(real[:, index]),
        )

    def apply(self, encoded: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``encoded`` with each mapped column sent onto the class's distribution.

        Each value's level in the generator's distribution is first moved into
        its stratum among the ``n`` rows (the ``i``-th smallest into
        ``[i/n, (i+1)/n)``), so that the rows of one call are an evenly spread
        (stratified) sample of the class's distribution in every column; a
        single row keeps its level.

        Parameters
        ----------
        encoded : ndarray of shape (n_samples, n_encoded)
            Generator output.
        rng : numpy.random.Generator
            Spreads values that fall on an atom of the generator's
            distribution (drawn from only when some do).

        Returns
        -------
        ndarray of shape (n_samples, n_encoded)
            A new array, of ``encoded``'s dtype; the other columns unchanged.
        """
        out = np.array(encoded, copy=True)
        for j, column in enumerate(self.columns):
            values = encoded[:, column].astype(np.float64)
            level = _stratified(_levels(values, self.source[:, j], rng))
            out[:, column] = np.interp(level, _GRID, self.target[:, j])
        return out

    def state_dict(self) -> dict:
        """The map as tensors.

        Returns
        -------
        dict
        """
        return {
            "columns": tensor(self.columns),
            "source": tensor(self.source),
            "target": tensor(self.target),
        }

    @classmethod
    def from_state(cls, state: dict) -> MarginalMap:
        """The map that :meth:`state_dict` described.

        Parameters
        ----------
        state : dict
            A :meth:`state_dict`.

        Returns
        -------
        MarginalMap

        Raises
        ------
        ValueError
            If the arrays do not fit together.
        """
        columns = array(state["columns"]).astype(np.int64)
        source, target = array(state["source"]), array(state["target"])
        shape = (LEVELS, len(columns))
        if source.shape != shape or target.shape != shape:
            raise ValueError(
                f"a marginal map needs quantiles of shape {shape}; got "
                f"{source.shape} and {target.shape}"
            )
        if len(set(columns.tolist())) != len(columns):
            raise ValueError("a marginal map names a column twice")
        for name, quantiles in (("source", source), ("target", target)):
            if (
                not np.isfinite(quantiles).all()
                or (np.diff(quantiles, axis=0) < 0).any()
            ):
                raise ValueError(
                    f"a marginal map's {name} quantiles must be finite and "
                    "non-decreasing"
                )
        return cls(columns=columns, source=source, target=target)
