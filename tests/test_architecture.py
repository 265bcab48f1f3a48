"""The headless core never imports a UI toolkit (DESIGN §2): checked in a fresh interpreter and by import-linter."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_engine_and_kubectl_import_without_textual_or_rich():
    code = (
        "import sys\n"
        "import k8stutor.engine.cluster, k8stutor.kubectl.main, k8stutor.kubectl.commands, k8stutor.hosts.shell\n"
        "from k8stutor.engine.cluster import Cluster\n"
        "from k8stutor.kubectl.main import Kubectl\n"
        "k = Kubectl(Cluster())\n"
        "assert k.run(['get', 'nodes']).exit_code == 0\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        import pytest

        pytest.skip("import-linter is not installed")
    out = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
