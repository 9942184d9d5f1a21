"""What one class looks like: the fitted state that keeps its rows valid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._numeric_codec import NumericProfile
from ._state import array, tensor

__all__ = ["ClassProfile"]


@dataclass(frozen=True)
class ClassProfile:
    """One class's fitted numeric columns, slots and category weights.

    Parameters
    ----------
    numeric : NumericProfile
        The class's numeric transformer, ranges and integer bounds.
    allowed : ndarray of bool, shape (n_encoded,)
        Encoded positions the class uses (categories never seen in the class,
        and gaps in a class without any, are never generated).
    slot_values : list of list of (ndarray, ndarray)
        For each categorical column and each slot of its span: the indices of
        the category values mapped to that slot and their probabilities in the
        class.
    """

    numeric: NumericProfile
    allowed: np.ndarray
    slot_values: list

    def state_dict(self) -> dict:
        """The profile as plain values and tensors.

        Returns
        -------
        dict

        Raises
        ------
        TypeError
            If the numeric transformer is not one a file can restore.
        """
        numeric = self.numeric.state_dict()
        int_bounds = numeric.pop("int_bounds")
        # The order of the keys is the file format's (unchanged since version 3).
        return {
            **numeric,
            "allowed": tensor(self.allowed),
            "int_bounds": int_bounds,
            "slot_values": [
                [[tensor(members), tensor(probs)] for members, probs in slots]
                for slots in self.slot_values
            ],
        }

    @classmethod
    def from_state(cls, state: dict) -> ClassProfile:
        """The profile that :meth:`state_dict` described.

        Parameters
        ----------
        state : dict
            A :meth:`state_dict`.

        Returns
        -------
        ClassProfile
        """
        return cls(
            numeric=NumericProfile.from_state(state),
            allowed=array(state["allowed"]),
            slot_values=[
                [(array(members), array(probs)) for members, probs in slots]
                for slots in state["slot_values"]
            ],
        )
