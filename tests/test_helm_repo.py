"""helm repo/search/pull/package/dependency against the offline repositories in assets/charts.

Facts: helm v3.17 cmd/helm repo_*.go, search_repo.go (uitable, MaxColWidth 50), pull.go, package.go
("Successfully packaged chart and saved it to: ..."), pkg/downloader/manager.go (dependency update messages),
pkg/chartutil/save.go (archive layout, gzip header).
"""

from __future__ import annotations

import gzip
import io
import os
import tarfile

from k8stutor.engine.cluster import Cluster
from k8stutor.helm.chart import load_chart
from k8stutor.helm.commands import Helm
from k8stutor.helm.repo import ASSETS, OfflineRepos, build_index

INGRESS = "https://kubernetes.github.io/ingress-nginx"
COURSE = "https://k8stutor.github.io/charts"


def test_shipped_indexes_are_up_to_date() -> None:
    off = OfflineRepos()
    assert {
        "https://kubernetes.github.io/ingress-nginx",
        "https://kubernetes-sigs.github.io/metrics-server",
        COURSE,
    } <= set(off.repos)
    for url, rep in off.repos.items():
        with open(os.path.join(ASSETS, rep.folder, "index.yaml"), encoding="utf-8") as fh:
            assert fh.read() == build_index(os.path.join(ASSETS, rep.folder), url), rep.folder
    names = {n for url in off.repos for n in (off.index(url).get("entries") or {})}
    assert {"nginx", "redis", "mysql", "ingress-nginx", "metrics-server", "myapp"} <= names


def test_repo_add_list_update_remove() -> None:
    h = Helm()
    assert h.run(["repo", "list"]).stderr == "Error: no repositories to show\n"
    assert h.run(["search", "repo", "nginx"]).stderr == "Error: no repositories configured\n"
    assert h.run(["repo", "add", "ingress-nginx", INGRESS]).stdout == (
        '"ingress-nginx" has been added to your repositories\n'
    )
    assert h.run(["repo", "add", "ingress-nginx", INGRESS]).stdout == (
        '"ingress-nginx" already exists with the same configuration, skipping\n'
    )
    assert h.run(["repo", "add", "ingress-nginx", COURSE]).stderr == (
        "Error: repository name (ingress-nginx) already exists, please specify a different name\n"
    )
    r = h.run(["repo", "add", "x", "https://charts.example.com/x"])
    assert r.stderr.startswith(
        'Error: looks like "https://charts.example.com/x" is not a valid chart repository'
    )
    h.run(["repo", "add", "course", COURSE])
    assert h.run(["repo", "list"]).stdout == (
        "NAME         \tURL" + " " * (len(INGRESS) - 3) + "\n"
        f"ingress-nginx\t{INGRESS}\n"
        f"course       \t{COURSE.ljust(len(INGRESS))}\n"
    )
    assert h.run(["repo", "update"]).stdout == (
        "Hang tight while we grab the latest from your chart repositories...\n"
        '...Successfully got an update from the "ingress-nginx" chart repository\n'
        '...Successfully got an update from the "course" chart repository\n'
        "Update Complete. \u2388Happy Helming!\u2388\n"
    )
    out = h.run(["search", "repo", "redis"]).stdout.splitlines()
    assert [c.strip() for c in out[0].split("\t")] == ["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]
    assert [ln.split("\t")[0].strip() for ln in out[1:]] == ["course/redis"]
    assert h.run(["search", "repo", "zzzz"]).stdout == "No results found\n"
    assert all(len(c) <= 50 for ln in h.run(["search", "repo"]).stdout.splitlines() for c in ln.split("\t"))
    assert h.run(["repo", "remove", "course"]).stdout == '"course" has been removed from your repositories\n'
    assert h.run(["repo", "remove", "course"]).stderr == 'Error: no repo named "course" found\n'


def test_pull_and_package_write_real_chart_archives(tmp_path) -> None:
    h = Helm(cwd=str(tmp_path))
    h.run(["repo", "add", "course", COURSE])
    r = h.run(["pull", "course/myapp"])
    assert (r.stdout, r.exit_code) == ("", 0)
    data = (tmp_path / "myapp-1.0.0.tgz").read_bytes()
    assert data[:4] == b"\x1f\x8b\x08\x14"  # FEXTRA|FCOMMENT: helm's archive header
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tf:
        assert tf.getnames()[0] == "myapp/Chart.yaml"
    assert load_chart(str(tmp_path / "myapp-1.0.0.tgz")).metadata["appVersion"] == "v1"
    assert h.run(["pull", "course/nope"]).stderr == (
        "Error: chart \"nope\" not found in course index. (try 'helm repo update'): no chart name found\n"
    )
    h.run(["pull", "course/nginx", "--untar"])
    assert (tmp_path / "nginx" / "Chart.yaml").exists()
    r = h.run(["package", "./nginx"])
    assert r.stdout == f"Successfully packaged chart and saved it to: {tmp_path}/nginx-18.3.1.tgz\n"
    assert load_chart(str(tmp_path / "nginx-18.3.1.tgz")).name == "nginx"


def test_dependency_list_update_build(tmp_path) -> None:
    h = Helm(cwd=str(tmp_path))
    h.run(["repo", "add", "course", COURSE])
    h.run(["create", "lib"])
    h.run(["create", "app"])
    with open(tmp_path / "app" / "Chart.yaml", "a", encoding="utf-8") as fh:
        fh.write(
            f"dependencies:\n- name: redis\n  version: 20.x.x\n  repository: {COURSE}\n"
            "- name: lib\n  version: 0.1.0\n  repository: file://../lib\n"
        )
    r = h.run(["dependency", "list", "./app"])
    rows = [[c.strip() for c in ln.split("\t")] for ln in r.stdout.splitlines() if ln]
    assert rows == [
        ["NAME", "VERSION", "REPOSITORY", "STATUS"],
        ["redis", "20.x.x", COURSE, "missing"],
        ["lib", "0.1.0", "file://../lib", "missing"],
    ]
    assert h.run(["install", "x", "./app"]).stderr.startswith(
        "Error: INSTALLATION FAILED: An error occurred while checking for chart dependencies. You may need to run "
        "`helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ "
        "directory: redis, lib"
    )
    r = h.run(["dependency", "update", "./app"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.endswith(
        "Update Complete. \u2388Happy Helming!\u2388\nSaving 2 charts\n"
        f"Downloading redis from repo {COURSE}\nArchiving lib from repo file://../lib\nDeleting outdated charts\n"
    )
    assert sorted(os.listdir(tmp_path / "app" / "charts")) == ["lib-0.1.0.tgz", "redis-20.6.3.tgz"]
    lock = (tmp_path / "app" / "Chart.lock").read_text()
    assert "- name: redis\n  repository: https://k8stutor.github.io/charts\n  version: 20.6.3\n" in lock
    assert "digest: sha256:" in lock
    chart = load_chart(str(tmp_path / "app"))
    assert sorted(d.name for d in chart.dependencies) == ["lib", "redis"]
    r = h.run(["dependency", "build", "./app"])
    assert r.exit_code == 0, r.stderr
    assert "ok" in h.run(["dependency", "list", "./app"]).stdout


def test_install_from_the_offline_repository_brings_up_ingress_nginx() -> None:
    from k8stutor.engine.controllers import deployment, replicaset
    from k8stutor.engine.scheduler import scheduler

    c = Cluster()
    replicaset.install(c)
    deployment.install(c)
    scheduler.install(c)
    h = Helm(c)
    h.run(["repo", "add", "ingress-nginx", INGRESS])
    r = h.run(["install", "my-ingress", "ingress-nginx/ingress-nginx"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("NAME: my-ingress\n")
    d = c.api.get("deployments.apps", "my-ingress-ingress-nginx-controller", "default")
    image = d["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.startswith("registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:")
    assert (
        c.api.get("ingressclasses.networking.k8s.io", "nginx")["spec"]["controller"] == "k8s.io/ingress-nginx"
    )
    svc = c.api.get("services", "my-ingress-ingress-nginx-controller", "default")
    assert svc["spec"]["type"] == "LoadBalancer"
