"""Tests for the ``gan-oversampler`` command line (:mod:`gan_oversampler.cli`)."""

from __future__ import annotations

import runpy
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gan_oversampler.cli import main
from gan_oversampler.datasets import make_teachers

FAST = ["--epochs", "5", "--random-state", "0", "--device", "cpu"]


@pytest.fixture
def teachers_csv(tmp_path: Path) -> Path:
    """60 teachers (12 men) with the target in the middle of the columns."""
    X, y = make_teachers(60, male_fraction=0.2, random_state=0)
    frame = X.copy()
    frame.insert(3, "gender", y)
    path = tmp_path / "teachers.csv"
    frame.to_csv(path, index=False)
    return path


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("gan-oversampler")
    assert "error:" in lines[0]
    return lines[0]


# --------------------------------------------------------------------------- #
# balance: success
# --------------------------------------------------------------------------- #
def test_balance_csv(
    teachers_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "balanced.csv"
    code = main(
        [
            "balance",
            str(teachers_csv),
            "--target",
            "gender",
            "--output",
            str(output),
            *FAST,
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == ""
    assert "class counts before: female=48, male=12" in captured.err
    assert "class counts after:  female=48, male=48" in captured.err
    assert "36 synthetic" in captured.err

    original = pd.read_csv(teachers_csv)
    result = pd.read_csv(output)
    assert list(result.columns) == list(original.columns)
    assert result.columns.get_loc("gender") == 3
    assert len(result) == 96
    assert result["gender"].value_counts().to_dict() == {"female": 48, "male": 48}
    # Original rows first, unchanged; then only synthetic men.
    pd.testing.assert_frame_equal(result.iloc[:60], original)
    assert (result["gender"].iloc[60:] == "male").all()
    assert dict(result.dtypes) == dict(original.dtypes)
    assert set(result["subject"]) <= set(original["subject"])
    assert set(result["coaches_sport"]) <= {True, False}
    # Only the output was added to the directory: no temporary files are left.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "balanced.csv",
        "teachers.csv",
    ]


def test_balance_is_reproducible_and_quiet(
    teachers_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for output in outputs:
        args = ["balance", str(teachers_csv), "--target", "gender", "-o", str(output)]
        assert main([*args, *FAST, "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "class counts" not in captured.err
    assert outputs[0].read_text() == outputs[1].read_text()


def test_balance_ratio_categorical_and_integer_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(0)
    n = 80
    label = (np.arange(n) < 20).astype(np.int64)  # 60 zeros, 20 ones
    frame = pd.DataFrame(
        {
            "label": label,
            "score": rng.normal(size=n) + label,
            "grade": rng.integers(1, 4, size=n),  # numbers used as categories
            "city": rng.choice(["a", "b", "c"], size=n),
        }
    )
    source = tmp_path / "data.csv.gz"
    frame.to_csv(source, index=False)
    output = tmp_path / "out.csv.gz"
    code = main(
        [
            "balance",
            str(source),
            "--target",
            "label",
            "--output",
            str(output),
            "--sampling-strategy",
            "0.5",
            "--categorical",
            "grade",
            "city",
            "--quiet",
            *FAST,
        ]
    )
    assert code == 0, capsys.readouterr().err
    result = pd.read_csv(output)
    assert list(result.columns) == ["label", "score", "grade", "city"]
    assert result["label"].dtype == np.int64
    assert result["label"].value_counts().to_dict() == {0: 60, 1: 30}
    assert set(result["grade"]) <= {1, 2, 3}
    assert set(result["city"]) <= {"a", "b", "c"}


def test_balance_overwrites_existing_output(teachers_csv: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    output.write_text("old\n")
    args = ["balance", str(teachers_csv), "--target", "gender", "-o", str(output)]
    assert main([*args, *FAST, "--quiet"]) == 0
    assert len(pd.read_csv(output)) == 96


@pytest.mark.parametrize(
    ("name", "magic"),
    [("out.csv.zip", b"PK"), ("out.csv.tar", None)],
)
def test_archive_output_holds_the_named_file(
    teachers_csv: Path, tmp_path: Path, name: str, magic: bytes | None
) -> None:
    # The archive member is named after the output, not the temporary file.
    output = tmp_path / name
    args = ["balance", str(teachers_csv), "--target", "gender", "-o", str(output)]
    assert main([*args, *FAST, "--quiet"]) == 0
    if name.endswith(".zip"):
        with zipfile.ZipFile(output) as archive:
            assert archive.namelist() == ["out.csv"]
    else:
        with tarfile.open(output) as archive:
            assert archive.getnames() == ["out.csv"]
    if magic is not None:
        assert output.read_bytes().startswith(magic)
    assert len(pd.read_csv(output)) == 96
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "teachers.csv"])


# --------------------------------------------------------------------------- #
# balance: errors
# --------------------------------------------------------------------------- #
def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


ERROR_CASES = {
    "missing input": (["missing.csv", "--target", "gender"], "does not exist"),
    "missing target": (["teachers.csv", "--target", "nope"], "'nope' is not in"),
    "unknown input format": (["teachers.txt", "--target", "gender"], "unknown file"),
    "unknown output format": (
        ["teachers.csv", "--target", "gender", "-o", "out.xlsx"],
        "unknown file format for",
    ),
    "output directory missing": (
        ["teachers.csv", "--target", "gender", "-o", "no/such/dir/out.csv"],
        "does not exist",
    ),
    "output is a directory": (
        ["teachers.csv", "--target", "gender", "-o", "sub.csv"],
        "is a directory",
    ),
    "input is a directory": (["sub.csv", "--target", "gender"], "is not a file"),
    "empty file": (["empty.csv", "--target", "gender"], "is empty"),
    "header only": (["header.csv", "--target", "gender"], "no data rows"),
    "malformed csv": (["broken.csv", "--target", "a"], "could not read"),
    "binary file": (["binary.csv", "--target", "a"], "could not read"),
    "only the target": (["target_only.csv", "--target", "gender"], "no feature"),
    "missing labels": (["nan_target.csv", "--target", "gender"], "missing value"),
    "unknown categorical column": (
        ["teachers.csv", "--target", "gender", "--categorical", "age", "nope"],
        "nope",
    ),
    "target listed as categorical": (
        ["teachers.csv", "--target", "gender", "--categorical", "gender"],
        "target column",
    ),
    "bad strategy name": (
        ["teachers.csv", "--target", "gender", "--sampling-strategy", "most"],
        "--sampling-strategy",
    ),
    "strategy ratio out of range": (
        ["teachers.csv", "--target", "gender", "--sampling-strategy", "1.5"],
        "--sampling-strategy",
    ),
    "ratio below current ratio (sampler ValueError)": (
        ["teachers.csv", "--target", "gender", "--sampling-strategy", "0.1"],
        "error:",
    ),
    "missing feature values (sampler ValueError)": (
        ["nan_feature.csv", "--target", "gender"],
        "missing",
    ),
    "zero epochs": (["teachers.csv", "--target", "gender", "--epochs", "0"], "epochs"),
    "negative seed": (
        ["teachers.csv", "--target", "gender", "--random-state", "-1"],
        "random-state",
    ),
    "bad device": (["teachers.csv", "--target", "gender", "--device", "tpu"], "tpu"),
    "no target option": (["teachers.csv"], "--target"),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_balance_errors(
    case: str,
    teachers_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    teachers = pd.read_csv(teachers_csv)
    _write(tmp_path / "teachers.txt", teachers_csv.read_text())
    _write(tmp_path / "empty.csv", "")
    _write(tmp_path / "header.csv", "age,gender\n")
    _write(tmp_path / "broken.csv", 'a,b\n1,"unterminated\n')
    _write(tmp_path / "binary.csv", b"\xff\xfe\x00\x81a,b\n\x00\x9f,2\n")
    teachers[["gender"]].to_csv(tmp_path / "target_only.csv", index=False)
    nan_target = teachers.copy()
    nan_target.loc[0, "gender"] = np.nan
    nan_target.to_csv(tmp_path / "nan_target.csv", index=False)
    nan_feature = teachers.copy()
    nan_feature.loc[0, "salary"] = np.nan
    nan_feature.to_csv(tmp_path / "nan_feature.csv", index=False)
    (tmp_path / "sub.csv").mkdir()
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}

    args, message = ERROR_CASES[case]
    if "-o" not in args:
        args = [*args, "-o", "out.csv"]
    monkeypatch.chdir(tmp_path)
    code = main(["balance", "--epochs", "5", "--quiet", *args])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert message in _one_error_line(captured.err)
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert after == before  # nothing written, nothing left behind


@pytest.fixture
def grades_csv(tmp_path: Path) -> Path:
    """Integer grades, a text column, floats with one gap, and 50 no / 10 yes."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "grade": rng.integers(1, 4, 60),
            "city": rng.choice(["Oslo", "Lima"], 60),
            "x": rng.normal(size=60).round(3),
            "label": ["no"] * 50 + ["yes"] * 10,
        }
    )
    frame.loc[[3, 55], "x"] = np.nan
    path = tmp_path / "grades.csv"
    frame.to_csv(path, index=False)
    return path


def _balance_error(
    table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> str:
    """Run ``balance`` on ``table`` expecting a usage error; return its line."""
    output = tmp_path / "out.csv"
    args = ["balance", str(table), "--target", "label", "-o", str(output)]
    assert main([*args, *FAST, "--quiet", *extra]) == 2
    assert not output.exists()
    return _one_error_line(capsys.readouterr().err)


def test_missing_values_error_names_the_option(
    grades_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _balance_error(grades_csv, tmp_path, capsys)
    assert "['x']" in line
    assert "--missing model" in line
    assert "missing='model'" not in line


def test_missing_model_learns_gaps(grades_csv: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.csv"
    args = ["balance", str(grades_csv), "--target", "label", "-o", str(output)]
    assert main([*args, *FAST, "--quiet", "--missing", "model"]) == 0
    original, result = pd.read_csv(grades_csv), pd.read_csv(output)
    pd.testing.assert_frame_equal(result.iloc[:60], original)
    assert result["label"].value_counts().to_dict() == {"no": 50, "yes": 50}
    assert set(result["city"]) == {"Oslo", "Lima"}


def test_missing_rejects_unknown_choice(
    grades_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["balance", str(grades_csv), "--target", "label", "-o", "out.csv"]
    assert main([*args, "--missing", "drop"]) == 2
    assert "--missing" in _one_error_line(capsys.readouterr().err)


def test_column_left_out_of_categorical_speaks_cli_terms(
    grades_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _balance_error(
        grades_csv, tmp_path, capsys, "--missing", "model", "--categorical", "grade"
    )
    assert "Column 'city'" in line
    assert "Add it to --categorical, or leave --categorical out" in line
    assert "categorical_features" not in line


def test_object_dates_error_speaks_cli_terms(
    grades_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Parquet date columns read back as datetime.date objects.
    import datetime

    from gan_oversampler import cli

    frame = pd.read_csv(grades_csv).drop(columns="x")
    start = datetime.date(2020, 1, 1)
    hired = [start + datetime.timedelta(days=i % 7) for i in range(len(frame))]
    frame["hired"] = pd.Series(hired, dtype=object)
    monkeypatch.setattr(cli, "_read_table", lambda path, fmt: frame)
    line = _balance_error(grades_csv, tmp_path, capsys)
    assert "Column 'hired' holds dates" in line
    assert "add the column to --categorical" in line
    assert "categorical_features" not in line

    output = tmp_path / "out.csv"
    args = ["balance", str(grades_csv), "--target", "label", "-o", str(output)]
    named = ["--categorical", "city", "hired"]
    assert main([*args, *FAST, "--quiet", *named]) == 0
    assert set(pd.read_csv(output)["hired"]) <= {str(d) for d in hired}


def test_parquet_without_pyarrow(
    teachers_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes `import pyarrow` fail
    output = tmp_path / "out.parquet"
    args = ["balance", str(teachers_csv), "--target", "gender", "-o", str(output)]
    assert main(args) == 2
    assert "pyarrow" in _one_error_line(capsys.readouterr().err)
    assert not output.exists()

    source = tmp_path / "in.parquet"
    source.write_bytes(b"PAR1")
    args = ["balance", str(source), "--target", "gender", "-o", "out.csv"]
    assert main(args) == 2
    assert "pyarrow" in _one_error_line(capsys.readouterr().err)


def test_parquet_round_trip(teachers_csv: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    X, y = make_teachers(60, male_fraction=0.2, random_state=0)
    frame = X.assign(gender=y)
    source = tmp_path / "in.parquet"
    frame.to_parquet(source, index=False)
    output = tmp_path / "out.parquet"
    args = ["balance", str(source), "--target", "gender", "-o", str(output)]
    assert main([*args, *FAST, "--quiet"]) == 0
    result = pd.read_parquet(output)
    assert list(result.columns) == list(frame.columns)
    assert dict(result.dtypes) == dict(pd.read_parquet(source).dtypes)
    assert result["gender"].value_counts().to_dict() == {"female": 48, "male": 48}


def test_cuda_requested_without_gpu(
    teachers_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a CUDA GPU is available")
    output = tmp_path / "out.csv"
    args = ["balance", str(teachers_csv), "--target", "gender", "-o", str(output)]
    assert main([*args, "--device", "cuda", "--epochs", "5", "--quiet"]) == 2
    assert "CUDA" in _one_error_line(capsys.readouterr().err)
    assert not output.exists()


def test_failed_write_leaves_nothing(
    teachers_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = tmp_path / "out.csv"
    output.write_text("old\n")

    def partial_write(self: pd.DataFrame, path: object, **kwargs: object) -> None:
        Path(str(path)).write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", partial_write)
    args = ["balance", str(teachers_csv), "--target", "gender", "-o", str(output)]
    assert main([*args, *FAST, "--quiet"]) == 2
    assert "disk full" in _one_error_line(capsys.readouterr().err)
    assert output.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "teachers.csv"]


def test_small_class_warning_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    X, y = make_teachers(40, male_fraction=0.1, random_state=0)  # 4 men
    source = tmp_path / "few.csv"
    X.assign(gender=y).to_csv(source, index=False)
    output = tmp_path / "out.csv"
    args = ["balance", str(source), "--target", "gender", "-o", str(output)]
    assert main([*args, *FAST, "--quiet"]) == 0
    err = capsys.readouterr().err
    warning_lines = [line for line in err.splitlines() if "warning:" in line]
    assert len(warning_lines) == 1, err
    assert warning_lines[0].startswith("gan-oversampler: warning: ")
    assert "min_class_size" in warning_lines[0]
    assert pd.read_csv(output)["gender"].value_counts()["male"] == 36


def test_training_failure_exits_1(
    teachers_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gan_oversampler

    def diverge(self: object, X: object, y: object) -> None:
        raise gan_oversampler.TrainingFailedError("Training diverged twice.")

    monkeypatch.setattr(gan_oversampler.GANOverSampler, "fit_resample", diverge)
    output = tmp_path / "out.csv"
    args = ["balance", str(teachers_csv), "--target", "gender", "-o", str(output)]
    assert main([*args, "--quiet"]) == 1
    assert "diverged" in _one_error_line(capsys.readouterr().err)
    assert not output.exists()


# --------------------------------------------------------------------------- #
# Top level
# --------------------------------------------------------------------------- #
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gan-oversampler ")
    assert out.strip() != "gan-oversampler"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "demo" in out
    assert "balance" in out
    assert main(["balance", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--sampling-strategy" in out
    assert "--missing {error,model}" in out
    assert "replaces the automatic detection" in out


def test_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fly"]) == 2
    _one_error_line(capsys.readouterr().err)


def test_python_dash_m(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["gan-oversampler", "--version"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("gan_oversampler", run_name="__main__")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("gan-oversampler ")


def test_demo_smoke(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gan_oversampler import _demo

    monkeypatch.setattr(_demo, "DEMO_SAMPLES", 300)  # 30 men: quick folds
    monkeypatch.setattr(_demo, "DEMO_FOLDS", 2)
    assert main(["demo", "--epochs", "2", "--random-state", "1"]) == 0
    out = capsys.readouterr().out
    assert "Class counts" in out
    assert "female" in out
    assert "subject = " in out
    for name in _demo.REMEDIES:
        assert name in out
    for name in _demo.DEMO_CLASSIFIERS:
        assert out.count(name) == len(_demo.REMEDIES)


def test_demo_compares_every_remedy_with_every_classifier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gan_oversampler import _demo
    from gan_oversampler.datasets import make_teachers

    monkeypatch.setattr(_demo, "DEMO_FOLDS", 2)
    X, y = make_teachers(200, male_fraction=0.2, random_state=0)
    before = X.copy()
    table = _demo.compare_remedies(X, y, seed=0, epochs=2)
    assert list(table.index) == [
        (remedy, clf) for remedy in _demo.REMEDIES for clf in _demo.DEMO_CLASSIFIERS
    ]
    for metric in ("balanced accuracy", "average precision"):
        means = table[metric].str.split(" ± ").str[0].astype(float)
        assert ((means >= 0) & (means <= 1)).all()
    # A tuned threshold moves the cut, not the scores: the same rows and the
    # same classifier rank the test rows identically.
    for plain, tuned in (
        ("GANOverSampler", "GANOverSampler + tuned threshold"),
        ("class weights", "class weights + tuned threshold"),
    ):
        assert (
            table.loc[plain, "average precision"]
            == table.loc[tuned, "average precision"]
        ).all()
    pd.testing.assert_frame_equal(X, before)  # the caller's table is untouched
