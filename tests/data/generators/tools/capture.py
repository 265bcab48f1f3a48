"""Re-capture the generator fixtures: run stub.py on port 18080, then `python capture.py` (ONLY=a,b to limit)."""

import json
import os
import subprocess
import tempfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FILES = OUT + "/files"
KUBECONFIG = os.path.join(tempfile.mkdtemp(), "kubeconfig")
open(KUBECONFIG, "w").write(
    open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "kubeconfig")).read()
)
env = dict(os.environ, KUBECONFIG=KUBECONFIG)
C = {}


def case(name, *argv):
    C[name] = list(argv)


# namespace / serviceaccount
case("namespace", "create", "namespace", "dev")
case("namespace-alias", "create", "ns", "prod")
case("serviceaccount", "create", "serviceaccount", "sa1")
case("serviceaccount-ns", "create", "sa", "sa2", "-n", "team")
# configmap
case(
    "configmap-literals",
    "create",
    "configmap",
    "app-config",
    "--from-literal=key1=value1",
    "--from-literal=key2=value2",
)
case(
    "configmap-tricky",
    "create",
    "configmap",
    "tricky",
    "--from-literal=yes=yes",
    "--from-literal=on=on",
    "--from-literal=f=1.0",
    "--from-literal=hex=0x1F",
    "--from-literal=tilde=~",
    "--from-literal=empty=",
    "--from-literal=lead= leading space",
    "--from-literal=colon=a: b",
    "--from-literal=hash=#x",
    "--from-literal=multi=line1\nline2",
    "--from-literal=multinl=line1\nline2\n",
    "--from-literal=long=" + " ".join(["lorem ipsum dolor sit amet"] * 6),
    "--from-literal=uni=héllo 日本 ✓",
    "--from-literal=eq=a=b=c",
    "--from-literal=key10=ten",
    "--from-literal=key2=two",
    "--from-literal=key1=one",
    "--from-literal=cron=*/5 * * * *",
    "--from-literal=html=<a href='x'>&amp;</a>",
    "--from-literal=tab=a\tb",
    "--from-literal=emoji=ok 😀",
    "--from-literal=null=null",
    "--from-literal=date=2024-01-02",
    "--from-literal=time=12:30",
)
case(
    "configmap-files",
    "create",
    "configmap",
    "files",
    "--from-literal=a=1",
    "--from-file=app.properties",
    "--from-file=renamed.txt=confdir/a.txt",
)
case("configmap-dir", "create", "configmap", "dir", "--from-file=confdir")
case("configmap-envfile", "create", "configmap", "envcm", "--from-env-file=app.env")
case("configmap-binary", "create", "configmap", "bin", "--from-file=blob.bin")
case("configmap-hash", "create", "configmap", "hashed", "--from-literal=a=b", "--append-hash")
case(
    "configmap-devnull",
    "create",
    "configmap",
    "multi",
    "--from-literal=a=1",
    "--from-file=app.properties=/dev/null",
)
case("configmap-ns", "create", "configmap", "nscm", "--from-literal=a=b", "--namespace=team")
case("configmap-empty", "create", "cm", "empty")
case("err-configmap-badkey", "create", "configmap", "bad", "--from-literal=a b=c")
case("err-configmap-noeq", "create", "configmap", "bad", "--from-literal=novalue")
case("err-configmap-dupkey", "create", "configmap", "bad", "--from-literal=a=1", "--from-literal=a=2")
case("err-configmap-noname", "create", "configmap")
case("err-configmap-twonames", "create", "configmap", "a", "b")
case("err-configmap-envmix", "create", "configmap", "bad", "--from-env-file=app.env", "--from-literal=a=b")
case("err-configmap-missingfile", "create", "configmap", "bad", "--from-file=nope.txt")
case("err-configmap-emptykey", "create", "configmap", "bad", "--from-literal==v")
# secrets
case(
    "secret-generic",
    "create",
    "secret",
    "generic",
    "db-secret",
    "--from-literal=username=admin",
    "--from-literal=password=s3cr3t",
)
case("secret-generic-type", "create", "secret", "generic", "typed", "--from-literal=a=b", "--type=Opaque")
case(
    "secret-generic-custom-type",
    "create",
    "secret",
    "generic",
    "custom",
    "--from-literal=token=abc",
    "--type=example.com/token",
)
case(
    "secret-generic-files",
    "create",
    "secret",
    "generic",
    "filesec",
    "--from-file=blob.bin",
    "--from-file=app.properties",
    "--from-literal=x=",
)
case("secret-generic-envfile", "create", "secret", "generic", "envsec", "--from-env-file=app.env")
case("secret-generic-hash", "create", "secret", "generic", "hs", "--from-literal=a=b", "--append-hash")
case("secret-generic-empty", "create", "secret", "generic", "nothing")
case(
    "secret-docker",
    "create",
    "secret",
    "docker-registry",
    "regcred",
    "--docker-server=registry.example.com",
    "--docker-username=user",
    "--docker-password=pass",
    "--docker-email=user@example.com",
)
case(
    "secret-docker-noemail",
    "create",
    "secret",
    "docker-registry",
    "reg2",
    "--docker-username=u<s>&r",
    "--docker-password=p@ss:w0rd",
)
case("secret-tls", "create", "secret", "tls", "tls-secret", "--cert=tls.crt", "--key=tls.key")
case("err-secret-docker-nouser", "create", "secret", "docker-registry", "bad", "--docker-password=x")
case("err-secret-tls-nocert", "create", "secret", "tls", "bad", "--key=tls.key")
case("err-secret-tls-mismatch", "create", "secret", "tls", "bad", "--cert=tls.crt", "--key=app.properties")
case("err-secret-badkey", "create", "secret", "generic", "bad", "--from-literal=a/b=c")
# deployments
case("deployment", "create", "deployment", "nginx", "--image=nginx")
case(
    "deployment-port-replicas",
    "create",
    "deployment",
    "web",
    "--image=nginx:1.27",
    "--replicas=3",
    "--port=80",
)
case("deployment-multi", "create", "deployment", "multi", "--image=nginx", "--image=redis")
case(
    "deployment-registry",
    "create",
    "deploy",
    "reg",
    "--image=registry.example.com:5000/team/app:v1.2",
    "--image=ghcr.io/org/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
)
case("deployment-command", "create", "deployment", "cmd", "--image=busybox", "--", "sleep", "3600")
case("deployment-ns", "create", "deployment", "nsd", "--image=nginx", "-n", "team")
case("deployment-zero", "create", "deployment", "zero", "--image=nginx", "--replicas=0")
case("err-deployment-noimage", "create", "deployment", "x")
case("err-deployment-noname", "create", "deployment", "--image=nginx")
case("err-deployment-command-multi", "create", "deployment", "x", "--image=a", "--image=b", "--", "echo")
# job / cronjob
case("job", "create", "job", "myjob", "--image=busybox", "--", "echo", "hi")
case("job-from-cronjob", "create", "job", "manual-1", "--from=cronjob/nightly")
case("job-noargs", "create", "job", "plain", "--image=busybox")
case("cronjob", "create", "cronjob", "mycron", "--image=busybox", "--schedule=*/1 * * * *", "--", "date")
case(
    "cronjob-restart", "create", "cj", "nightly", "--image=busybox", "--schedule=0 3 * * *", "--restart=Never"
)
case("cronjob-macro", "create", "cronjob", "hourly", "--image=busybox", "--schedule=@hourly")
case("err-cronjob-noschedule", "create", "cronjob", "x", "--image=busybox")
case(
    "cronjob-restart-always",
    "create",
    "cronjob",
    "x",
    "--image=busybox",
    "--schedule=* * * * *",
    "--restart=Always",
)
case("err-job-noimage", "create", "job", "x")
# services
case("service-clusterip", "create", "service", "clusterip", "my-svc", "--tcp=80:8080")
case(
    "service-clusterip-multi",
    "create",
    "svc",
    "clusterip",
    "multi",
    "--tcp=80:8080",
    "--tcp=443:8443",
    "--tcp=9090",
)
case("service-headless", "create", "service", "clusterip", "headless", "--clusterip=None")
case("service-clusterip-ip", "create", "service", "clusterip", "fixed", "--tcp=53", "--clusterip=10.96.0.53")
case("service-nodeport", "create", "service", "nodeport", "my-np", "--tcp=80:8080", "--node-port=30080")
case("service-nodeport-plain", "create", "service", "nodeport", "np", "--tcp=80")
case("service-loadbalancer", "create", "service", "loadbalancer", "my-lb", "--tcp=80:8080")
case("service-externalname", "create", "service", "externalname", "my-ext", "--external-name=example.com")
case(
    "service-externalname-tcp",
    "create",
    "service",
    "externalname",
    "ext2",
    "--external-name=db.example.com",
    "--tcp=5432",
)
case("service-named-target", "create", "service", "clusterip", "named", "--tcp=80:http")
case("err-service-badtcp", "create", "service", "clusterip", "x", "--tcp=abc")
case("err-service-noports", "create", "service", "clusterip", "x")
case("err-service-ext-noname", "create", "service", "externalname", "x")
case("err-service-ext-bad", "create", "service", "externalname", "x", "--external-name=Not_Valid")
# ingress
case("ingress", "create", "ingress", "simple", "--rule=foo.com/bar=svc1:8080")
case(
    "ingress-complex",
    "create",
    "ingress",
    "complex",
    "--class=nginx",
    "--rule=foo.com/path*=svc:8080",
    "--rule=foo.com/other=svc2:http,tls=my-cert",
    "--rule=bar.com/=svc3:80,tls",
    "--rule=/api=api:https",
    "--annotation=nginx.ingress.kubernetes.io/rewrite-target=/",
    "--annotation=empty=",
)
case(
    "ingress-default-backend",
    "create",
    "ingress",
    "catch-all",
    "--class=default",
    "--default-backend=defaultsvc:http",
    "--rule=foo.com/=svc:https,tls=secret1",
)
case("err-ingress-nothing", "create", "ingress", "x")
case("err-ingress-badrule", "create", "ingress", "x", "--rule=foo.com")
# rbac
case("role", "create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods")
case(
    "role-multi",
    "create",
    "role",
    "multi",
    "--verb=get",
    "--verb=list",
    "--verb=get",
    "--resource=pods,deployments.apps,pods/log,rs,deploy/scale,services",
    "--resource-name=a",
    "--resource-name=b",
)
case("role-star", "create", "role", "all", "--verb=*", "--resource=*")
case("err-role-noverb", "create", "role", "x", "--resource=pods")
case("err-role-noresource", "create", "role", "x", "--verb=get")
case("err-role-unknown-group", "create", "role", "x", "--verb=get", "--resource=foo.example.com")
case("err-role-unknown", "create", "role", "x", "--verb=get", "--resource=nosuchthing")
case("err-role-badverb", "create", "role", "x", "--verb=use", "--resource=pods")
case("clusterrole", "create", "clusterrole", "pod-reader", "--verb=get,list,watch", "--resource=pods")
case(
    "clusterrole-nonresource",
    "create",
    "clusterrole",
    "nr",
    "--verb=get",
    "--non-resource-url=/logs/*",
    "--non-resource-url=/healthz",
)
case(
    "clusterrole-aggregation",
    "create",
    "clusterrole",
    "agg",
    "--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true,foo=bar",
)
case(
    "clusterrole-mixed",
    "create",
    "clusterrole",
    "mixed",
    "--verb=get",
    "--resource=nodes,secrets",
    "--non-resource-url=/metrics",
)
case(
    "err-clusterrole-nonresource-verb",
    "create",
    "clusterrole",
    "x",
    "--verb=list",
    "--non-resource-url=/logs",
)
case("rolebinding", "create", "rolebinding", "rb", "--role=pod-reader", "--user=jane")
case(
    "rolebinding-many",
    "create",
    "rolebinding",
    "rb2",
    "--clusterrole=view",
    "--user=bob",
    "--user=alice",
    "--group=devs",
    "--serviceaccount=default:sa1",
    "--serviceaccount=kube-system:builder",
)
case(
    "clusterrolebinding",
    "create",
    "clusterrolebinding",
    "crb",
    "--clusterrole=cr",
    "--serviceaccount=default:sa1",
)
case(
    "clusterrolebinding-groups",
    "create",
    "clusterrolebinding",
    "crb2",
    "--clusterrole=cluster-admin",
    "--group=system:masters",
    "--user=admin",
)
case("err-rolebinding-norole", "create", "rolebinding", "x", "--user=jane")
case("err-rolebinding-both", "create", "rolebinding", "x", "--role=a", "--clusterrole=b")
case("err-rolebinding-badsa", "create", "rolebinding", "x", "--role=a", "--serviceaccount=nocolon")
# quota, priorityclass, pdb
case("quota", "create", "quota", "q", "--hard=cpu=1,memory=1G,pods=2")
case("quota-scopes", "create", "quota", "best-effort", "--hard=pods=100", "--scopes=BestEffort")
case(
    "quota-many",
    "create",
    "resourcequota",
    "big",
    "--hard=requests.cpu=500m,limits.memory=2Gi,count/deployments.apps=5,services.nodeports=0",
)
case("err-quota-bad", "create", "quota", "x", "--hard=cpu")
case("priorityclass", "create", "priorityclass", "high", "--value=1000", "--description=high priority")
case(
    "priorityclass-default",
    "create",
    "pc",
    "default-pc",
    "--value=100",
    "--global-default",
    "--preemption-policy=Never",
)
case("priorityclass-badpolicy", "create", "priorityclass", "x", "--value=1", "--preemption-policy=Sometimes")
case("pdb", "create", "pdb", "pdb1", "--selector=app=nginx", "--min-available=1")
case(
    "pdb-max-percent",
    "create",
    "poddisruptionbudget",
    "pdb2",
    "--selector=app=web,tier in (fe)",
    "--max-unavailable=50%",
)
case("err-pdb-both", "create", "pdb", "x", "--selector=app=a", "--min-available=1", "--max-unavailable=1")
case("err-pdb-neither", "create", "pdb", "x", "--selector=app=a")
case("err-pdb-noselector", "create", "pdb", "x", "--min-available=1")
# run
case("run", "run", "nginx", "--image=nginx")
case("run-args", "run", "bb", "--image=busybox", "--restart=Never", "--", "sleep", "3600")
case(
    "run-command",
    "run",
    "cmdpod",
    "--image=busybox",
    "--command",
    "--",
    "sh",
    "-c",
    "echo hello && sleep 3600",
)
case(
    "run-labels-env-port",
    "run",
    "web",
    "--image=nginx:1.27",
    "--port=80",
    "--labels=app=web,tier=fe",
    "--env=FOO=bar",
    "--env=EMPTY=",
)
case(
    "run-onfailure-pullpolicy",
    "run",
    "of",
    "--image=busybox",
    "--restart=OnFailure",
    "--image-pull-policy=IfNotPresent",
)
case("run-annotations-sa", "run", "ann", "--image=nginx", "--annotations=team=a", "--annotations=owner=b")
case("run-privileged", "run", "priv", "--image=busybox", "--privileged")
case("run-stdin-tty", "run", "tty", "--image=busybox", "-i", "-t", "--restart=Never", "--attach=false")
case("run-expose", "run", "exp", "--image=nginx", "--port=8080", "--expose", "--labels=app=exp")
case("err-run-tty-only", "run", "x", "--image=busybox", "-t")
case("err-run-rm", "run", "x", "--image=busybox", "--rm")
case("err-run-expose-noport", "run", "x", "--image=busybox", "--expose")
case("err-run-noimage", "run", "x")
case("err-run-noname", "run", "--image=nginx")
case("err-run-badrestart", "run", "x", "--image=nginx", "--restart=Sometimes")
case("err-run-badpolicy", "run", "x", "--image=nginx", "--image-pull-policy=Sometimes")
case("err-run-attach", "run", "x", "--image=busybox", "-it", "--rm")
case("err-run-badlabel", "run", "x", "--image=nginx", "--labels=bad")
case("err-run-badenv", "run", "x", "--image=nginx", "--env=NOVALUE")
# expose
case("expose-deploy", "expose", "deployment", "web", "--port=80", "--target-port=8080")
case("expose-deploy-nodeport", "expose", "deployment", "web", "--port=80", "--type=NodePort", "--name=web-np")
case("expose-deploy-noport", "expose", "deployment", "web")
case("expose-deploy-multiport", "expose", "deployment", "multi")
case("expose-deploy-multiport-named", "expose", "deployment", "multi", "--port=8080", "--name=m2")
case("expose-pod", "expose", "pod", "p1", "--port=8080", "--protocol=UDP")
case(
    "expose-pod-noport",
    "expose",
    "pod",
    "p1",
    "--name=p1-svc",
    "--type=LoadBalancer",
    "--external-ip=1.2.3.4",
)
case("expose-service", "expose", "service", "svc1", "--name=svc1-copy")
case("expose-rs", "expose", "rs", "rs1", "--port=80", "--selector=app=other", "--labels=x=y")
case("expose-rc", "expose", "rc", "rc1", "--port=80", "--cluster-ip=None", "--session-affinity=ClientIP")
case(
    "expose-deploy-lb-ip",
    "expose",
    "deploy/web",
    "--port=443",
    "--target-port=https",
    "--type=LoadBalancer",
    "--load-balancer-ip=10.0.0.5",
)
case("err-expose-noports", "expose", "deployment", "noports")
case("err-expose-expr", "expose", "deployment", "expr", "--port=80")
case("expose-type-foo", "expose", "deployment", "web", "--port=80", "--type=Foo")
case("err-expose-kind", "expose", "configmap", "x", "--port=80")

only = os.environ.get("ONLY")
meta = {}
for name, argv in C.items():
    if only and name not in only.split(","):
        continue
    base = ["kubectl"] + argv
    dd = None

    def mk(extra: list[str], argv: list[str] = argv) -> list[str]:
        """kubectl argv with --dry-run=client and the -o flags placed before any `--`."""
        cut = argv.index("--") if "--" in argv else len(argv)
        return ["kubectl", *argv[:cut], "--dry-run=client", *extra, *argv[cut:]]

    if name.startswith("err-"):
        r = subprocess.run(mk(["-o", "yaml"]), cwd=FILES, env=env, capture_output=True, text=True)
        open(f"{OUT}/{name}.err", "w").write(r.stderr)
        meta[name] = {"argv": argv, "exit": r.returncode, "stdout": r.stdout}
        continue
    for ext, extra in (("yaml", ["-o", "yaml"]), ("json", ["-o", "json"]), ("txt", [])):
        r = subprocess.run(mk(extra), cwd=FILES, env=env, capture_output=True, text=True)
        open(f"{OUT}/{name}.{ext}", "w").write(r.stdout)
        if r.returncode or r.stderr:
            print("!!", name, ext, r.returncode, r.stderr[:300])
    meta[name] = {"argv": argv}
if only:
    old = json.load(open(f"{OUT}/cases.json"))
    old.update(meta)
    meta = old
if True:
    json.dump(meta, open(f"{OUT}/cases.json", "w"), indent=1, ensure_ascii=False)
print(len(meta))
