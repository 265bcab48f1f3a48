"""The Kubernetes REST API over the engine: routing, CRUD, lists, watches, Tables and subresources.

``KubeAPI(cluster).handle(request)`` runs on the event loop that owns the engine; nothing here blocks or
starts threads. Each request does its engine work synchronously (so it is atomic with respect to every
other engine user), and controllers are settled right after the response is sent, as real controllers
react just after a write.

Approximations (documented for learners and tests): lists are served from the current state, so a
``continue`` token pages through the live keys after the last name it saw; server-side apply
(``application/apply-patch+yaml``) is the engine's (``engine/api/managedfields.py``: field ownership,
``managedFields``, conflicts); a resource served at a second version (``autoscaling/v1``
HorizontalPodAutoscalers) is returned with that apiVersion but not converted.

Authentication, authorization and the review APIs are ``auth.Gate``'s, in front of this class (``SimServer``);
the allow-all reviews below only answer when ``KubeAPI`` is used on its own.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import contextlib
import gc
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml

from ...engine import errors
from ...engine.api import managedfields
from ...engine.api import patch as patching
from ...engine.errors import StatusError
from ...engine.printers import build_table
from ...engine.printers_cells import label_selector_string
from ...engine.registry import ResourceType
from ...engine.selectors import parse_field_selector, parse_label_selector
from ...engine.store import Event, Obj, clone
from ...engine.timeutil import rfc3339
from . import discovery, openapi, streams
from .http import ChunkWriter, Request, Response, Streaming, Upgrade
from .protobuf import ProtobufError, decode_object

if TYPE_CHECKING:
    from ...engine.cluster import Cluster

JSON = "application/json"
PROTOBUF = "application/vnd.kubernetes.protobuf"
CACHE_HEADERS = [("Cache-Control", "no-cache, private")]
BOOKMARK_INTERVAL = 30.0  # wall seconds between watch bookmarks (when the client allows them)
STREAM_LIST_ABOVE = 1000  # lists longer than this are written in slices (see KubeAPI._stream_list)
STREAM_SLICE = 250

_PATCH_TYPES = {
    "application/strategic-merge-patch+json": "strategic",
    "application/merge-patch+json": "merge",
    "application/json-patch+json": "json",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply",
}

ADMIN_USER = {"username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins", "system:authenticated"]}


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def json_response(obj: Any, status: int = 200, content_type: str = JSON) -> Response:
    """A JSON answer with kube-apiserver's cache headers."""
    return Response(status, _dumps(obj), content_type, list(CACHE_HEADERS))


def status_response(err: StatusError) -> Response:
    """A failed request as a ``Status`` object."""
    return json_response(err.status, err.code)


def _not_found_path() -> StatusError:
    return StatusError(404, "NotFound", "the server could not find the requested resource")


def _success(code: int = 200, details: dict[str, Any] | None = None) -> dict[str, Any]:
    st: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        st["details"] = details
    if code != 200:
        st["code"] = code
    return st


class Target:
    """A parsed resource URL."""

    def __init__(self, rt: ResourceType, version: str, namespace: str | None, name: str, sub: str) -> None:
        self.rt = rt
        self.version = version
        self.namespace = namespace
        self.name = name
        self.sub = sub

    @property
    def api_version(self) -> str:
        """The apiVersion the client asked for."""
        return f"{self.rt.group}/{self.version}" if self.rt.group else self.version


class KubeAPI:
    """The HTTP-facing API server over one ``Cluster`` (engine calls only on the owning loop)."""

    def __init__(self, cluster: Cluster, server_address: str = "127.0.0.1:6443") -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.registry = cluster.registry
        self.server_address = server_address
        self.requests = 0
        self.watch_count = 0
        self._settle_pending = False
        # kubectl's client throttle (5 QPS after a burst of 10) adds ~200 ms per page beyond the tenth, so
        # lists are served whole by default, as kube-apiserver's watch cache does for resourceVersion=0
        # lists; ``paginate=True`` honours ``limit`` with ``continue`` tokens.
        self.paginate = False
        self.listeners: list[Callable[[Request, int], None]] = []
        # The last large list and its encoded slices: a burst of identical lists at one revision (a dashboard,
        # 100 concurrent clients) is read and encoded once.
        self._list_cache: tuple[Any, list[Obj]] | None = None
        self._slice_cache: tuple[Any, dict[int, bytes]] | None = None

    # ---- entry point --------------------------------------------------------------------------
    async def handle(self, req: Request) -> Response | Streaming | Upgrade:
        """Serve one request (the ``http.HTTPServer`` handler)."""
        self.requests += 1
        try:
            result = self.route(req)
        except StatusError as e:
            result = status_response(e)
        except ProtobufError as e:
            result = status_response(errors.bad_request(str(e)))
        except Exception as e:  # noqa: BLE001 - a server answers 500, it never dies
            result = status_response(StatusError(500, "InternalError", f"Internal error occurred: {e!r}"))
        if req.method != "GET":
            self._schedule_settle()
        for listener in self.listeners:
            listener(req, result.status if not isinstance(result, Upgrade) else 101)
        return result

    def _schedule_settle(self) -> None:
        if self._settle_pending:
            return
        self._settle_pending = True

        def run() -> None:
            self._settle_pending = False
            self.cluster.settle()

        try:
            asyncio.get_running_loop().call_soon(run)
        except RuntimeError:
            run()

    # ---- routing ------------------------------------------------------------------------------
    def route(self, req: Request) -> Response | Streaming | Upgrade:
        """Dispatch on the path."""
        parts = [p for p in req.path.split("/") if p]
        if not parts:
            return json_response({"paths": sorted(self._root_paths())})
        head = parts[0]
        if head == "version" and len(parts) == 1:
            return json_response(discovery.version_info())
        if head in ("healthz", "livez", "readyz"):
            return Response(200, b"ok", "text/plain; charset=utf-8", list(CACHE_HEADERS))
        if head == "openapi":
            return self._openapi(req, parts[1:])
        if head == "api":
            if len(parts) == 1:
                if _wants_aggregated(req):
                    return json_response(
                        discovery.aggregated(self.registry, core=True),
                        content_type=discovery.AGGREGATED_CONTENT_TYPE,
                    )
                return json_response(discovery.legacy_api(self.server_address))
            return self._group_version(req, "", parts[1], parts[2:])
        if head == "apis":
            if len(parts) == 1:
                if _wants_aggregated(req):
                    return json_response(
                        discovery.aggregated(self.registry, core=False),
                        content_type=discovery.AGGREGATED_CONTENT_TYPE,
                    )
                return json_response(discovery.legacy_apis(self.registry))
            if len(parts) == 2:
                doc = discovery.api_group(self.registry, parts[1])
                if doc is None:
                    raise _not_found_path()
                return json_response(doc)
            return self._group_version(req, parts[1], parts[2], parts[3:])
        raise _not_found_path()

    def _root_paths(self) -> list[str]:
        paths = [
            "/api",
            "/api/v1",
            "/apis",
            "/healthz",
            "/livez",
            "/readyz",
            "/openapi/v2",
            "/openapi/v3",
            "/version",
        ]
        for group, versions in discovery.group_versions(self.registry):
            if group:
                paths.append(f"/apis/{group}")
                paths += [f"/apis/{group}/{v}" for v in versions]
        return paths

    def _openapi(self, req: Request, rest: list[str]) -> Response:
        if rest == ["v3"]:
            return json_response(openapi.v3_index(self.registry, self._crds()))
        if rest and rest[0] == "v3":
            gv = rest[1:]
            if len(gv) == 2 and gv[0] == "api":
                body = openapi.gv_document_bytes(self.registry, "", gv[1], self._crds())
            elif len(gv) == 3 and gv[0] == "apis":
                body = openapi.gv_document_bytes(self.registry, gv[1], gv[2], self._crds())
            else:
                body = None
            if body is None:
                raise _not_found_path()
            return Response(
                200,
                body,
                JSON,
                [("Cache-Control", "public, immutable")] if req.q("hash") else list(CACHE_HEADERS),
            )
        if rest == ["v2"]:
            accept = req.header("accept")
            if accept and JSON not in accept and "*/*" not in accept:
                raise _not_found_path()
            return Response(200, openapi.v2_document_bytes(), JSON, list(CACHE_HEADERS))
        raise _not_found_path()

    def _crds(self) -> dict[str, dict[str, Any]]:
        out = {}
        for crd in self.api.list_objects("customresourcedefinitions.apiextensions.k8s.io"):
            out[crd["metadata"]["name"]] = crd
        return out

    def _group_version(
        self, req: Request, group: str, version: str, rest: list[str]
    ) -> Response | Streaming | Upgrade:
        if not rest:
            doc = discovery.resource_list(self.registry, group, version)
            if doc is None:
                raise _not_found_path()
            return json_response(doc)
        watch_prefix = False
        if rest[0] == "watch":
            watch_prefix = True
            rest = rest[1:]
        target = self._target(group, version, rest)
        return self._serve(req, target, watch_prefix)

    def _target(self, group: str, version: str, rest: list[str]) -> Target:
        namespace: str | None = None
        if (
            rest[0] == "namespaces"
            and len(rest) >= 3
            and not (len(rest) == 3 and rest[2] in ("status", "finalize"))
        ):
            namespace = rest[1]
            rest = rest[2:]
        resource, name = rest[0], (rest[1] if len(rest) > 1 else "")
        sub = "/".join(rest[2:])
        rt = self.registry.by_group_resource(group, resource)
        if rt is None or (version != rt.version and version not in rt.other_versions):
            raise _not_found_path()
        if namespace is not None and not rt.namespaced:
            raise _not_found_path()
        if (
            sub
            and sub not in rt.subresources
            and not (rt.group_resource == "namespaces" and sub == "finalize")
        ):
            raise _not_found_path()
        return Target(rt, version, namespace, name, sub)

    # ---- dispatch on verb ---------------------------------------------------------------------
    def _serve(self, req: Request, t: Target, watch_prefix: bool) -> Response | Streaming | Upgrade:
        m = req.method
        if t.rt.namespaced and t.name and t.namespace is None:
            raise _not_found_path()
        if m == "GET":
            if not t.name:
                if watch_prefix or req.q("watch") in ("true", "1"):
                    return self._watch(req, t)
                return self._list(req, t)
            if watch_prefix:
                return self._watch(req, t, name=t.name)
            if t.sub in ("exec", "attach", "portforward"):
                return streams.upgrade(self.cluster, req, t.rt, t.namespace or "", t.name, t.sub)
            if t.sub == "log":
                return streams.logs(self.cluster, req, t.namespace or "", t.name)
            return self._get(req, t)
        if m == "POST":
            if t.name and t.sub:
                return self._post_subresource(req, t)
            if t.name:
                raise StatusError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
                )
            return self._create(req, t)
        if m == "PUT":
            if not t.name:
                raise StatusError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
                )
            return self._update(req, t)
        if m == "PATCH":
            if not t.name:
                raise StatusError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
                )
            return self._patch(req, t)
        if m == "DELETE":
            if not t.name:
                return self._delete_collection(req, t)
            return self._delete(req, t)
        raise StatusError(
            405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
        )

    # ---- reads --------------------------------------------------------------------------------
    def _out(self, t: Target, obj: Obj) -> Obj:
        """An object as returned at the requested version (shared dicts are copied when changed)."""
        if obj.get("apiVersion") != t.api_version or "kind" not in obj:
            obj = dict(obj, apiVersion=t.api_version, kind=t.rt.kind)
        return obj

    def _get(self, req: Request, t: Target) -> Response:
        obj = self.api.peek_or_raise(t.rt, t.name, t.namespace)
        if t.sub == "scale":
            return json_response(self._scale_of(t, obj))
        if _wants_table(req) and not t.sub:
            table = build_table(t.rt, [obj], self.api.now(), include_object=_include_object(req))
            return json_response(table)
        return json_response(self._out(t, obj))

    def _list(self, req: Request, t: Target) -> Response | Streaming:
        # A large list allocates hundreds of thousands of short-lived, acyclic dicts and strings: a full
        # collection triggered half-way would scan the whole store (a 10,000-pod list took 1.4 s instead of
        # 0.4 s). Nothing here creates cycles, so the collector is paused for the request.
        if not gc.isenabled():
            return self._list_body(req, t)
        gc.disable()
        try:
            return self._list_body(req, t)
        finally:
            gc.enable()

    def _list_body(self, req: Request, t: Target) -> Response | Streaming:
        rt = t.rt
        ls, fs = req.q("labelSelector") or None, req.q("fieldSelector") or None
        list_key = (rt.group_resource, t.namespace, ls, fs, self.cluster.store.revision)
        if self._list_cache is not None and self._list_cache[0] == list_key:
            items = self._list_cache[1]
        else:
            items = self.api.list_objects(rt, t.namespace, ls, fs)
            if len(items) > STREAM_LIST_ABOVE:
                self._list_cache = (list_key, items)
        rv = str(self.cluster.store.revision)
        limit_s = req.q("limit")
        cont = req.q("continue")
        meta: dict[str, Any] = {"resourceVersion": rv}
        if cont:
            start = _decode_continue(cont)
            keys = [(o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in items]
            items = items[bisect.bisect_right(keys, start) :]
        if limit_s and self.paginate:
            try:
                limit = int(limit_s)
            except ValueError:
                raise errors.bad_request(f"invalid limit: {limit_s}") from None
            if 0 < limit < len(items):
                last = items[limit - 1]["metadata"]
                meta["continue"] = _encode_continue(rv, (last.get("namespace", ""), last["name"]))
                meta["remainingItemCount"] = len(items) - limit
                items = items[:limit]
        if len(items) > STREAM_LIST_ABOVE:
            return self._stream_list(req, t, items, meta)
        if _wants_table(req):
            table = build_table(rt, items, self.api.now(), include_object=_include_object(req))
            table["metadata"] = meta
            return json_response(table)
        return json_response(
            {
                "kind": f"{rt.kind}List",
                "apiVersion": t.api_version,
                "metadata": meta,
                "items": items if t.api_version == rt.api_version else [self._out(t, o) for o in items],
            }
        )

    def _stream_list(self, req: Request, t: Target, items: list[Obj], meta: dict[str, Any]) -> Streaming:
        """A large list written in slices, yielding to the event loop between them.

        The response is the same document, but building and encoding 10,000 rows at once would hold the
        engine's loop (and the TUI sharing it) for hundreds of milliseconds per request. ``items`` is a
        snapshot of stored dicts, which are never mutated in place, and ``now`` is fixed at the request, so
        the slices are consistent with each other.
        """
        rt = t.rt
        now = self.api.now()
        table = _wants_table(req)
        include = _include_object(req) if table else "None"
        same_version = t.api_version == rt.api_version
        if table:
            head = build_table(rt, [], now, include_object=include)
            head.pop("rows", None)
            head["metadata"] = meta
            head["rows"] = []
        else:
            head = {"kind": f"{rt.kind}List", "apiVersion": t.api_version, "metadata": meta, "items": []}
        prefix = _dumps(head)[:-2]  # ... "rows":[  /  ... "items":[
        slice_key = (
            rt.group_resource,
            t.api_version,
            t.namespace,
            req.q("labelSelector"),
            req.q("fieldSelector"),
            meta.get("resourceVersion"),
            meta.get("continue"),
            len(items),
            now,
            table,
            include,
        )
        if self._slice_cache is None or self._slice_cache[0] != slice_key:
            self._slice_cache = (slice_key, {})
        slices = self._slice_cache[1]

        def encode(chunk: list[Obj]) -> bytes:
            gc_was = gc.isenabled()
            gc.disable()
            try:
                if table:
                    rows: Any = build_table(rt, chunk, now, include_object=include)["rows"]
                else:
                    rows = chunk if same_version else [self._out(t, o) for o in chunk]
                return _dumps(rows)[1:-1]
            finally:
                if gc_was:
                    gc.enable()

        async def run(cw: ChunkWriter, reader: asyncio.StreamReader) -> None:
            sep = b""
            await cw.write(prefix)
            for i in range(0, len(items), STREAM_SLICE):
                data = slices.get(i)
                if data is None:
                    data = slices[i] = encode(items[i : i + STREAM_SLICE])
                await cw.write(sep + data)
                sep = b","
                await asyncio.sleep(0)
            await cw.write(b"]}")

        return Streaming(200, JSON, run, list(CACHE_HEADERS))

    # ---- watch --------------------------------------------------------------------------------
    def _watch(self, req: Request, t: Target, name: str = "") -> Streaming:
        rt = t.rt
        label_text = req.q("labelSelector")
        field_text = req.q("fieldSelector")
        if name:
            field_text = f"metadata.name={name}" + (f",{field_text}" if field_text else "")
        ls = parse_label_selector(label_text) if label_text else None
        fs = parse_field_selector(field_text, rt.group_resource, rt.kind) if field_text else None
        table = _wants_table(req)
        include = _include_object(req)
        rv = req.q("resourceVersion")
        bookmarks = req.q("allowWatchBookmarks") in ("true", "1")
        timeout = req.q("timeoutSeconds")
        api = self.api
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        first = [True]

        def matches(obj: Obj) -> bool:
            if ls is not None and not ls.matches(obj["metadata"].get("labels")):
                return False
            return fs is None or fs.matches(obj)

        def encode(typ: str, obj: Obj) -> bytes:
            if table:
                payload: Any = build_table(
                    rt, [obj], api.now(), include_object=include, no_headers=not first[0]
                )
                first[0] = False
            else:
                payload = self._out(t, obj)
            return _dumps({"type": typ, "object": payload}) + b"\n"

        matched: set[tuple[str, str]] = set()
        current = api.list_objects(rt, t.namespace)
        for o in current:
            if matches(o):
                matched.add((o["metadata"].get("namespace", ""), o["metadata"]["name"]))

        def on_event(ev: Event) -> None:
            obj = ev.object
            key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            was = key in matched
            now_match = matches(obj)
            if ev.type == "DELETED":
                matched.discard(key)
                if was or now_match:
                    queue.put_nowait(encode("DELETED", obj))
                return
            if now_match:
                matched.add(key)
                queue.put_nowait(encode("MODIFIED" if was and ev.type != "ADDED" else "ADDED", obj))
            elif was:
                matched.discard(key)
                queue.put_nowait(encode("DELETED", obj))

        if rv in ("", "0"):
            for o in current:
                if matches(o):
                    queue.put_nowait(encode("ADDED", o))
            since: str | None = None
        else:
            since = rv
        try:
            w = api.watch(rt, t.namespace, since, on_event)
        except StatusError as e:
            err = _dumps({"type": "ERROR", "object": e.status}) + b"\n"

            async def run_error(cw: ChunkWriter, reader: asyncio.StreamReader) -> None:
                await cw.write(err)

            return Streaming(200, JSON, run_error, list(CACHE_HEADERS))
        self.watch_count += 1
        deadline = time.monotonic() + float(timeout) if timeout and timeout.isdigit() else None

        def bookmark() -> bytes:
            obj: dict[str, Any] = {
                "kind": rt.kind,
                "apiVersion": t.api_version,
                "metadata": {"resourceVersion": str(self.cluster.store.revision)},
            }
            if table:
                obj = {
                    "kind": "Table",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": {"resourceVersion": str(self.cluster.store.revision)},
                    "columnDefinitions": None,
                    "rows": None,
                }
            return _dumps({"type": "BOOKMARK", "object": obj}) + b"\n"

        async def run(cw: ChunkWriter, reader: asyncio.StreamReader) -> None:
            eof = asyncio.ensure_future(_wait_eof(reader))
            getter: asyncio.Future[bytes | None] | None = None
            try:
                while True:
                    wait = BOOKMARK_INTERVAL if bookmarks else None
                    if deadline is not None:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            return
                        wait = left if wait is None else min(wait, left)
                    getter = asyncio.ensure_future(queue.get())
                    done, _ = await asyncio.wait(
                        {getter, eof}, timeout=wait, return_when=asyncio.FIRST_COMPLETED
                    )
                    if eof in done:
                        getter.cancel()
                        return
                    if getter not in done:
                        getter.cancel()
                        if bookmarks:
                            await cw.write(bookmark())
                        continue
                    data = getter.result()
                    if data is None:
                        return
                    # Coalesce whatever else is ready into one chunk.
                    while not queue.empty():
                        more = queue.get_nowait()
                        if more is None:
                            await cw.write(data)
                            return
                        data += more
                    await cw.write(data)
            finally:
                eof.cancel()
                if getter is not None:
                    getter.cancel()
                w.stop()
                self.watch_count -= 1

        return Streaming(200, JSON, run, list(CACHE_HEADERS))

    # ---- writes -------------------------------------------------------------------------------
    def _body(self, req: Request, t: Target, kind: str = "", api_version: str = "") -> Obj:
        ctype = req.header("content-type").split(";")[0].strip().lower()
        if not req.body:
            raise errors.bad_request("the body of the request is empty")
        if ctype == PROTOBUF:
            return decode_object(req.body, api_version or t.api_version, kind or t.rt.kind)
        try:
            obj = json.loads(req.body)
        except ValueError:
            try:
                obj = yaml.safe_load(req.body)
            except yaml.YAMLError as e:
                raise errors.bad_request(f"the body of the request was in an unknown format: {e}") from None
        if not isinstance(obj, dict):
            raise errors.bad_request("the body of the request is not a JSON object")
        return obj

    def _typed(self, t: Target, obj: Obj) -> Obj:
        """Check and fill the body's apiVersion/kind against the URL; engine objects use the stored version."""
        av, kind = obj.get("apiVersion"), obj.get("kind")
        if kind and kind != t.rt.kind:
            raise errors.bad_request(
                f'{kind} in version "{t.version}" cannot be handled as a {t.rt.kind}: the object provided is '
                f"unrecognized (must be of type {t.rt.kind})"
            )
        if av and av != t.api_version:
            raise errors.bad_request(
                f"the API version in the data ({av}) does not match the expected API version ({t.api_version})"
            )
        obj["apiVersion"] = t.rt.api_version
        obj["kind"] = t.rt.kind
        return obj

    def _create(self, req: Request, t: Target) -> Response:
        rt = t.rt
        review = _REVIEWS.get(rt.group_resource)
        obj = self._body(req, t)
        if review is not None:
            obj = self._typed(t, obj)
            return json_response(self._out(t, review(self, obj, t)), 201)
        obj = self._typed(t, obj)
        if rt.group_resource == "bindings":
            pod = (obj.get("metadata") or {}).get("name", "")
            target = (obj.get("target") or {}).get("name", "")
            self.api.bind(t.namespace or "default", pod, target)
            return json_response(_success(201), 201)
        if rt.namespaced and t.namespace is None:
            raise _not_found_path()
        created = self.api.create(
            obj,
            t.namespace,
            dry_run=_dry_run(req),
            rt=rt,
            validate_schema=req.q("fieldValidation") != "Ignore",
            field_manager=_field_manager(req),
        )
        return json_response(self._out(t, created), 201)

    def _update(self, req: Request, t: Target) -> Response:
        rt = t.rt
        if t.sub == "scale":
            body = self._body(req, t, "Scale", "autoscaling/v1")
            current = self.api.peek_or_raise(rt, t.name, t.namespace)
            rv = (body.get("metadata") or {}).get("resourceVersion")
            if rv and rv != current["metadata"]["resourceVersion"]:
                raise errors.conflict(rt.group, rt.plural, t.name)
            replicas = (body.get("spec") or {}).get("replicas", 0)
            new = self.api.patch(
                rt, t.name, t.namespace, {"spec": {"replicas": replicas}}, "merge", dry_run=_dry_run(req)
            )
            return json_response(self._scale_of(t, new))
        obj = self._typed(t, self._body(req, t))
        meta = obj.setdefault("metadata", {})
        if meta.get("name") and meta["name"] != t.name:
            raise errors.bad_request(
                f"the name of the object ({meta['name']}) does not match the name on the URL ({t.name})"
            )
        meta["name"] = t.name
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != t.namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = t.namespace
        sub = "status" if t.sub in ("status", "approval") else ""  # approval: the CSR conditions
        if t.sub == "finalize":
            sub = ""
        updated = self.api.update(
            obj,
            t.namespace,
            dry_run=_dry_run(req),
            subresource=sub,
            rt=rt,
            validate_schema=req.q("fieldValidation") != "Ignore",
            field_manager=_field_manager(req) if not sub else None,
        )
        return json_response(self._out(t, updated))

    def _patch(self, req: Request, t: Target) -> Response:
        rt = t.rt
        ctype = req.header("content-type").split(";")[0].strip().lower()
        ptype = _PATCH_TYPES.get(ctype)
        if ptype is None:
            raise StatusError(
                415,
                "UnsupportedMediaType",
                f"the body of the request was in an unknown format - accepted media types include: "
                f"{', '.join(k for k in _PATCH_TYPES if 'cbor' not in k)}",
            )
        try:
            body = json.loads(req.body) if req.body else None
        except ValueError:
            try:
                body = yaml.safe_load(req.body)
            except yaml.YAMLError:
                raise errors.bad_request("the patch is not valid JSON or YAML") from None
        if body is None:
            raise errors.bad_request("the body of the request is empty")
        dry = _dry_run(req)
        if t.sub == "scale":
            current = self.api.peek_or_raise(rt, t.name, t.namespace)
            scale = self._scale_of(t, current)
            try:
                if ptype == "json":
                    new_scale = patching.json_patch(scale, body)
                else:
                    new_scale = patching.json_merge_patch(scale, body)
            except patching.PatchError as e:
                raise e.to_status_error() from None
            replicas = (new_scale.get("spec") or {}).get("replicas", 0)
            new = self.api.patch(
                rt, t.name, t.namespace, {"spec": {"replicas": replicas}}, "merge", dry_run=dry
            )
            return json_response(self._scale_of(t, new))
        sub = "status" if t.sub in ("status", "approval") else ""
        if ptype == "apply":
            if not isinstance(body, dict):
                raise errors.bad_request("the apply configuration must be an object")
            body = self._typed(t, dict(body))
            if not sub:
                result, created_now = managedfields.server_side_apply(
                    self.api,
                    rt,
                    t.name,
                    t.namespace,
                    body,
                    req.q("fieldManager"),
                    req.q("force") == "true",
                    dry,
                )
                return json_response(self._out(t, result), 201 if created_now else 200)
            ptype = "merge" if rt.crd else "strategic"
        elif ptype == "strategic" and rt.crd:
            raise StatusError(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: "
                "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            )
        patched = self.api.patch(
            rt,
            t.name,
            t.namespace,
            body,
            ptype,
            dry_run=dry,
            subresource=sub,
            field_manager=_field_manager(req) if not sub else None,
        )
        return json_response(self._out(t, patched))

    def _delete_options(self, req: Request) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        if req.body:
            ctype = req.header("content-type").split(";")[0].strip().lower()
            if ctype == PROTOBUF:
                opts = decode_object(req.body, "v1", "DeleteOptions")
            else:
                try:
                    loaded = json.loads(req.body)
                except ValueError:
                    raise errors.bad_request("the DeleteOptions body is not valid JSON") from None
                if isinstance(loaded, dict):
                    opts = loaded
        if req.q("gracePeriodSeconds"):
            opts["gracePeriodSeconds"] = int(req.q("gracePeriodSeconds"))
        if req.q("propagationPolicy"):
            opts["propagationPolicy"] = req.q("propagationPolicy")
        if req.q("orphanDependents") == "true" and "propagationPolicy" not in opts:
            opts["propagationPolicy"] = "Orphan"
        if opts.get("orphanDependents") is True and "propagationPolicy" not in opts:
            opts["propagationPolicy"] = "Orphan"
        if _dry_run(req) or "All" in (opts.get("dryRun") or []):
            opts["dryRun"] = ["All"]
        return opts

    def _delete_one(self, t: Target, name: str, opts: dict[str, Any]) -> tuple[int, Any]:
        rt = t.rt
        grace = opts.get("gracePeriodSeconds")
        pre_uid = (opts.get("preconditions") or {}).get("uid")
        pre_rv = (opts.get("preconditions") or {}).get("resourceVersion")
        if pre_rv:
            cur = self.api.peek_or_raise(rt, name, t.namespace)
            if cur["metadata"].get("resourceVersion") != pre_rv:
                raise errors.conflict(rt.group, rt.plural, name)
        result = self.api.delete(
            rt,
            name,
            t.namespace,
            grace_period=None if grace is None else int(grace),
            propagation_policy=opts.get("propagationPolicy"),
            dry_run=bool(opts.get("dryRun")),
            preconditions_uid=pre_uid,
        )
        still = self.api.peek(rt, name, t.namespace)
        if still is not None and not opts.get("dryRun"):
            return 202 if still["metadata"].get("deletionTimestamp") else 200, self._out(t, still)
        if (
            rt.group_resource
            in (
                "pods",
                "services",
                "namespaces",
                "nodes",
                "persistentvolumeclaims",
                "persistentvolumes",
                "events",
            )
            or rt.crd
        ):
            return 200, self._out(t, result)
        details: dict[str, Any] = {"name": name, "kind": rt.plural, "uid": result["metadata"].get("uid", "")}
        if rt.group:
            details["group"] = rt.group
        return 200, _success(200, details)

    def _delete(self, req: Request, t: Target) -> Response:
        if t.sub:
            raise StatusError(
                405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
            )
        code, body = self._delete_one(t, t.name, self._delete_options(req))
        return json_response(body, code)

    def _delete_collection(self, req: Request, t: Target) -> Response:
        if "deletecollection" not in t.rt.verbs:
            raise StatusError(
                405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
            )
        opts = self._delete_options(req)
        items = self.api.list_objects(
            t.rt, t.namespace, req.q("labelSelector") or None, req.q("fieldSelector") or None
        )
        names = [(o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in items]
        deleted = []
        for ns, name in names:
            sub_t = Target(t.rt, t.version, ns or None, name, "")
            with contextlib.suppress(StatusError):
                _, body = self._delete_one(sub_t, name, opts)
                deleted.append(
                    body if body.get("kind") != "Status" else self._out(t, {"metadata": {"name": name}})
                )
        return json_response(
            {
                "kind": f"{t.rt.kind}List",
                "apiVersion": t.api_version,
                "metadata": {"resourceVersion": str(self.cluster.store.revision)},
                "items": deleted,
            }
        )

    # ---- subresources -------------------------------------------------------------------------
    def _scale_of(self, t: Target, obj: Obj) -> Obj:
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        sel = spec.get("selector")
        if isinstance(sel, dict) and ("matchLabels" in sel or "matchExpressions" in sel):
            selector = label_selector_string(sel) or ""
        elif isinstance(sel, dict):
            selector = ",".join(f"{k}={v}" for k, v in sorted(sel.items()))
        else:
            selector = ""
        meta = obj["metadata"]
        smeta = {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        }
        st: dict[str, Any] = {"replicas": status.get("replicas", 0)}
        if selector:
            st["selector"] = selector
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": smeta,
            "spec": {"replicas": spec.get("replicas", 1)},
            "status": st,
        }

    def _post_subresource(self, req: Request, t: Target) -> Response | Upgrade:
        ns = t.namespace or ""
        if t.rt.group_resource == "pods" and t.sub == "binding":
            body = self._body(req, t, "Binding", "v1")
            target = (body.get("target") or {}).get("name", "")
            uid = ((body.get("metadata") or {}).get("uid")) or None
            self.api.bind(ns, t.name, target, uid=uid)
            return json_response(_success(201), 201)
        if t.rt.group_resource == "pods" and t.sub == "eviction":
            body = self._body(req, t, "Eviction", "policy/v1")
            opts = body.get("deleteOptions") or {}
            grace = opts.get("gracePeriodSeconds")
            self.api.evict(
                ns,
                t.name,
                None if grace is None else int(grace),
                dry_run=_dry_run(req) or "All" in (opts.get("dryRun") or []),
            )
            return json_response(_success(201), 201)
        if t.rt.group_resource == "serviceaccounts" and t.sub == "token":
            self.api.peek_or_raise(t.rt, t.name, t.namespace)
            body = self._body(req, t, "TokenRequest", "authentication.k8s.io/v1")
            seconds = int((body.get("spec") or {}).get("expirationSeconds") or 3600)
            token = _fake_token(ns, t.name, self.api.now(), seconds)
            out = {
                "kind": "TokenRequest",
                "apiVersion": "authentication.k8s.io/v1",
                "metadata": {"name": t.name, "namespace": ns, "creationTimestamp": None},
                "spec": dict(body.get("spec") or {}, expirationSeconds=seconds),
                "status": {"token": token, "expirationTimestamp": rfc3339(self.api.now() + seconds)},
            }
            return json_response(out, 201)
        if t.sub in ("exec", "attach", "portforward"):
            return streams.upgrade(self.cluster, req, t.rt, ns, t.name, t.sub)
        raise StatusError(
            405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
        )


# ---- reviews (allow-all: KubeAPI without the server's Gate) ----------------------------------------------------------


def _ssar(app: KubeAPI, obj: Obj, t: Target) -> Obj:
    out = clone(obj)
    out.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    out["status"] = {"allowed": True, "reason": ""} if False else {"allowed": True}
    return out


def _ssrr(app: KubeAPI, obj: Obj, t: Target) -> Obj:
    out = clone(obj)
    out.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    out["status"] = {
        "resourceRules": [
            {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]},
            {
                "verbs": ["create"],
                "apiGroups": ["authorization.k8s.io"],
                "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
            },
        ],
        "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
        "incomplete": False,
    }
    return out


def _ssr(app: KubeAPI, obj: Obj, t: Target) -> Obj:
    out = clone(obj)
    out.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    out["status"] = {"userInfo": clone(ADMIN_USER)}
    return out


def _token_review(app: KubeAPI, obj: Obj, t: Target) -> Obj:
    out = clone(obj)
    out.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    out["status"] = {
        "authenticated": True,
        "user": clone(ADMIN_USER),
        "audiences": ["https://kubernetes.default.svc.cluster.local"],
    }
    return out


_REVIEWS: dict[str, Callable[[KubeAPI, Obj, Target], Obj]] = {
    "selfsubjectaccessreviews.authorization.k8s.io": _ssar,
    "subjectaccessreviews.authorization.k8s.io": _ssar,
    "localsubjectaccessreviews.authorization.k8s.io": _ssar,
    "selfsubjectrulesreviews.authorization.k8s.io": _ssrr,
    "selfsubjectreviews.authentication.k8s.io": _ssr,
    "tokenreviews.authentication.k8s.io": _token_review,
}


# ---- helpers -----------------------------------------------------------------------------------------


def _field_manager(req: Request) -> str:
    """``managerOrUserAgent``: the ``fieldManager`` parameter, else the User-Agent's product name."""
    return req.q("fieldManager") or req.header("user-agent").split("/")[0]


def _wants_aggregated(req: Request) -> bool:
    return "as=APIGroupDiscoveryList" in req.header("accept")


def _wants_table(req: Request) -> bool:
    return "as=Table" in req.header("accept")


def _include_object(req: Request) -> str:
    v = req.q("includeObject") or "Metadata"
    if v not in ("Object", "Metadata", "None"):
        raise errors.bad_request(f'Invalid value: "{v}": must be one of Object, Metadata, None')
    return v


def _dry_run(req: Request) -> bool:
    vals = req.query.get("dryRun") or []
    for v in vals:
        if v not in ("All", ""):
            raise errors.bad_request(f'Invalid value: "{v}": supported values: "All"')
    return "All" in vals


def _encode_continue(rv: str, key: tuple[str, str]) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": int(rv), "start": f"{key[0]}/{key[1]}\x00"})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_continue(token: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        start = json.loads(raw)["start"].rstrip("\x00")
        ns, _, name = start.rpartition("/")
        return ns, name
    except (ValueError, KeyError, TypeError):
        raise errors.bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        ) from None


async def _wait_eof(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(Exception):
        while await reader.read(4096):
            pass


def _fake_token(ns: str, name: str, now: float, seconds: int) -> str:
    def b64(d: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d, separators=(",", ":")).encode()).decode().rstrip("=")

    header = b64({"alg": "RS256", "kid": "k8stutor"})
    claims = b64(
        {
            "aud": ["https://kubernetes.default.svc.cluster.local"],
            "exp": int(now) + seconds,
            "iat": int(now),
            "iss": "https://kubernetes.default.svc.cluster.local",
            "sub": f"system:serviceaccount:{ns}:{name}",
        }
    )
    sig = base64.urlsafe_b64encode(f"{ns}/{name}/{int(now)}".encode()).decode().rstrip("=")
    return f"{header}.{claims}.{sig}"
