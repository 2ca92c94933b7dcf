"""Shared helpers: wasm from text (wabt's wat2wasm), the example corpus."""
import os
import pathlib
import subprocess
import tempfile

import pytest


def wat(text, validate=True):
    """The binary of a module in the text format (validate=False for an invalid one)."""
    with tempfile.TemporaryDirectory() as work:
        source = pathlib.Path(work) / "module.wat"
        source.write_text(text)
        output = pathlib.Path(work) / "module.wasm"
        check = [] if validate else ["--no-check"]
        subprocess.run(["wat2wasm", *check, str(source), "-o", str(output)], check=True)
        return output.read_bytes()


@pytest.fixture
def examples_dir():
    """../shared/embed/wasm-c-api (WASMC_EMBED_EXAMPLES_DIR overrides)."""
    default = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "embed" / "wasm-c-api"
    path = pathlib.Path(os.environ.get("WASMC_EMBED_EXAMPLES_DIR", default))
    if not (path / "check_output.py").exists():
        pytest.fail(f"wasm-c-api examples not found: looked for {path}; set WASMC_EMBED_EXAMPLES_DIR")
    return path
