"""Input errors whose fix is one of the sampler's parameters.

Some bad inputs are fixed by setting a parameter of
:class:`~gan_oversampler.GANOverSampler` (``missing='model'``, a column added
to ``categorical_features``). Those errors carry the problem and the fix as
separate fields, so a front end such as the command-line tool can say the same
fix in its own terms (``--missing model``) without rewriting the library's
sentences.
"""

from __future__ import annotations

__all__ = [
    "REMEDIES",
    "AdvisedInputError",
    "AdvisedTypeError",
    "AdvisedValueError",
]

#: Every ``(parameter, remedy)`` pair the library raises, with what it means.
#: A front end that speaks other terms maps each pair to its own sentence.
REMEDIES: dict[tuple[str, str], str] = {
    ("missing", "model"): "set missing='model' so that gaps are learned",
    ("categorical_features", "declare"): (
        "list the column in categorical_features, or detect categorical "
        "columns from their dtype with categorical_features='auto'"
    ),
    ("categorical_features", "as_category"): (
        "list the column in categorical_features to use each distinct value "
        "as a category"
    ),
}


class AdvisedInputError(Exception):
    """An input error fixed by one of the sampler's parameters.

    The message is ``problem`` followed by ``advice``. The errors raised are
    also a :class:`ValueError` or a :class:`TypeError`, so code that catches
    those keeps working; read the fields to present the fix differently, as
    the command-line tool does.

    Parameters
    ----------
    problem : str
        What is wrong with the input, as one or more sentences.
    advice : str
        The fix in Python terms, as one or more sentences.
    parameter : str
        The :class:`~gan_oversampler.GANOverSampler` parameter the fix sets.
    remedy : str
        Which fix, from the keys of ``REMEDIES`` for this ``parameter``.
    column : object, default=None
        The column the fix concerns, if any.

    Attributes
    ----------
    problem, advice, parameter, remedy, column
        The constructor's arguments.
    """

    def __init__(
        self,
        problem: str,
        advice: str,
        *,
        parameter: str,
        remedy: str,
        column: object = None,
    ) -> None:
        if (parameter, remedy) not in REMEDIES:  # a programming error
            raise KeyError(f"unknown remedy {(parameter, remedy)!r}")
        super().__init__(f"{problem} {advice}")
        self.problem = problem
        self.advice = advice
        self.parameter = parameter
        self.remedy = remedy
        self.column = column

    def __reduce__(self) -> tuple:
        """Pickle with the keyword fields (exceptions pickle ``args`` only)."""
        return (
            _rebuild,
            (
                type(self),
                self.problem,
                self.advice,
                self.parameter,
                self.remedy,
                self.column,
            ),
        )


def _rebuild(
    cls: type[AdvisedInputError],
    problem: str,
    advice: str,
    parameter: str,
    remedy: str,
    column: object,
) -> AdvisedInputError:
    return cls(problem, advice, parameter=parameter, remedy=remedy, column=column)


class AdvisedValueError(AdvisedInputError, ValueError):
    """A :class:`ValueError` fixed by one of the sampler's parameters.

    See :class:`AdvisedInputError` for the parameters and attributes.
    """


class AdvisedTypeError(AdvisedInputError, TypeError):
    """A :class:`TypeError` fixed by one of the sampler's parameters.

    See :class:`AdvisedInputError` for the parameters and attributes.
    """
