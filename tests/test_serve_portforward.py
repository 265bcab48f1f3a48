"""``kubectl port-forward`` through ``k8stutor serve``: real kubectl 1.32 tunnels SPDY/3.1 in a WebSocket, and
a local HTTP client reaches the simulated container's server (nginx's welcome page); the SPDY framing and
header compression are also checked directly."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver import portforward as pf
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread

KUBECTL = shutil.which("kubectl")
NGINX = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "nginx"},
    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]},
}


def test_spdy3_dictionary_is_the_published_one() -> None:
    # 1423 bytes; zlib names a preset dictionary by its Adler-32 (0xe3c6a7c2 for SPDY/3).
    assert len(pf.SPDY_DICT) == 1423 and zlib.adler32(pf.SPDY_DICT) == 0xE3C6A7C2


def test_header_blocks_round_trip_through_one_zlib_stream_per_direction() -> None:
    d = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, pf.SPDY_DICT)
    i = zlib.decompressobj(zdict=pf.SPDY_DICT)
    first = {"streamtype": "error", "port": "80", "requestid": "0"}
    second = {"streamtype": "data", "port": "80", "requestid": "0"}
    assert pf.decode_headers(i, pf.encode_headers(d, first)) == first
    assert pf.decode_headers(i, pf.encode_headers(d, second)) == second


def test_frames_are_split_off_a_byte_stream() -> None:
    syn = pf.control_frame(pf.SYN_REPLY, 0, struct.pack("!I", 3))
    data = pf.data_frame(3, b"hello", fin=True)
    buf = bytearray(syn + data + data[:4])
    frames = pf.parse_frames(buf)
    assert frames == [(True, pf.SYN_REPLY, 0, struct.pack("!I", 3)), (False, 3, pf.FLAG_FIN, b"hello")]
    assert bytes(buf) == data[:4]
    assert syn[:2] == b"\x80\x03"  # control bit + SPDY version 3


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[ServerThread, dict[str, str]]]:
    c = Cluster()
    ensure_controllers(c)
    c.api.create(NGINX, "default")
    c.advance(30)
    st = ServerThread(c)
    st.start()
    kc = write_kubeconfig(tmp_path / "kubeconfig", st.url)
    yield st, dict(os.environ, KUBECONFIG=str(kc), HOME=str(tmp_path))
    st.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(KUBECTL is None, reason="real kubectl is not installed")
def test_real_kubectl_port_forward_reaches_the_simulated_nginx(
    served: tuple[ServerThread, dict[str, str]],
) -> None:
    st, env = served
    local, dead = _free_port(), _free_port()
    p = subprocess.Popen(
        [KUBECTL or "kubectl", "port-forward", "pod/nginx", f"{local}:80", f"{dead}:81"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert p.stdout is not None
        assert p.stdout.readline() == f"Forwarding from 127.0.0.1:{local} -> 80\n"
        assert p.stdout.readline() == f"Forwarding from [::1]:{local} -> 80\n"
        for _ in range(2):  # one SPDY session carries several connections
            with urllib.request.urlopen(f"http://127.0.0.1:{local}/", timeout=10) as r:
                page = r.read().decode()
                assert r.status == 200 and r.headers["Content-Length"] == str(len(page))
            assert "<title>Welcome to nginx!</title>" in page
        # Nothing listens on 81: the kubelet's refusal arrives on the error stream and kubectl gives up.
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{dead}/", timeout=10).read()
        _, err = p.communicate(timeout=10)
        assert (
            f"an error occurred forwarding {dead} -> 81: error forwarding port 81 to pod " in err
            and "dial tcp4 127.0.0.1:81: connect: connection refused" in err
        )
        assert err.endswith("error: lost connection to pod\n")
    finally:
        if p.poll() is None:
            p.terminate()
            p.communicate(timeout=10)
