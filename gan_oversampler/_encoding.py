"""Encode mixed tables into the GAN's numeric space and decode synthetic rows.

The encoded row starts with the numeric columns, one position each, taken
straight from the table as one float64 block. A scikit-learn
:class:`~sklearn.compose.ColumnTransformer`, fitted on all rows, encodes the rest
of the row after them: one clone of the categorical encoder per categorical
column and a missing-value indicator per numeric column with gaps. Its
``output_indices_`` give the *spans* of that part: a one-hot block of width
``k`` per categorical column. The generator applies ``tanh`` to numeric spans
and a (Gumbel-)softmax to each block. (Passing the numeric columns through the
ColumnTransformer as well gave the same row but copied every value three more
times: 1.4 s of a 100,000-row x 100-column fit.)

The numeric transformer is fitted **per class**, on that class's rows only
(:meth:`TabularEncoder.fit_class`): each class's GAN learns its own numeric
columns spread over the whole of ``[-1, 1]`` rather than squeezed into the
corner that the class occupies in the full table. Its outputs are then mapped
affinely onto ``[-1, 1]`` so that ``tanh`` can reach every observed value,
whatever scaler is used. Decoding reverses this, clips to the range observed
*in the class*,
rounds integer columns, and picks categories by argmax restricted to the
categories seen in the class. When the encoder groups several categories into
one output column (for example ``OneHotEncoder(max_categories=...)``), the value
is drawn among the grouped categories in proportion to their frequency in the
class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import parallel_config
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    QuantileTransformer,
    StandardScaler,
)

from ._random import seeded_clone
from ._spans import Span
from ._validation import TableSchema
from ._warnings import warn_caller

__all__ = ["ClassProfile", "TabularEncoder"]


@dataclass(frozen=True)
class ClassProfile:
    """What one class looks like, used to keep its synthetic rows valid.

    Parameters
    ----------
    numeric_transformer : transformer or None
        The numeric transformer fitted on the class's rows (``None`` without
        numeric columns).
    center, scale : ndarray of shape (n_numeric,)
        Affine map from the transformer's output onto ``[-1, 1]``.
    low, high : ndarray of shape (n_numeric,)
        Observed range of each numeric column in the class.
    int_bounds : list of (int, int) or None
        For each numeric column held as exact integers: its range in the class
        as Python ints (float64 cannot represent integers beyond 2**53).
    allowed : ndarray of bool, shape (n_encoded,)
        Encoded positions the class uses (categories never seen in the class are
        never generated).
    slot_values : list of list of (ndarray, ndarray)
        For each categorical column and each slot of its block: the indices of
        the category values mapped to that slot and their probabilities in the
        class.
    """

    numeric_transformer: object
    center: np.ndarray
    scale: np.ndarray
    low: np.ndarray
    high: np.ndarray
    allowed: np.ndarray
    slot_values: list
    int_bounds: list


_LARGEST_OFFSET = float(np.nextafter(2.0**64, 0))
_INT64 = np.iinfo(np.int64)
_UINT64 = np.iinfo(np.uint64)


def _floats(column: pd.Series) -> np.ndarray:
    """A numeric column as float64, missing values as NaN."""
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def _own_float64(values: object) -> np.ndarray:
    """A transformer's output as a float64 array that may be changed in place."""
    values = np.asarray(values, dtype=np.float64)
    return values if values.flags.writeable else values.copy()


def _exact_integers(values: np.ndarray, low: int, high: int) -> np.ndarray:
    """Round float values to integers in ``[low, high]``, exactly.

    The value is rebuilt as ``low + offset`` in 64-bit integer arithmetic
    (wrapping modulo 2**64, then viewed as signed when ``low`` is negative or the
    range fits int64), so bounds beyond 2**53 and at the dtype's limits hold.
    A range that fits neither int64 nor uint64 gives an object array of Python
    ints, clipped to ``[low, high]`` as Python ints (``float(high)`` may round
    past ``high``).
    """
    fits_int64 = _INT64.min <= low and high <= _INT64.max
    if not (fits_int64 or (0 <= low and high <= _UINT64.max)):
        exact = np.empty(len(values), dtype=object)
        exact[:] = [min(max(int(v), low), high) for v in np.round(values).tolist()]
        return exact
    span = high - low
    offset = np.clip(
        np.round(values - float(low)), 0.0, min(float(span), _LARGEST_OFFSET)
    )
    offset = np.minimum(offset.astype(np.uint64), np.uint64(span))
    exact = np.uint64(low % 2**64) + offset
    return exact if high > np.iinfo(np.int64).max else exact.view(np.int64)


def _sequential():
    """Run the transformers in-process, whatever joblib backend is active.

    Under ``joblib.parallel_backend("dask")`` a ColumnTransformer would send
    each tiny per-column step to the cluster as its own task.
    """
    return parallel_config(backend="sequential")


_NUMERIC_ALIASES = {
    "minmax": lambda n_rows, seed: MinMaxScaler(feature_range=(-1.0, 1.0)),
    "standard": lambda n_rows, seed: StandardScaler(),
    "quantile": lambda n_rows, seed: QuantileTransformer(
        n_quantiles=max(2, min(1000, n_rows)), random_state=seed
    ),
}
#: Chosen by the benchmark sweep (benchmarks/SWEEP.md): +0.011 balanced accuracy
#: and +0.023 G-mean over min-max scaling, and less detectable synthetic rows.
DEFAULT_NUMERIC_TRANSFORMER = "quantile"
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
    def _numeric(self, n_rows: int) -> object:
        transformer = self.numeric_transformer
        if transformer is None:
            transformer = DEFAULT_NUMERIC_TRANSFORMER
        if isinstance(transformer, str):
            return _NUMERIC_ALIASES[transformer](n_rows, self.random_state)
        return seeded_clone(transformer, self.random_state)

    def _categorical(self) -> object:
        if self.categorical_encoder is None:
            return OneHotEncoder(
                handle_unknown="ignore",
                sparse_output=False,
                max_categories=DEFAULT_MAX_CATEGORIES,
            )
        return seeded_clone(self.categorical_encoder, self.random_state)

    def fit(self, frame: pd.DataFrame) -> TabularEncoder:
        """Fit the column transformer on the internal frame.

        Parameters
        ----------
        frame : DataFrame
            Internal frame from :func:`~gan_oversampler._validation.inspect_table`.

        Returns
        -------
        self : TabularEncoder
            The fitted encoder.
        """
        names = self.schema.internal_names
        self._medians = {
            i: float(np.nanmedian(values)) if np.isfinite(values).any() else 0.0
            for i in self.schema.numeric
            if np.isnan(values := _floats(frame[names[i]])).any()
        }
        transformers = []
        for i in self.schema.categorical:
            transformers.append((f"cat{i}", self._categorical(), [names[i]]))
        for i in self._medians:
            indicator = OneHotEncoder(categories=[[False, True]], sparse_output=False)
            transformers.append((f"miss{i}", indicator, [f"m{i}"]))
        n_numeric = len(self.schema.numeric)
        ct, width = None, 0
        if transformers:
            ct = ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)
            try:
                with _sequential():
                    width = ct.fit_transform(self._others(frame)).shape[1]
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"Encoding X failed: {exc} Check that each categorical column "
                    "holds values of a single type (for example all strings) and "
                    "that categorical_encoder accepts this data."
                ) from exc
        self._fit_categorical(ct, frame)
        self.column_transformer_ = ct
        self.n_features_out_ = n_numeric + int(width)
        self.spans_ = sorted(self._spans(ct), key=lambda s: s.start)
        return self

    def _numeric_block(self, frame: pd.DataFrame) -> np.ndarray:
        """The numeric columns as one float64 block, gaps imputed with the median.

        The block is column-major: the numeric transformers work one column at a
        time, and sklearn's quantile transform runs 10-40% faster on contiguous
        columns.
        """
        names = self.schema.internal_names
        block = np.empty((len(frame), len(self.schema.numeric)), order="F")
        for k, i in enumerate(self.schema.numeric):
            block[:, k] = _floats(frame[names[i]])
            if i in self._medians:
                column = block[:, k]
                column[np.isnan(column)] = self._medians[i]
        return block

    def _others(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The columns the ColumnTransformer encodes: categories and gap flags."""
        names = self.schema.internal_names
        columns: dict[str, object] = {
            names[i]: frame[names[i]] for i in self.schema.categorical
        }
        for i in self._medians:
            columns[f"m{i}"] = np.isnan(_floats(frame[names[i]]))
        return pd.DataFrame(columns, index=frame.index, copy=True)

    def _encode(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The numeric block and the encoded rest of the row (float64)."""
        if self.column_transformer_ is None:  # numeric columns only
            rest = np.zeros((len(frame), 0))
        else:
            with _sequential():
                rest = self.column_transformer_.transform(self._others(frame))
        return self._numeric_block(frame), np.asarray(rest, dtype=np.float64)

    @staticmethod
    def _join(numeric: np.ndarray, rest: np.ndarray) -> np.ndarray:
        """The encoded row as float32: numeric positions first, then the rest."""
        encoded = np.empty((len(rest), numeric.shape[1] + rest.shape[1]), np.float32)
        encoded[:, : numeric.shape[1]] = numeric
        encoded[:, numeric.shape[1] :] = rest
        return encoded

    def _transformer_name(self, transformer: object) -> str:
        """How messages name the numeric transformer."""
        if isinstance(self.numeric_transformer, str):
            return f"{self.numeric_transformer!r} ({type(transformer).__name__})"
        return type(transformer).__name__

    def _numeric_names(self, positions: np.ndarray) -> list:
        """The caller's names of the numeric columns at ``positions``."""
        return [self.schema.columns[self.schema.numeric[k]].name for k in positions]

    def _check_finite(
        self,
        finite: np.ndarray,
        transformer: object,
        rows: str,
        problem: str = "non-finite values (NaN or infinity)",
    ) -> None:
        """Refuse transformer output that is not finite (``finite`` per column).

        NaN or infinite encodings would otherwise reach the GAN, whose training
        would then fail as if it had diverged.
        """
        if finite.all():
            return
        raise ValueError(
            f"numeric_transformer {self._transformer_name(transformer)} gave "
            f"{problem} for column(s) "
            f"{self._numeric_names(np.flatnonzero(~finite))} on {rows}, for "
            "example the logarithm of zero, or a variance or range too large for "
            "float64. "
            "The GAN cannot learn from them. Use a numeric_transformer that maps "
            "every value of these columns to a finite number, such as the default "
            "'quantile' (numeric_transformer=None), or rescale the columns first."
        )

    def _fit_class_numeric(
        self, numeric: np.ndarray
    ) -> tuple[object, np.ndarray, np.ndarray, np.ndarray]:
        """Fit the numeric transformer on one class's (imputed) numeric block.

        Returns the fitted transformer, the block mapped onto ``[-1, 1]``, and
        the centre and scale of that affine map. Warns when the transformer maps
        a column that varies in the class to a single value.
        """
        transformer = self._numeric(len(numeric))
        try:
            with _sequential():
                values = transformer.fit_transform(numeric)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"numeric_transformer {type(transformer).__name__} failed on the "
                f"{len(numeric)} rows of a class: {exc} It is fitted on each class's "
                "rows separately; use one that accepts this data, such as the "
                "default (None)."
            ) from exc
        if sparse.issparse(values):
            raise ValueError(
                f"numeric_transformer {type(transformer).__name__} returned a "
                f"sparse matrix with {values.shape[1]} columns for "
                f"{numeric.shape[1]} numeric columns. It must return a dense array "
                "with one column per numeric column (one-to-one), like "
                "MinMaxScaler, StandardScaler or QuantileTransformer."
            )
        values = _own_float64(values)
        if values.ndim != 2 or values.shape[1] != numeric.shape[1]:
            width = values.shape[1] if values.ndim == 2 else 1
            raise ValueError(
                f"numeric_transformer returned {width} columns for "
                f"{numeric.shape[1]} numeric columns. It must be one-to-one, like "
                "MinMaxScaler, StandardScaler or QuantileTransformer."
            )
        if not hasattr(transformer, "inverse_transform"):
            raise TypeError(
                f"numeric_transformer {type(transformer).__name__} has no "
                "inverse_transform; synthetic values could not be mapped back."
            )
        # min and max propagate NaN: checking them checks every value.
        low, high = values.min(axis=0), values.max(axis=0)
        rows = f"the {len(numeric)} rows of a class"
        self._check_finite(np.isfinite(low) & np.isfinite(high), transformer, rows)
        center, half = (high + low) / 2.0, (high - low) / 2.0
        # An output range beyond float64 has no finite centre or scale.
        self._check_finite(
            np.isfinite(center) & np.isfinite(half),
            transformer,
            rows,
            "values spanning a range too large for float64",
        )
        self._warn_collapsed(numeric, np.flatnonzero(half == 0), transformer)
        scale = np.where(half > 0, half, 1.0)
        # In place: a fresh 100,000 x 100 result costs more in page faults than
        # the arithmetic. ``values`` is the transformer's output or our own block.
        values -= center
        values /= scale
        return transformer, values, center, scale

    def _warn_collapsed(
        self, numeric: np.ndarray, constant: np.ndarray, transformer: object
    ) -> None:
        """Warn if a column varies in the class but its transform does not.

        ``constant`` holds the positions whose transformed values are all equal.
        Such a column would be generated as a single value.
        """
        collapsed = [k for k in constant if numeric[:, k].min() != numeric[:, k].max()]
        if collapsed:
            warn_caller(
                f"numeric_transformer {self._transformer_name(transformer)} maps "
                "the different values of column(s) "
                f"{self._numeric_names(collapsed)} in a class to a single value, "
                "so every synthetic row of the class gets that value. Scalers "
                "treat a range that is tiny (MinMaxScaler: below about 2e-15) or "
                "beyond float64 as zero. Rescale these columns (for example to "
                "other units) or use numeric_transformer='standard' or the "
                "default 'quantile'.",
                UserWarning,
            )

    def _fit_categorical(
        self, ct: ColumnTransformer | None, frame: pd.DataFrame
    ) -> None:
        names = self.schema.internal_names
        self._values: dict[int, np.ndarray] = {}
        self._slot_of_value: dict[int, np.ndarray] = {}
        for i in self.schema.categorical:
            name = names[i]
            values = pd.unique(frame[name].to_numpy())
            encoder = ct.named_transformers_[f"cat{i}"]
            with _sequential():
                block = encoder.transform(
                    pd.DataFrame({name: pd.Series(values, dtype=object)})
                )
            block = block.toarray() if sparse.issparse(block) else np.asarray(block)
            block = block.astype(np.float64)
            ones = block.sum(axis=1)
            binary = np.isin(block, (0.0, 1.0)).all()
            if binary and (ones <= 1).all():
                self._check_known(encoder, values[ones == 0], i)
            if not (binary and (ones == 1).all()):
                raise ValueError(
                    f"categorical_encoder must map each category of column "
                    f"{self.schema.columns[i].name!r} to exactly one output column "
                    "(a one-hot encoding without drop); got another encoding."
                )
            self._values[i] = values
            self._slot_of_value[i] = block.argmax(axis=1)

    def _check_known(self, encoder: object, values: np.ndarray, column: int) -> None:
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
                f"categories {unknown[:10]}{more} of column "
                f"{self.schema.columns[column].name!r}, which occur in X: it "
                "encodes them as all zeros. Include them in its categories, or let "
                "it learn them from the data (categories='auto')."
            )

    def _spans(self, ct: ColumnTransformer | None) -> list[Span]:
        spans = [
            Span(column, k, k + 1, "numeric")
            for k, column in enumerate(self.schema.numeric)
        ]
        offset = len(self.schema.numeric)
        for i in self.schema.categorical:
            block = ct.output_indices_[f"cat{i}"]
            spans.append(
                Span(i, offset + block.start, offset + block.stop, "categorical")
            )
        for i in self._medians:
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
        numeric, rest = self._encode(frame)
        if numeric.shape[1]:
            transformer = profile.numeric_transformer
            with _sequential():
                values = transformer.transform(numeric)
            numeric = _own_float64(values)
            numeric -= profile.center
            numeric /= profile.scale
            finite = np.isfinite(numeric).all(axis=0)
            self._check_finite(finite, transformer, f"{len(numeric)} rows")
        return self._join(numeric, rest)

    def fit_class(self, frame: pd.DataFrame) -> tuple[ClassProfile, np.ndarray]:
        """Fit the numeric transformer on one class's rows and encode them.

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
        numeric, rest = self._encode(frame)
        transformer, center, scale = None, np.zeros(0), np.ones(0)
        if numeric.shape[1]:
            transformer, numeric, center, scale = self._fit_class_numeric(numeric)
        profile = self._describe(frame, transformer, center, scale)
        return profile, self._join(numeric, rest)

    def _describe(
        self,
        frame: pd.DataFrame,
        transformer: object,
        center: np.ndarray,
        scale: np.ndarray,
    ) -> ClassProfile:
        """Ranges, allowed encoded positions and category weights of a class."""
        names = self.schema.internal_names
        numeric = np.empty((len(frame), len(self.schema.numeric)))
        for k, i in enumerate(self.schema.numeric):
            numeric[:, k] = _floats(frame[names[i]])
        allowed = np.ones(self.n_features_out_, dtype=bool)
        slot_values = []
        for span in self.spans_:
            if span.kind == "missing":
                gaps = frame[names[span.column]].isna().to_numpy()
                allowed[span.start] = not gaps.all()
                allowed[span.start + 1] = gaps.any()
                continue
            if span.kind != "categorical":
                continue
            i = span.column
            values = self._values[i]
            position = {value: k for k, value in enumerate(values)}
            # A dict lookup per row, once per class at fit time: unlike pandas'
            # vectorised mapping it matches None (missing) categories exactly.
            counts = np.bincount(
                [position[v] for v in frame[names[i]].to_numpy()],
                minlength=len(values),
            ).astype(np.float64)
            slots = []
            for slot in range(span.width):
                members = np.flatnonzero(
                    (self._slot_of_value[i] == slot) & (counts > 0)
                )
                allowed[span.start + slot] = members.size > 0
                weights = counts[members]
                slots.append(
                    (members, weights / weights.sum() if members.size else weights)
                )
            slot_values.append(slots)
        # Columns entirely missing in the class have no range: use the median.
        observed = ~np.isnan(numeric)
        filled_low = np.where(observed, numeric, np.inf).min(axis=0, initial=np.inf)
        filled_high = np.where(observed, numeric, -np.inf).max(axis=0, initial=-np.inf)
        fallback = np.array(
            [self._medians.get(i, 0.0) for i in self.schema.numeric], dtype=np.float64
        )
        int_bounds = []
        for i in self.schema.numeric:
            column = frame[names[i]].dropna()
            # Integer dtypes, and object columns of Python ints beyond 64 bits.
            exact = len(column) > 0 and (
                pd.api.types.is_integer_dtype(column.dtype)
                or pd.api.types.is_object_dtype(column.dtype)
            )
            int_bounds.append((int(column.min()), int(column.max())) if exact else None)
        return ClassProfile(
            numeric_transformer=transformer,
            center=center,
            scale=scale,
            int_bounds=int_bounds,
            low=np.where(np.isfinite(filled_low), filled_low, fallback),
            high=np.where(np.isfinite(filled_high), filled_high, fallback),
            allowed=allowed,
            slot_values=slot_values,
        )

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
        n_rows = encoded.shape[0]
        columns: list[np.ndarray | None] = [None] * len(self.schema.columns)
        if self.schema.numeric:
            # Numeric columns come first; column-major, like the blocks the
            # transformer was fitted on.
            n_numeric = len(self.schema.numeric)
            scaled = encoded[:, :n_numeric].astype(np.float64, order="F")
            scaled = np.clip(scaled, -1, 1, out=scaled)
            scaled *= profile.scale
            scaled += profile.center
            with _sequential():
                values = profile.numeric_transformer.inverse_transform(scaled)
            values = _own_float64(values)
            values = np.clip(values, profile.low, profile.high, out=values)
            for k, i in enumerate(self.schema.numeric):
                column = values[:, k]
                if profile.int_bounds[k] is not None:
                    column = _exact_integers(column, *profile.int_bounds[k])
                elif self.schema.columns[i].integer:
                    column = np.round(column)
                columns[i] = column
        for span in self.spans_:
            if span.kind == "missing":
                block = encoded[:, span.start : span.stop]
                block = np.where(
                    profile.allowed[span.start : span.stop], block, -np.inf
                )
                gaps = block.argmax(axis=1) == 1
                column = columns[span.column]
                if column.dtype.kind in "iu":  # exact integers: keep them exact
                    nullable = "UInt64" if column.dtype.kind == "u" else "Int64"
                    columns[span.column] = pd.array(column, dtype=nullable)
                    columns[span.column][gaps] = pd.NA
                else:
                    columns[span.column] = np.where(gaps, np.nan, column)
        categorical_spans = [s for s in self.spans_ if s.kind == "categorical"]
        for span, slots in zip(categorical_spans, profile.slot_values, strict=True):
            block = encoded[:, span.start : span.stop]
            block = np.where(profile.allowed[span.start : span.stop], block, -np.inf)
            chosen = block.argmax(axis=1)
            picked = np.empty(n_rows, dtype=np.intp)
            for slot in np.unique(chosen):
                rows = np.flatnonzero(chosen == slot)
                members, probs = slots[slot]
                if members.size == 1:
                    picked[rows] = members[0]
                else:
                    picked[rows] = rng.choice(members, size=rows.size, p=probs)
            columns[span.column] = self._values[span.column][picked]
        return columns
