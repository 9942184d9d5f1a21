"""The layout of the encoded row: which encoded columns belong to which input.

A leaf module (it imports nothing from the package), so that the torch side
(:mod:`._networks`, :mod:`._training`, :mod:`._manual_step`) reads the layout
without importing the table encoder that produces it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Span"]


@dataclass(frozen=True)
class Span:
    """A contiguous slice of the encoded row that belongs to one input column.

    Parameters
    ----------
    column : int
        Position of the input column.
    start, stop : int
        Slice of the encoded row.
    kind : {"numeric", "categorical", "missing"}
        ``"numeric"`` spans have width one; ``"categorical"`` spans are one-hot
        blocks; ``"missing"`` spans are the two-slot (observed, missing)
        indicator of a numeric column with missing values.
    """

    column: int
    start: int
    stop: int
    kind: str

    @property
    def width(self) -> int:
        """Number of encoded columns in the span."""
        return self.stop - self.start
