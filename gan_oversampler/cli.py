"""The ``gan-oversampler`` command-line tool.

Two commands:

``gan-oversampler demo``
    Tells the package's motivating story end to end: balance a simulated table
    of elementary-school teachers (few of them men), compare real and synthetic
    men, and cross-validate a classifier with and without oversampling.
``gan-oversampler balance INPUT --target COLUMN --output OUTPUT``
    Balances a CSV or Parquet file and writes the result in the same layout.

This module is the only place in the package that prints.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import warnings
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import NoReturn

import pandas as pd

from ._errors import AdvisedInputError

__all__ = ["main"]

PROG = "gan-oversampler"

_STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all")
_COMPRESSION_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar")
_FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet"}
_DEMO_EPOCHS = "auto"


class CLIError(Exception):
    """An error reported as one line on stderr, without a traceback.

    Parameters
    ----------
    message : str
        What went wrong and, where possible, how to fix it.
    status : int, default=2
        The exit status: 2 for usage and input errors, 1 for failures while
        balancing.
    """

    def __init__(self, message: str, *, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors are a single line on stderr."""

    def error(self, message: str) -> NoReturn:
        """Report a usage error on one line and exit with status 2.

        Parameters
        ----------
        message : str
            What was wrong with the command line.
        """
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


# --------------------------------------------------------------------------- #
# Argument types
# --------------------------------------------------------------------------- #
def _sampling_strategy(text: str) -> str | float:
    """Parse ``--sampling-strategy``: a strategy name or a float in (0, 1]."""
    if text in _STRATEGY_NAMES:
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}: use auto, minority, 'not minority', "
            "'not majority', all, or a number in (0, 1]"
        ) from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}: a ratio must be in (0, 1]"
        )
    return value


def _positive_int(text: str) -> int:
    """Parse a strictly positive integer."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def _epochs(text: str) -> int | str:
    """Parse ``auto`` or a strictly positive integer."""
    return "auto" if text == "auto" else _positive_int(text)


def _seed(text: str) -> int:
    """Parse a random seed: an integer in [0, 2**32 - 1]."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f"must be between 0 and 4294967295; got {value}"
        )
    return value


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #
def _version() -> str:
    """The installed package version, or the source tree's."""
    import gan_oversampler

    version = getattr(gan_oversampler, "__version__", None)
    if version:
        return str(version)
    try:
        return metadata.version("gan-oversampler")
    except metadata.PackageNotFoundError:
        return "unknown"


def _status(message: str, *, quiet: bool = False) -> None:
    """Write a progress or status line to stderr unless ``quiet``."""
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _one_line(exc: object) -> str:
    """An exception's (or any text's) message collapsed onto one line."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _table_format(path: Path) -> str:
    """``"csv"`` or ``"parquet"``, from the file name's extension."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    for suffix in _COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    if name.endswith(".csv"):
        return "csv"
    raise CLIError(
        f"unknown file format for '{path}': use a .csv file (optionally "
        "compressed, e.g. .csv.gz) or a .parquet file"
    )


def _require_pyarrow(path: Path) -> None:
    """Fail clearly when Parquet is requested but pyarrow is missing."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise CLIError(
            f"reading or writing Parquet ('{path}') needs the pyarrow package: "
            "pip install pyarrow"
        ) from None


def _read_table(path: Path, fmt: str) -> pd.DataFrame:
    """Read ``path`` as CSV or Parquet, turning failures into :class:`CLIError`."""
    try:
        if fmt == "parquet":
            return pd.read_parquet(path, engine="pyarrow")
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise CLIError(f"input file '{path}' is empty") from None
    except (OSError, ValueError) as exc:
        # ParserError, UnicodeDecodeError and pyarrow's ArrowInvalid are all
        # ValueErrors.
        raise CLIError(
            f"could not read '{path}' as {_FORMAT_NAMES[fmt]}: {_one_line(exc)}"
        ) from None


#: Archive suffixes, and the pandas compression method they name.
_ARCHIVES = {".tar": "tar", ".zip": "zip"}


def _compression(path: Path) -> str | dict:
    """The compression pandas should write ``path`` with.

    ``"infer"`` (from the extension), except for archives: a ``.zip`` or
    ``.tar`` holds one file, named after ``path`` without the archive suffix
    (``balanced.csv.zip`` holds ``balanced.csv``) rather than after the
    temporary file written first.
    """
    method = _ARCHIVES.get(path.suffix)
    if method is None:
        return "infer"
    return {"method": method, "archive_name": path.stem}


def _write_table(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write ``frame`` atomically: to a temporary file, then rename it."""
    # Same directory, so the rename is atomic; same final name, so pandas
    # infers the same compression from the extension.
    temporary = path.with_name(f".{secrets.token_hex(6)}.tmp-{path.name}")
    try:
        try:
            if fmt == "parquet":
                frame.to_parquet(temporary, engine="pyarrow", index=False)
            else:
                frame.to_csv(temporary, index=False, compression=_compression(path))
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except (OSError, ValueError) as exc:
        raise CLIError(f"could not write '{path}': {_one_line(exc)}") from None


def _class_counts(y: pd.Series) -> pd.Series:
    """Class counts sorted by label (by string when labels do not compare)."""
    counts = y.value_counts(sort=False)
    try:
        return counts.sort_index()
    except TypeError:
        return counts.sort_index(key=lambda index: index.map(str))


def _format_counts(y: pd.Series) -> str:
    """Class counts as ``label=count`` pairs on one line."""
    return ", ".join(f"{label}={count}" for label, count in _class_counts(y).items())


#: The library's fixes (``AdvisedInputError.parameter`` and ``.remedy``) in
#: command-line terms; every pair in ``_errors.REMEDIES`` has one.
_CLI_ADVICE = {
    ("missing", "model"): (
        "Pass --missing model to learn and generate them at each class's rate, "
        "or impute them first, or drop those rows."
    ),
    ("categorical_features", "declare"): (
        "Add it to --categorical, or leave --categorical out to detect "
        "categorical columns from their type."
    ),
    ("categorical_features", "as_category"): (
        "To use each distinct value as a category instead, add the column to "
        "--categorical."
    ),
}


def _in_cli_terms(exc: Exception) -> str:
    """A library input error on one line, its fix said in command-line terms."""
    if isinstance(exc, AdvisedInputError):
        advice = _CLI_ADVICE.get((exc.parameter, exc.remedy))
        if advice is not None:
            return _one_line(f"{exc.problem} {advice}")
    return _one_line(exc)


# --------------------------------------------------------------------------- #
# balance
# --------------------------------------------------------------------------- #
def _run_balance(args: argparse.Namespace) -> int:
    """Balance a CSV or Parquet file; see ``gan-oversampler balance --help``."""
    quiet: bool = args.quiet
    input_path = Path(args.input)
    output_path = Path(args.output)

    in_format = _table_format(input_path)
    out_format = _table_format(output_path)
    if not input_path.exists():
        raise CLIError(f"input file '{input_path}' does not exist")
    if not input_path.is_file():
        raise CLIError(f"input '{input_path}' is not a file")
    if output_path.is_dir():
        raise CLIError(f"output '{output_path}' is a directory")
    if not output_path.parent.is_dir():
        raise CLIError(f"output directory '{output_path.parent}' does not exist")
    for path, fmt in ((input_path, in_format), (output_path, out_format)):
        if fmt == "parquet":
            _require_pyarrow(path)

    frame = _read_table(input_path, in_format)
    target = args.target
    if target not in frame.columns:
        shown = ", ".join(map(str, list(frame.columns)[:20]))
        more = ", ..." if frame.shape[1] > 20 else ""
        raise CLIError(
            f"target column '{target}' is not in '{input_path}'; "
            f"its columns are: {shown}{more}"
        )
    if frame.shape[1] < 2:
        raise CLIError(
            f"'{input_path}' has no feature columns besides the target '{target}'"
        )
    if len(frame) == 0:
        raise CLIError(f"'{input_path}' has no data rows")
    categorical = args.categorical
    if categorical:
        unknown = [c for c in categorical if c not in frame.columns]
        if unknown:
            raise CLIError(
                f"--categorical names column(s) not in '{input_path}': "
                + ", ".join(unknown)
            )
        if target in categorical:
            raise CLIError(
                f"--categorical lists the target column '{target}'; list only "
                "feature columns"
            )
    y = frame[target]
    n_missing = int(y.isna().sum())
    if n_missing:
        raise CLIError(
            f"target column '{target}' has {n_missing} missing value(s); drop or "
            "fill those rows first"
        )
    X = frame.drop(columns=[target])

    _status(
        f"read {len(frame)} rows x {frame.shape[1]} columns from '{input_path}'",
        quiet=quiet,
    )
    _status(f"class counts before: {_format_counts(y)}", quiet=quiet)

    from gan_oversampler import GANOverSampler, TrainingFailedError

    sampler = GANOverSampler(
        sampling_strategy=args.sampling_strategy,
        categorical_features=list(categorical) if categorical else "auto",
        missing=args.missing,
        epochs=args.epochs,
        device=args.device,
        random_state=args.random_state,
        verbose=not quiet,
    )
    # Collect warnings (e.g. SmallClassWarning) to report each on one line.
    with warnings.catch_warnings(record=True) as caught:
        try:
            X_res, y_res = sampler.fit_resample(X, y)
        except (ValueError, TypeError) as exc:
            raise CLIError(_in_cli_terms(exc)) from None
        except TrainingFailedError as exc:
            raise CLIError(_one_line(exc), status=1) from None
        finally:
            for warning in caught:
                print(f"{PROG}: warning: {_one_line(warning.message)}", file=sys.stderr)

    result = pd.DataFrame(X_res).reset_index(drop=True)
    labels = pd.Series(y_res, name=target).reset_index(drop=True)
    if labels.dtype != y.dtype:
        try:
            labels = labels.astype(y.dtype)
        except (TypeError, ValueError):
            pass
    result.insert(frame.columns.get_loc(target), target, labels)
    result = result[list(frame.columns)]

    _write_table(result, output_path, out_format)
    n_new = len(result) - len(frame)
    _status(f"class counts after:  {_format_counts(labels)}", quiet=quiet)
    _status(
        f"wrote {len(result)} rows ({n_new} synthetic) to '{output_path}'",
        quiet=quiet,
    )
    return 0


# --------------------------------------------------------------------------- #
# demo
# --------------------------------------------------------------------------- #
def _run_demo(args: argparse.Namespace) -> int:
    """Run the teachers story end to end; see ``gan-oversampler demo --help``."""
    from gan_oversampler._demo import run_demo, single_threaded

    with single_threaded():
        run_demo(random_state=args.random_state, epochs=args.epochs)
    return 0


# --------------------------------------------------------------------------- #
# Parser and entry point
# --------------------------------------------------------------------------- #
def _build_parser() -> argparse.ArgumentParser:
    """The ``gan-oversampler`` argument parser."""
    parser = _Parser(
        prog=PROG,
        description="Balance imbalanced tabular data with per-class GANs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="balance a simulated table of teachers and compare oversamplers",
        description=(
            "Simulate 1000 elementary-school teachers (10% men), balance them "
            "with GANOverSampler, compare real and synthetic men, and "
            "cross-validate a logistic regression and gradient boosting with "
            "no resampling, class weights, a tuned decision threshold, "
            "RandomOverSampler, SMOTENC and GANOverSampler (alone and with a "
            "tuned threshold)."
        ),
    )
    demo.add_argument(
        "--random-state",
        type=_seed,
        default=0,
        metavar="N",
        help="seed for the data, the samplers and the folds (default: 0)",
    )
    demo.add_argument(
        "--epochs",
        type=_epochs,
        default=_DEMO_EPOCHS,
        metavar="N",
        help=f"GAN training epochs, or auto (default: {_DEMO_EPOCHS})",
    )
    demo.set_defaults(handler=_run_demo)

    balance = commands.add_parser(
        "balance",
        help="balance a CSV or Parquet file",
        description=(
            "Read INPUT, add synthetic rows for the minority classes of the "
            "--target column, and write OUTPUT with the same columns in the same "
            "order: the original rows first, then the synthetic ones. The format "
            "(.csv, optionally compressed, or .parquet, which needs pyarrow) "
            "follows each file's extension. Progress goes to stderr; OUTPUT is "
            "only written when balancing succeeds."
        ),
    )
    balance.add_argument("input", metavar="INPUT", help="the table to balance")
    balance.add_argument(
        "--target", required=True, metavar="COLUMN", help="the class label column"
    )
    balance.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="OUTPUT",
        help="where to write the balanced table",
    )
    balance.add_argument(
        "--sampling-strategy",
        type=_sampling_strategy,
        default="auto",
        metavar="STRATEGY",
        help=(
            "which classes to oversample: auto, minority, 'not minority', "
            "'not majority', all, or (two classes) the wanted minority/majority "
            "ratio in (0, 1] (default: auto)"
        ),
    )
    balance.add_argument(
        "--categorical",
        nargs="+",
        action="extend",
        metavar="COL",
        help=(
            "feature columns to treat as categorical; may be repeated. Listing "
            "columns replaces the automatic detection: every column not listed "
            "must then be numeric (default: detect them from their type: text "
            "and true/false columns are categorical)"
        ),
    )
    balance.add_argument(
        "--missing",
        choices=("error", "model"),
        default="error",
        help=(
            "what to do with empty cells in feature columns: error stops and "
            "names the columns; model learns where values are missing and "
            "leaves synthetic cells empty at about each class's rate "
            "(default: error)"
        ),
    )
    balance.add_argument(
        "--epochs",
        type=_epochs,
        default="auto",
        metavar="N",
        help="GAN training epochs, or auto: ~2,000 steps per class (default: auto)",
    )
    balance.add_argument(
        "--random-state",
        type=_seed,
        default=None,
        metavar="N",
        help="seed for reproducible output (default: none)",
    )
    balance.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where to train: auto uses a CUDA GPU when available (default: auto)",
    )
    balance.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress or status on stderr (warnings and errors still appear)",
    )
    balance.set_defaults(handler=_run_balance)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gan-oversampler`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments, without the program name. Defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 on success, 2 for a usage or input error, 1 when a
        GAN fails to train (both reported on one line on stderr), 130 when
        interrupted.

    Examples
    --------
    >>> from gan_oversampler.cli import main
    >>> main(["balance", "teachers.csv", "--target", "gender",
    ...       "--output", "balanced.csv"])  # doctest: +SKIP
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # --help, --version and usage errors
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except CLIError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
