"""Python ports of wasm-c-api's examples print what the C examples must."""
import pathlib
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent


@pytest.mark.parametrize("name", ["hello", "callback", "memory", "trap", "multi"])
def test_example_matches_expected_output(name, examples_dir, tmp_path):
    shutil.copy(examples_dir / "example" / f"{name}.wasm", tmp_path)
    run = subprocess.run([sys.executable, str(HERE / "examples" / f"{name}.py")], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    actual = tmp_path / f"{name}.out"
    actual.write_text(run.stdout)
    check = subprocess.run([sys.executable, str(examples_dir / "check_output.py"),
                            str(examples_dir / "example" / f"{name}.expected"), str(actual),
                            "--exit", str(run.returncode)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr + run.stderr
