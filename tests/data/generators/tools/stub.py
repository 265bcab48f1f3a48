"""Discovery-only stub API server used to capture kubectl client-side generator output.

Usage: python stub.py PORT  (serves discovery from the kind registry and the objects in ../objects).
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", ".."))
from k8stutor.engine.registry import Registry  # noqa: E402

reg = Registry()
OBJECTS = {}  # path -> object
objdir = os.path.join(HERE, "..", "objects")
for fn in sorted(os.listdir(objdir)) if os.path.isdir(objdir) else []:
    o = json.load(open(os.path.join(objdir, fn)))
    rt = reg.by_gvk(o["apiVersion"], o["kind"])
    base = "/api/v1" if rt.group == "" else f"/apis/{rt.group}/{rt.version}"
    ns = o["metadata"].get("namespace", "default")
    path = (
        f"{base}/namespaces/{ns}/{rt.plural}/{o['metadata']['name']}"
        if rt.namespaced
        else f"{base}/{rt.plural}/{o['metadata']['name']}"
    )
    OBJECTS[path] = o


def resource_list(gv):
    res = []
    if gv == "example.com/v1":
        res.append(
            {
                "name": "widgets",
                "singularName": "widget",
                "namespaced": True,
                "kind": "Widget",
                "verbs": ["create", "get", "list"],
            }
        )
    for rt in reg:
        if rt.api_version == gv or gv in rt.served_api_versions():
            res.append(
                {
                    "name": rt.plural,
                    "singularName": rt.singular,
                    "namespaced": rt.namespaced,
                    "kind": rt.kind,
                    "verbs": list(rt.verbs),
                    "shortNames": list(rt.short_names) or None,
                    "categories": list(rt.categories) or None,
                }
            )
            for sub in rt.subresources:
                res.append(
                    {
                        "name": f"{rt.plural}/{sub}",
                        "singularName": "",
                        "namespaced": rt.namespaced,
                        "kind": rt.kind,
                        "verbs": ["get", "patch", "update"],
                    }
                )
    for r in res:
        for k in [k for k, v in r.items() if v is None]:
            del r[k]
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res}


def groups():
    gs = {}
    for rt in reg.in_discovery_order():
        if rt.group:
            gs.setdefault(rt.group, [])
            if rt.version not in gs[rt.group]:
                gs[rt.group].append(rt.version)
    gs["example.com"] = ["v1"]
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": g,
                "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]},
            }
            for g, vs in gs.items()
        ],
    }


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, obj):
        b = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_GET(self):
        p = self.path.split("?")[0]
        if p == "/api":
            return self.send(
                200,
                {
                    "kind": "APIVersions",
                    "versions": ["v1"],
                    "serverAddressByClientCIDRs": [
                        {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}
                    ],
                },
            )
        if p == "/apis":
            return self.send(200, groups())
        if p == "/api/v1":
            return self.send(200, resource_list("v1"))
        if p.startswith("/apis/") and p.count("/") == 3:
            return self.send(200, resource_list(p[len("/apis/") :]))
        if p == "/version":
            return self.send(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.4"})
        if p in OBJECTS:
            return self.send(200, OBJECTS[p])
        sys.stderr.write("404 " + self.path + "\n")
        self.send(
            404,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": "the server could not find the requested resource",
                "reason": "NotFound",
                "details": {},
                "code": 404,
            },
        )


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
