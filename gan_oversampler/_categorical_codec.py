"""One categorical column: a one-hot span in, a category out.

A clone of the categorical encoder, fitted inside the encoder's
ColumnTransformer on all rows, maps each category to one *slot* of the
column's span. The codec learns that map (several categories share a slot when
the encoder groups rare ones, as ``OneHotEncoder(max_categories=...)`` does),
and per class which slots occur and how often each category does. Decoding
takes the highest-scoring slot the class uses and, for a shared slot, draws
among its categories in proportion to their frequency in the class.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd
from scipy import sparse

from ._sequential import sequential
from ._state import array, primitive, tensor

__all__ = ["CategoricalCodec"]


class CategoricalCodec:
    """The categories of one column and the slots of its one-hot span.

    Parameters
    ----------
    column : int
        The column's position in the schema.
    label : hashable
        The caller's name of the column, for messages.

    Attributes
    ----------
    values_ : ndarray of object
        The column's distinct values over all rows, in order of appearance.
    slot_of_value_ : ndarray of int
        The slot each of ``values_`` is encoded in.
    """

    def __init__(self, column: int, label: Hashable) -> None:
        self.column = column
        self.label = label

    @property
    def name(self) -> str:
        """The column's name in the internal frame."""
        return f"c{self.column}"

    def fit(self, encoder: object, frame: pd.DataFrame) -> CategoricalCodec:
        """Learn which slot the fitted ``encoder`` gives each category.

        Parameters
        ----------
        encoder : transformer
            The column's fitted categorical encoder.
        frame : DataFrame
            The internal frame it was fitted on.

        Returns
        -------
        self : CategoricalCodec

        Raises
        ------
        ValueError
            If the encoder is not a one-hot encoding without drop, or does
            not know categories that occur in ``frame``.
        """
        values = pd.unique(frame[self.name].to_numpy())
        with sequential():
            block = encoder.transform(
                pd.DataFrame({self.name: pd.Series(values, dtype=object)})
            )
        block = block.toarray() if sparse.issparse(block) else np.asarray(block)
        block = block.astype(np.float64)
        ones = block.sum(axis=1)
        binary = np.isin(block, (0.0, 1.0)).all()
        if binary and (ones <= 1).all():
            self._check_known(encoder, values[ones == 0])
        if not (binary and (ones == 1).all()):
            raise ValueError(
                f"categorical_encoder must map each category of column "
                f"{self.label!r} to exactly one output column "
                "(a one-hot encoding without drop); got another encoding."
            )
        self.values_ = values
        self.slot_of_value_ = block.argmax(axis=1)
        return self

    def _check_known(self, encoder: object, values: np.ndarray) -> None:
        """Refuse categories of the data that the fitted encoder does not know.

        ``values`` are the categories encoded as all zeros. With a one-hot
        encoder they are unknown (for example ``categories`` given and
        ``handle_unknown="ignore"``) unless the encoder drops a category.
        """
        categories = getattr(encoder, "categories_", None)
        if not len(values) or categories is None or len(categories) != 1:
            return
        known = list(categories[0])
        unknown = [
            value.item() if isinstance(value, np.generic) else value
            for value in values
            if value not in known
        ]
        if unknown:
            more = f" (and {len(unknown) - 10} more)" if len(unknown) > 10 else ""
            raise ValueError(
                f"categorical_encoder {type(encoder).__name__} does not know the "
                f"categories {unknown[:10]}{more} of column {self.label!r}, which "
                "occur in X: it encodes them as all zeros. Include them in its "
                "categories, or let it learn them from the data (categories='auto')."
            )

    def fit_class(
        self, frame: pd.DataFrame, width: int
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """The slots a class uses and the weights of their categories.

        Parameters
        ----------
        frame : DataFrame
            The class's rows of the internal frame.
        width : int
            Number of slots of the span.

        Returns
        -------
        allowed : ndarray of bool, shape (width,)
            The slots of categories that occur in the class.
        slots : list of (ndarray, ndarray)
            For each slot: the indices into ``values_`` of its categories that
            occur in the class, and their probabilities in the class.
        """
        values = self.values_
        position = {value: k for k, value in enumerate(values)}
        # A dict lookup per row, once per class at fit time: unlike pandas'
        # vectorised mapping it matches None (missing) categories exactly.
        counts = np.bincount(
            [position[v] for v in frame[self.name].to_numpy()],
            minlength=len(values),
        ).astype(np.float64)
        allowed = np.empty(width, dtype=bool)
        slots = []
        for slot in range(width):
            members = np.flatnonzero((self.slot_of_value_ == slot) & (counts > 0))
            allowed[slot] = members.size > 0
            weights = counts[members]
            probs = weights / weights.sum() if members.size else weights
            slots.append((members, probs))
        return allowed, slots

    def decode(
        self,
        block: np.ndarray,
        allowed: np.ndarray,
        slots: list[tuple[np.ndarray, np.ndarray]],
        rng: np.random.Generator,
    ) -> np.ndarray:
        """The categories of generated rows.

        Parameters
        ----------
        block : ndarray of shape (n_rows, width)
            The column's span of the generator output.
        allowed, slots
            The class's :meth:`fit_class`.
        rng : numpy.random.Generator
            Draws among the categories of a shared slot.

        Returns
        -------
        ndarray of object
        """
        chosen = np.where(allowed, block, -np.inf).argmax(axis=1)
        picked = np.empty(len(block), dtype=np.intp)
        for slot in np.unique(chosen):
            rows = np.flatnonzero(chosen == slot)
            members, probs = slots[slot]
            if members.size == 1:
                picked[rows] = members[0]
            else:
                picked[rows] = rng.choice(members, size=rows.size, p=probs)
        return self.values_[picked]

    def state_dict(self) -> dict:
        """The fitted categories (plain values) and their slots (a tensor).

        Returns
        -------
        dict
            ``values`` and ``slot_of_value``.

        Raises
        ------
        TypeError
            If a category is not a str, int, float, bool or None.
        """
        return {
            "values": [primitive(v, "category") for v in self.values_],
            "slot_of_value": tensor(self.slot_of_value_),
        }

    @classmethod
    def from_state(cls, column: int, label: Hashable, state: dict) -> CategoricalCodec:
        """The codec that :meth:`state_dict` described.

        Parameters
        ----------
        column : int
            The column's position in the schema.
        label : hashable
            The caller's name of the column.
        state : dict
            A :meth:`state_dict`.

        Returns
        -------
        CategoricalCodec
        """
        codec = cls(column, label)
        codec.values_ = np.array(state["values"], dtype=object)
        codec.slot_of_value_ = array(state["slot_of_value"])
        return codec
