"""A PEP 517 build backend for the wasmc package, with no dependencies.

It builds one wheel: the wasmc/ sources plus libwasmc.so and its code
generator plugin, taken from an installed wasmc ($WASMC_PREFIX/lib) or from
the build tree beside this folder ($WASMC_BUILD_DIR, default ../build).
"""

import base64
import hashlib
import os
import pathlib
import zipfile

NAME = "wasmc"
VERSION = "0.1.0"
HERE = pathlib.Path(__file__).resolve().parent
TAG = "py3-none-linux_x86_64"


def _libraries():
    """The shared objects the package loads: (name in the wheel, path)."""
    prefix = os.environ.get("WASMC_PREFIX")
    if prefix:
        lib = pathlib.Path(prefix) / "lib"
        candidates = {"libwasmc.so": lib / "libwasmc.so", "libwasmc_codegen.so": lib / "libwasmc_codegen.so"}
    else:
        build = pathlib.Path(os.environ.get("WASMC_BUILD_DIR", HERE.parent / "build"))
        candidates = {
            "libwasmc.so": build / "embed" / "libwasmc.so",
            "libwasmc_codegen.so": build / "tools" / "wasmc" / "libwasmc_codegen.so",
        }
    for name, path in candidates.items():
        if not path.exists():
            raise RuntimeError(f"wasmc: {path} not found; build wasmc first (./build.sh build) "
                               "or set WASMC_PREFIX to an installed wasmc")
    return [(name, path.resolve()) for name, path in candidates.items()]


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _metadata():
    return (f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n"
            "Summary: Run WebAssembly from Python with wasmc\nRequires-Python: >=3.9\n")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = pathlib.Path(metadata_directory) / f"{NAME}-{VERSION}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(_metadata())
    return info.name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_name = f"{NAME}-{VERSION}-{TAG}.whl"
    files = []
    for source in sorted((HERE / NAME).glob("*.py")):
        files.append((f"{NAME}/{source.name}", source.read_bytes()))
    for name, path in _libraries():
        files.append((f"{NAME}/{name}", path.read_bytes()))
    info = f"{NAME}-{VERSION}.dist-info"
    files.append((f"{info}/METADATA", _metadata().encode()))
    files.append((f"{info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: wasmc_build\nRoot-Is-Purelib: false\n"
                                   f"Tag: {TAG}\n".encode()))
    record = [_record_line(name, data) for name, data in files] + [f"{info}/RECORD,,"]
    files.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    with zipfile.ZipFile(pathlib.Path(wheel_directory) / wheel_name, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            entry.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            wheel.writestr(entry, data, zipfile.ZIP_DEFLATED)
    return wheel_name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return build_wheel(wheel_directory, config_settings, metadata_directory)
