"""Every captured real-kubectl generator case, run through the built-in kubectl end to end
(flag parsing, generator, serializer, dry-run printing): `-o yaml`, `-o json`, the plain line and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.main import Kubectl

DATA = Path(__file__).parent / "data" / "generators"
CASES = json.loads((DATA / "cases.json").read_text())


@pytest.fixture(scope="module")
def kubectl() -> Kubectl:
    c = Cluster()
    for f in sorted((DATA / "objects").glob("*.json")):
        obj = json.loads(f.read_text())
        uid = obj["metadata"].pop("uid", None)
        obj["metadata"].pop("resourceVersion", None)
        obj["metadata"].pop("creationTimestamp", None)
        obj.pop("status", None)
        ns = obj["metadata"].get("namespace", "default")
        if c.api.peek("namespaces", ns) is None:
            c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        created = c.api.create(obj, validate_schema=False)
        if uid:  # keep the uid the capture saw (it shows up in ownerReferences)
            created["metadata"]["uid"] = uid
            c.store.put(c.api.rt_for_object(created).group_resource, created)
    c.settle()
    return Kubectl(c, cwd=str(DATA / "files"))


def _run(k: Kubectl, argv: list[str], *extra: str):
    argv = list(argv)
    if "--" in argv:
        i = argv.index("--")
        argv = argv[:i] + ["--dry-run=client", *extra] + argv[i:]
    else:
        argv += ["--dry-run=client", *extra]
    return k.run(argv)


OK = sorted(c for c in CASES if (DATA / f"{c}.yaml").exists())
ERR = sorted(c for c in CASES if (DATA / f"{c}.err").exists())
# deployment-registry embeds a random container-name suffix; job-from-cronjob was captured against a stub that
# served a CronJob without the API server's defaults, while ours (like a real cluster) has them.
RANDOM = {"deployment-registry", "job-from-cronjob"}


@pytest.mark.parametrize("case", [c for c in OK if c not in RANDOM])
def test_yaml(kubectl: Kubectl, case: str) -> None:
    r = _run(kubectl, CASES[case]["argv"], "-o", "yaml")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (DATA / f"{case}.yaml").read_text()


@pytest.mark.parametrize("case", [c for c in OK if c not in RANDOM and (DATA / f"{c}.json").exists()])
def test_json(kubectl: Kubectl, case: str) -> None:
    r = _run(kubectl, CASES[case]["argv"], "-o", "json")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (DATA / f"{case}.json").read_text()


@pytest.mark.parametrize("case", [c for c in OK if (DATA / f"{c}.txt").exists()])
def test_dry_run_line(kubectl: Kubectl, case: str) -> None:
    r = _run(kubectl, CASES[case]["argv"])
    assert r.stdout == (DATA / f"{case}.txt").read_text()


@pytest.mark.parametrize("case", ERR)
def test_errors(kubectl: Kubectl, case: str) -> None:
    r = _run(kubectl, CASES[case]["argv"])
    expected = (DATA / f"{case}.err").read_text()
    assert r.exit_code == 1
    if " run.go:72] " in expected:
        assert r.stderr.split(" run.go:72] ")[1] == expected.split(" run.go:72] ")[1]
    else:
        assert r.stderr == expected
