"""Network/runtime fidelity: hostname -f, nginx's 404 page and access log, the API server's anonymous answers,
``iptables -L`` listings and ``grep -e/-f``, each against the real programs' output."""

from __future__ import annotations

from test_network_helpers import cluster_ws, sh

from k8stutor.engine.network.flannel import flannel_of
from k8stutor.engine.network.index import in_net4, ip4_int
from k8stutor.engine.runtime.sh import VFS, Shell

STS = """apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
    name: web
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.25.5
        ports:
        - containerPort: 80
          name: web
"""

# ngx_http_special_response.c: ngx_http_error_404_page + ngx_http_error_full_tail (server_tokens on).
NGINX_404 = (
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
    "<hr><center>nginx/1.25.5</center>\r\n</body>\r\n</html>\r\n"
)


def _statefulset() -> tuple[object, object]:
    import importlib

    c, ws = cluster_ws()
    importlib.import_module("k8stutor.engine.controllers.statefulset").install(c)  # type: ignore[attr-defined]
    ws.kubectl.run(["apply", "-f", "-"], stdin=STS.encode())
    c.advance(60)
    return c, ws


def test_hostname_f_in_a_statefulset_pod_is_the_fqdn() -> None:
    c, ws = _statefulset()
    assert sh(ws, "kubectl exec web-0 -- hostname") == ("web-0\n", "", 0)
    assert sh(ws, "kubectl exec web-0 -- hostname -f")[0] == "web-0.nginx.default.svc.cluster.local\n"
    hosts = sh(ws, "kubectl exec web-0 -- cat /etc/hosts")[0]
    assert hosts.startswith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
    assert hosts.endswith("\tweb-0.nginx.default.svc.cluster.local\tweb-0\n")


def test_nginx_404_page_and_access_log() -> None:
    c, ws = _statefulset()
    out, _, code = sh(ws, "kubectl exec web-0 -- curl -s localhost/nope")
    assert (out, code) == (NGINX_404, 0)
    sh(ws, "kubectl run bb --image=busybox:1.36 -- sleep 3600")
    c.advance(20)
    pod_ip = c.api.peek("pods", "bb", "default")["status"]["podIP"]
    assert "Welcome to nginx!" in sh(ws, "kubectl exec bb -- wget -qO- http://web-0.nginx/")[0]
    logs = sh(ws, "kubectl logs web-0")[0].splitlines()
    assert logs[-2].startswith("127.0.0.1 - - [") and logs[-2].endswith(
        '] "GET /nope HTTP/1.1" 404 153 "-" "curl/8.11.1" "-"'
    )
    assert logs[-1].startswith(f"{pod_ip} - - [")
    assert logs[-1].endswith('] "GET / HTTP/1.1" 200 615 "-" "Wget" "-"')
    assert "+0000]" in logs[-1]


def test_access_log_shows_snat_for_nodeport_and_client_ip_with_local_policy() -> None:
    c, ws = cluster_ws()
    sh(ws, "kubectl create deployment web --image=nginx --replicas=1")
    sh(ws, "kubectl expose deployment web --port=80 --type=NodePort")
    c.advance(30)
    pod = next(p for p in c.api.list_objects("pods", "default") if p["metadata"]["name"].startswith("web-"))
    node = pod["spec"]["nodeName"]
    other = "k8s-node02" if node == "k8s-node01" else "k8s-node01"
    nn = flannel_of(c).node(other)
    assert nn is not None
    port = c.api.peek("services", "web", "default")["spec"]["ports"][0]["nodePort"]
    assert sh(ws, f"curl -s http://{nn.ip}:{port}/")[2] == 0
    name = pod["metadata"]["name"]
    line = sh(ws, f"kubectl logs {name}")[0].splitlines()[-1]
    # The workstation is Ubuntu 22.04 (curl 7.81.0). Cluster policy: the other node masquerades to its flannel.1 address on the way over VXLAN.
    assert line.startswith(f"{nn.network_ip} - - [") and '"curl/7.81.0"' in line
    sh(ws, """kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Local"}}'""")
    mine = flannel_of(c).node(node)
    assert mine is not None
    assert sh(ws, f"curl -s http://{mine.ip}:{port}/")[2] == 0
    line = sh(ws, f"kubectl logs {name}")[0].splitlines()[-1]
    assert line.startswith("192.168.66.1 - - [")


def test_apiserver_anonymous_answers() -> None:
    c, ws = cluster_ws()
    out, _, code = sh(ws, "curl -k https://192.168.66.10:6443/version")
    assert code == 0 and out.startswith('{\n  "major": "1",\n  "minor": "32",\n  "gitVersion": "v1.32.')
    assert out.endswith('"platform": "linux/amd64"\n}')
    out, _, code = sh(ws, "curl -k https://192.168.66.10:6443/api")
    assert out == (
        '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": '
        '"forbidden: User \\"system:anonymous\\" cannot get path \\"/api\\"",\n  "reason": "Forbidden",\n'
        '  "details": {},\n  "code": 403\n}'
    )
    assert sh(ws, "curl -k https://192.168.66.10:6443/healthz")[0] == "ok"
    assert sh(ws, "curl -s -o /dev/null -w '%{http_code}' -k https://192.168.66.10:6443/apis")[0] == "403"


def test_iptables_list_nat_services() -> None:
    c, ws = cluster_ws()
    out, err, code = sh(ws, "ssh k8s-node01 iptables -t nat -L KUBE-SERVICES -n")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Chain KUBE-SERVICES (2 references)"
    assert lines[1] == "target     prot opt source               destination         "
    assert lines[2] == (
        "KUBE-SVC-NPX46M4PTMTKRN6Y  tcp  --  0.0.0.0/0            10.96.0.1            "
        "/* default/kubernetes:https cluster IP */ tcp dpt:443"
    )
    assert lines[-1] == (
        "KUBE-NODEPORTS  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service nodeports; "
        "NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL"
    )
    post = sh(ws, "ssh k8s-node01 iptables -t nat -L KUBE-POSTROUTING -n")[0].splitlines()
    assert post[2:] == [
        "RETURN     all  --  0.0.0.0/0            0.0.0.0/0            mark match ! 0x4000/0x4000",
        "MARK       all  --  0.0.0.0/0            0.0.0.0/0            MARK xor 0x4000",
        "MASQUERADE  all  --  0.0.0.0/0            0.0.0.0/0            "
        "/* kubernetes service traffic requiring SNAT */ random-fully",
    ]
    mark = sh(ws, "ssh k8s-node01 iptables -t nat -L KUBE-MARK-MASQ")[0].splitlines()
    assert mark[2] == "MARK       all  --  anywhere             anywhere             MARK or 0x4000"
    assert sh(ws, "ssh k8s-node01 iptables -L INPUT")[0].startswith("Chain INPUT (policy ACCEPT)\n")
    assert sh(ws, "ssh k8s-node01 iptables -L NOPE")[1:] == (
        "iptables: No chain/target/match by that name.\n",
        1,
    )


def _shell() -> Shell:
    fs = VFS()
    fs.makedirs("/etc")
    fs.write("/pats", b"b\nz\n")
    return Shell(fs, env={"HOSTNAME": "box"})


def test_grep_several_e_and_f() -> None:
    s = _shell()
    r = s.run('printf "a\\nb\\nc\\n" | grep -e a -e c')
    assert (r.stdout, r.exit_code) == (b"a\nc\n", 0)
    r = s.run('printf "a\\nb\\nc\\n" | grep -f /pats')
    assert r.stdout == b"b\n"
    r = s.run('printf "a\\nb\\nc\\n" | grep -v -e a -f /pats')
    assert r.stdout == b"c\n"
    r = s.run('printf "ab\\nc\\n" | grep -o -e a -e b')
    assert r.stdout == b"a\nb\n"
    r = s.run("grep -f /missing /pats")
    assert (r.stderr, r.exit_code) == (b"grep: /missing: No such file or directory\n", 2)


def test_ip_parsing_helpers() -> None:
    assert ip4_int("10.244.1.5") == (10 << 24) | (244 << 16) | (1 << 8) | 5
    assert ip4_int("10.244.1") is None and ip4_int("256.0.0.1") is None and ip4_int("01.2.3.4") is None
    assert in_net4("10.100.0.1", "10.96.0.0/12") and not in_net4("10.112.0.1", "10.96.0.0/12")


def test_route_cache_follows_backend_change() -> None:
    c, ws = cluster_ws()
    fl = flannel_of(c)
    before = fl.lookup("k8s-node01", "10.244.2.7")
    assert before is not None and before.dev == "flannel.1"
    cm = c.api.get("configmaps", "kube-flannel-cfg", "kube-flannel")
    cm["data"]["net-conf.json"] = cm["data"]["net-conf.json"].replace('"vxlan"', '"host-gw"')
    c.api.update(cm, "kube-flannel")
    sh(ws, "kubectl -n kube-flannel delete pods -l app=flannel")
    c.advance(30)
    after = fl.lookup("k8s-node01", "10.244.2.7")
    assert after is not None and after.text() == "10.244.2.0/24 via 192.168.66.21 dev eth0"
