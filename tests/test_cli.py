"""Usage errors exit with 2 and a clear message, before anything runs."""
from tests.conftest import run_cli


def test_missing_path_is_a_usage_error(tmp_path):
    proc = run_cli("grade", str(tmp_path / "nope.ipynb"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr


def test_bad_option_is_a_usage_error(tmp_path):
    proc = run_cli("grade", str(tmp_path), "--lang", "fr")
    assert proc.returncode == 2 and "--lang" in proc.stderr


def test_folder_without_submissions_is_a_usage_error(tmp_path):
    (tmp_path / "readme.txt").write_text("nothing here")
    proc = run_cli("grade", str(tmp_path), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no submissions" in proc.stderr
