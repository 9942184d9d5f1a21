"""Encode mixed tables into the GAN's numeric space and decode synthetic rows.

The encoded row starts with the numeric columns, one position each, taken
straight from the table as one float64 block (:mod:`._numeric_codec`). A
scikit-learn :class:`~sklearn.compose.ColumnTransformer`, fitted on all rows,
encodes the rest of the row after them: one clone of the categorical encoder
per categorical column (:mod:`._categorical_codec`) and a missing-value
indicator per numeric column with gaps (:mod:`._missing_codec`). Its
``output_indices_`` give the *spans* of that part: a one-hot block of width
``k`` per categorical column. The generator applies ``tanh`` to numeric spans
and a (Gumbel-)softmax to each block. (Passing the numeric columns through the
ColumnTransformer as well gave the same row but copied every value three more
times: 1.4 s of a 100,000-row x 100-column fit.)

:class:`TabularEncoder` owns the table-wide state (the ColumnTransformer, the
spans and one codec per column kind); :meth:`TabularEncoder.fit_class` fits a
class's :class:`~._profile.ClassProfile`, and each codec's encode and decode
directions use it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder

from ._categorical_codec import CategoricalCodec
from ._missing_codec import MissingCodec
from ._numeric_codec import NumericCodec
from ._profile import ClassProfile
from ._random import seeded_clone
from ._sequential import sequential
from ._spans import Span
from ._validation import TableSchema

__all__ = ["DEFAULT_MAX_CATEGORIES", "TabularEncoder"]

#: Default cap on one-hot columns per categorical column; rarer levels share one
#: column and are drawn back in proportion to their frequency in the class.
DEFAULT_MAX_CATEGORIES = 50


class TabularEncoder:
    """Fit the column transformer and translate rows to and from encoded space.

    Parameters
    ----------
    schema : TableSchema
        Column kinds from :func:`~gan_oversampler._validation.inspect_table`.
    categorical_encoder : transformer or None
        One-hot style encoder cloned for each categorical column. ``None`` uses
        ``OneHotEncoder(handle_unknown="ignore", sparse_output=False,
        max_categories=50)``.
    numeric_transformer : transformer, str or None
        One-to-one, invertible transformer for the numeric columns, or one of
        ``"minmax"``, ``"standard"``, ``"quantile"``. ``None`` uses ``"quantile"``.
        A clone is fitted per class by :meth:`fit_class`.
    random_state : int
        Seed for transformers that use randomness: ``"quantile"``, and every
        ``random_state`` parameter left at ``None`` in the clones of a
        user-supplied ``numeric_transformer`` or ``categorical_encoder``
        (nested ones included), so that they never use NumPy's global random
        state.

    Attributes
    ----------
    numeric_ : NumericCodec
        The numeric columns' codec (medians of the columns with gaps).
    categorical_ : dict of int to CategoricalCodec
        One codec per categorical column, by position in the schema.
    missing_ : dict of int to MissingCodec
        One codec per numeric column with gaps, by position in the schema.
    column_transformer_ : ColumnTransformer or None
        The fitted transformer of the categorical columns and missing-value
        indicators, whose output follows the numeric columns in the encoded
        row; ``None`` when the table has neither.
    spans_ : list of Span
        Layout of the encoded row, in encoded order.
    n_features_out_ : int
        Width of the encoded row.
    """

    def __init__(
        self,
        schema: TableSchema,
        *,
        categorical_encoder: object = None,
        numeric_transformer: object = None,
        random_state: int = 0,
    ) -> None:
        self.schema = schema
        self.categorical_encoder = categorical_encoder
        self.numeric_transformer = numeric_transformer
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def _categorical(self) -> object:
        if self.categorical_encoder is None:
            return OneHotEncoder(
                handle_unknown="ignore",
                sparse_output=False,
                max_categories=DEFAULT_MAX_CATEGORIES,
            )
        return seeded_clone(self.categorical_encoder, self.random_state)

    def fit(self, frame: pd.DataFrame) -> TabularEncoder:
        """Fit the codecs and the column transformer on the internal frame.

        Parameters
        ----------
        frame : DataFrame
            Internal frame from :func:`~gan_oversampler._validation.inspect_table`.

        Returns
        -------
        self : TabularEncoder
            The fitted encoder.
        """
        schema = self.schema
        names = schema.internal_names
        numeric = NumericCodec(schema, self.numeric_transformer, self.random_state)
        raw = numeric.read(frame)
        self.numeric_ = numeric.fit(frame, raw)
        self.missing_ = {
            i: MissingCodec(i, k)
            for k, i in enumerate(schema.numeric)
            if i in numeric.medians_
        }
        transformers = [
            (f"cat{i}", self._categorical(), [names[i]]) for i in schema.categorical
        ]
        for i, codec in self.missing_.items():
            transformers.append((f"miss{i}", codec.encoder(), [codec.name]))
        ct, width = None, 0
        if transformers:
            ct = ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)
            try:
                with sequential():
                    width = ct.fit_transform(
                        self._others(frame, self._gaps(raw))
                    ).shape[1]
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"Encoding X failed: {exc} Check that each categorical column "
                    "holds values of a single type (for example all strings) and "
                    "that categorical_encoder accepts this data."
                ) from exc
        self.categorical_ = {
            i: CategoricalCodec(i, schema.columns[i].name).fit(
                ct.named_transformers_[f"cat{i}"], frame
            )
            for i in schema.categorical
        }
        self.column_transformer_ = ct
        self.n_features_out_ = numeric.width + int(width)
        self.spans_ = sorted(self._spans(ct), key=lambda s: s.start)
        return self

    def _gaps(self, raw: np.ndarray) -> dict[int, np.ndarray]:
        """Each numeric column with gaps: its missing-value flags.

        ``raw`` is the numeric block of the frame with its gaps still NaN.
        """
        return {i: codec.flags(raw) for i, codec in self.missing_.items()}

    def _others(self, frame: pd.DataFrame, gaps: dict[int, np.ndarray]) -> pd.DataFrame:
        """The ColumnTransformer's input: categories and gap flags (``_gaps``)."""
        names = self.schema.internal_names
        columns: dict[str, object] = {
            names[i]: frame[names[i]] for i in self.schema.categorical
        }
        for codec in self.missing_.values():
            columns[codec.name] = gaps[codec.column]
        return pd.DataFrame(columns, index=frame.index, copy=True)

    def _rest(self, frame: pd.DataFrame, gaps: dict[int, np.ndarray]) -> np.ndarray:
        """The encoded row after the numeric positions (float64)."""
        if not hasattr(self, "column_transformer_"):
            raise RuntimeError(
                "This encoder was restored by TabularEncoder.from_state, which "
                "keeps what decoding needs but not the fitted ColumnTransformer; "
                "fit a new encoder to encode rows."
            )
        if self.column_transformer_ is None:  # numeric columns only
            return np.zeros((len(frame), 0))
        with sequential():
            rest = self.column_transformer_.transform(self._others(frame, gaps))
        return np.asarray(rest, dtype=np.float64)

    @staticmethod
    def _join(numeric: np.ndarray, rest: np.ndarray) -> np.ndarray:
        """The encoded row as float32: numeric positions first, then the rest."""
        encoded = np.empty((len(rest), numeric.shape[1] + rest.shape[1]), np.float32)
        encoded[:, : numeric.shape[1]] = numeric
        encoded[:, numeric.shape[1] :] = rest
        return encoded

    def _spans(self, ct: ColumnTransformer | None) -> list[Span]:
        spans = [
            Span(column, k, k + 1, "numeric")
            for k, column in enumerate(self.schema.numeric)
        ]
        offset = self.numeric_.width
        for i in self.schema.categorical:
            block = ct.output_indices_[f"cat{i}"]
            spans.append(
                Span(i, offset + block.start, offset + block.stop, "categorical")
            )
        for i in self.missing_:
            block = ct.output_indices_[f"miss{i}"]
            spans.append(Span(i, offset + block.start, offset + block.stop, "missing"))
        return spans

    # ------------------------------------------------------------ transform
    def transform(self, frame: pd.DataFrame, profile: ClassProfile) -> np.ndarray:
        """Encode the rows of one class into the GAN's space.

        Parameters
        ----------
        frame : DataFrame
            Internal frame with the columns the encoder was fitted on.
        profile : ClassProfile
            The class's profile from :meth:`fit_class`, whose numeric transformer
            scales the numeric columns.

        Returns
        -------
        ndarray of shape (n_samples, n_features_out_), dtype float32
            Numeric spans in ``[-1, 1]``, categorical spans one-hot.

        Raises
        ------
        ValueError
            If the numeric transformer gives non-finite values for the rows.
        """
        raw = self.numeric_.read(frame)
        rest = self._rest(frame, self._gaps(raw))
        return self._join(self.numeric_.encode(raw, profile.numeric), rest)

    def fit_class(self, frame: pd.DataFrame) -> tuple[ClassProfile, np.ndarray]:
        """Fit one class's profile on its rows and encode them.

        Parameters
        ----------
        frame : DataFrame
            The class's rows of the internal frame.

        Returns
        -------
        profile : ClassProfile
            The class's fitted numeric transformer, numeric ranges, allowed
            encoded positions and category weights.
        encoded : ndarray of shape (n_rows, n_features_out_), dtype float32
            The class's rows in the GAN's space, as :meth:`transform` gives
            them (without transforming them a second time).

        Raises
        ------
        ValueError
            If the numeric transformer fails on the class's rows, is not
            one-to-one (sparse output included) or gives non-finite values.
        TypeError
            If the numeric transformer has no ``inverse_transform``.

        Warns
        -----
        UserWarning
            If the numeric transformer maps a column that varies in the class to
            a single value.
        """
        raw = self.numeric_.read(frame)
        gaps = self._gaps(raw)
        rest = self._rest(frame, gaps)
        numeric_profile, numeric = self.numeric_.fit_class(frame, raw)
        allowed = np.ones(self.n_features_out_, dtype=bool)
        slot_values = []
        for span in self.spans_:
            if span.kind == "missing":
                flags = gaps[span.column]
                allowed[span.start : span.stop] = MissingCodec.allowed(flags)
            elif span.kind == "categorical":
                codec = self.categorical_[span.column]
                allowed[span.start : span.stop], slots = codec.fit_class(
                    frame, span.width
                )
                slot_values.append(slots)
        profile = ClassProfile(numeric_profile, allowed, slot_values)
        return profile, self._join(numeric, rest)

    def decode(
        self, encoded: np.ndarray, profile: ClassProfile, rng: np.random.Generator
    ) -> list[np.ndarray]:
        """Map generator output back to per-column values.

        Parameters
        ----------
        encoded : ndarray of shape (n_samples, n_features_out_)
            Generator output (numeric spans in ``[-1, 1]``, categorical spans
            non-negative scores).
        profile : ClassProfile
            The class the rows belong to.
        rng : numpy.random.Generator
            Draws among categories that share an encoded column.

        Returns
        -------
        list of ndarray
            One array per input column: floats for numeric columns (clipped to
            the class's range, integers rounded), objects for categorical ones.
        """
        columns: list[object] = [None] * len(self.schema.columns)
        if self.schema.numeric:
            numeric = encoded[:, : self.numeric_.width]
            decoded = self.numeric_.decode(numeric, profile.numeric)
            for i, column in zip(self.schema.numeric, decoded, strict=True):
                columns[i] = column
        allowed = profile.allowed
        for span in self.spans_:
            if span.kind == "missing":
                columns[span.column] = MissingCodec.decode(
                    encoded[:, span.start : span.stop],
                    allowed[span.start : span.stop],
                    columns[span.column],
                )
        categorical_spans = [s for s in self.spans_ if s.kind == "categorical"]
        for span, slots in zip(categorical_spans, profile.slot_values, strict=True):
            columns[span.column] = self.categorical_[span.column].decode(
                encoded[:, span.start : span.stop],
                allowed[span.start : span.stop],
                slots,
                rng,
            )
        return columns

    # ---------------------------------------------------------------- state
    def state_dict(self) -> dict:
        """The fitted encoder as plain values and tensors.

        The fitted ColumnTransformer is not part of it: a restored encoder
        decodes (what :meth:`GANOverSampler.sample` needs) but does not encode.

        Returns
        -------
        dict

        Raises
        ------
        TypeError
            If a column name or category is not a str, int, float, bool or
            None.
        """
        categorical = {i: c.state_dict() for i, c in self.categorical_.items()}
        # Keys made one by one, as format 3 files were written: the pickle
        # inside the file refers back to a key object it has already written.
        return {
            "schema": self.schema.state_dict(),
            "spans": [[s.column, s.start, s.stop, s.kind] for s in self.spans_],
            "n_features_out": self.n_features_out_,
            "medians": self.numeric_.state_dict(),
            "values": {str(i): state["values"] for i, state in categorical.items()},
            "slot_of_value": {
                str(i): state["slot_of_value"] for i, state in categorical.items()
            },
        }

    @classmethod
    def from_state(cls, state: dict) -> TabularEncoder:
        """The encoder that :meth:`state_dict` described, ready to decode.

        It decodes only: :meth:`transform` and :meth:`fit_class` need the
        fitted ColumnTransformer, which is not saved, and raise a
        ``RuntimeError``.

        Parameters
        ----------
        state : dict
            A :meth:`state_dict`.

        Returns
        -------
        TabularEncoder
        """
        schema = TableSchema.from_state(state["schema"])
        encoder = cls(schema)
        encoder.spans_ = [Span(*span) for span in state["spans"]]
        encoder.n_features_out_ = state["n_features_out"]
        encoder.numeric_ = NumericCodec.from_state(schema, state["medians"])
        encoder.missing_ = {
            i: MissingCodec(i, k)
            for k, i in enumerate(schema.numeric)
            if i in encoder.numeric_.medians_
        }
        encoder.categorical_ = {
            int(i): CategoricalCodec.from_state(
                int(i),
                schema.columns[int(i)].name,
                {"values": values, "slot_of_value": state["slot_of_value"][i]},
            )
            for i, values in state["values"].items()
        }
        return encoder
