"""Manifest reading and bad input: go-yaml's error texts (captured from real kubectl v1.32), multi-document
streams, hostile files. Nothing here may raise out of kubectl or corrupt the cluster."""

from pathlib import Path

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.main import Kubectl
from k8stutor.kubectl.manifests import ManifestError, parse_documents, split_yaml_documents

DATA = Path(__file__).parent / "data" / "manifests"


@pytest.fixture
def k():
    return Kubectl(Cluster(), cwd=str(DATA))


@pytest.mark.parametrize("name", ["bad", "b2", "b3", "b4", "b5", "b6", "b7"])
def test_yaml_errors_match_real_kubectl(k, name):
    r = k.run(["apply", "-f", f"{name}.yaml"])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == "error: " + (DATA / f"{name}.err").read_text()


def test_a_bad_document_stops_its_file_but_earlier_documents_apply(k):
    r = k.run(["apply", "-f", "multi-bad.yaml"])
    assert r.stdout == "configmap/first created\n"
    assert r.stderr == "error: " + (DATA / "multi-bad.err").read_text()
    assert k.cluster.api.peek("configmaps", "third", "default") is None


@pytest.mark.parametrize(
    "name,message",
    [
        ("garbage.bin", "error parsing garbage.bin: error converting YAML to JSON: yaml: control characters are not "
                        "allowed"),
        ("scalar.yaml", 'error validating "scalar.yaml": error validating data: invalid object to validate; if you '
                        "choose to ignore these errors, turn validation off with --validate=false"),
        ("nokind.yaml", 'error validating "nokind.yaml": error validating data: kind not set; if you choose to '
                        "ignore these errors, turn validation off with --validate=false"),
        ("noapiversion.yaml", 'error validating "noapiversion.yaml": error validating data: apiVersion not set; if '
                              "you choose to ignore these errors, turn validation off with --validate=false"),
    ],
)
def test_non_manifests_are_refused_like_kubectl(k, name, message):
    r = k.run(["apply", "-f", name])
    assert (r.exit_code, r.stderr) == (1, f"error: {message}\n")


def test_missing_path(k):
    r = k.run(["apply", "-f", "nope.yaml"])
    assert r.stderr == 'error: the path "nope.yaml" does not exist\n'


def test_alias_bomb_is_refused_quickly_without_memory_blow_up():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    with pytest.raises(ManifestError) as e:
        parse_documents("\n".join(lines), "bomb.yaml")
    assert str(e.value) == "error parsing bomb.yaml: error converting YAML to JSON: yaml: document contains excessive aliasing"


def test_deep_nesting_is_refused():
    with pytest.raises(ManifestError) as e:
        parse_documents("a: " + "[" * 5000 + "]" * 5000, "deep.yaml")
    assert "exceeded max depth" in str(e.value)


def test_huge_file_is_refused(k, tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (9 * 1024 * 1024))
    r = k.run(["apply", "-f", str(big)])
    assert r.exit_code == 1 and "too large" in r.stderr


def test_yaml_scalars_follow_go_yaml_v2():
    (_, doc), = parse_documents("a: yes\nb: 2024-01-01\nc: 0x1F\nd: ~\n", "x")
    assert doc == {"a": True, "b": "2024-01-01", "c": 31, "d": None}


def test_document_splitting_like_apimachinery():
    assert split_yaml_documents("a: 1\n---\nb: 2\n--- # comment\nc: 3\n---x\n") == ["a: 1\n", "b: 2\n", "c: 3\n---x\n"]


def test_json_manifests_and_lists(k, tmp_path):
    f = tmp_path / "list.json"
    f.write_text('{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap",'
                 '"metadata":{"name":"j1"}},{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j2"}}]}')
    r = k.run(["apply", "-f", str(f)])
    assert r.stdout == "configmap/j1 created\nconfigmap/j2 created\n"


def test_directory_and_recursive(k, tmp_path):
    (tmp_path / "sub").mkdir()
    for p, name in ((tmp_path / "a.yaml", "d1"), (tmp_path / "sub" / "b.yml", "d2"), (tmp_path / "c.txt", "no")):
        p.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n")
    assert k.run(["apply", "-f", str(tmp_path)]).stdout == "configmap/d1 created\n"
    assert k.run(["apply", "-R", "-f", str(tmp_path)]).stdout == "configmap/d1 unchanged\nconfigmap/d2 created\n"
