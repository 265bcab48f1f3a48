"""Reading ``-f URL`` offline: the kubernetes.io example manifests come from a local mirror.

``https://k8s.io/examples/X`` (which redirects to ``https://kubernetes.io/examples/X``), the kubernetes.io URL
itself and ``https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/X`` all read
``assets/examples/X`` (a byte-for-byte copy of the website repository's ``content/en/examples``; see its
INDEX.txt). A path the mirror lacks answers as the website does (404); any other URL fails the way kubectl
fails on a machine with no route to the internet (cli-runtime's visitor: ``readHttpWithRetries``).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from .manifests import ManifestError

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "assets" / "examples"
RESOLVER = "127.0.0.53:53"  # the workstation's systemd-resolved stub, as Go's resolver names it
OFFLINE_HINT = (
    "hint: k8stutor runs offline; it mirrors only the kubernetes.io example manifests "
    "(https://k8s.io/examples/..., https://kubernetes.io/examples/...). Save other manifests to a file and "
    "use -f FILE"
)

# (host, path prefix) pairs whose rest of the path is a path under the website's content/en/examples.
_MIRRORS = (
    ("k8s.io", "/examples/"),
    ("kubernetes.io", "/examples/"),
    ("www.kubernetes.io", "/examples/"),
    ("raw.githubusercontent.com", "/kubernetes/website/main/content/en/examples/"),
    ("raw.githubusercontent.com", "/kubernetes/website/master/content/en/examples/"),
)


class URLReadError(ManifestError):
    """A URL could not be read; the message is what kubectl prints after ``error: ``."""


def is_url(name: str) -> bool:
    """Whether a ``-f`` argument is a URL (kubectl treats http:// and https:// prefixes as URLs)."""
    return name.startswith(("http://", "https://"))


def mirror_path(url: str) -> str | None:
    """The path under the examples mirror a URL names, or None when the URL is not a mirrored site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for mhost, prefix in _MIRRORS:
        if host == mhost and parts.path.startswith(prefix):
            rel = parts.path[len(prefix) :]
            return rel
    return None


def example_file(rel: str) -> Path | None:
    """The mirrored file for a path under ``content/en/examples`` (None when the website has no such file)."""
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in rel.split("/")):
        return None
    path = EXAMPLES_DIR / rel
    try:
        path.resolve().relative_to(EXAMPLES_DIR.resolve())
    except ValueError:
        return None
    return path if path.is_file() and path.name != "INDEX.txt" else None


def fetch(url: str) -> tuple[int, bytes] | None:
    """(HTTP status, body) for a URL of a mirrored site after redirects; None for any other site."""
    rel = mirror_path(url)
    if rel is None:
        return None
    path = example_file(rel)
    if path is None:
        return 404, b"404: Not Found"
    return 200, path.read_bytes()


def read_url(url: str) -> bytes:
    """The manifest a ``-f URL`` names, or URLReadError worded as kubectl words it."""
    got = fetch(url)
    if got is None:
        host = urlsplit(url).hostname or ""
        raise URLReadError(
            f'Get "{url}": dial tcp: lookup {host} on {RESOLVER}: no such host\n{OFFLINE_HINT}'
        )
    status, body = got
    if status != 200:
        raise URLReadError(
            f'unable to read URL "{url}", server reported {status} Not Found, status code={status}'
        )
    return body


def examples() -> list[str]:
    """Every mirrored example path (relative to ``content/en/examples``), sorted."""
    out: list[str] = []
    for dirpath, _dirs, files in os.walk(EXAMPLES_DIR):
        for f in files:
            rel = os.path.relpath(os.path.join(dirpath, f), EXAMPLES_DIR).replace(os.sep, "/")
            if rel != "INDEX.txt":
                out.append(rel)
    return sorted(out)


# nginx's own 301 page (k8s.io is an nginx redirector to kubernetes.io); curl prints it unless -L is given.
_MOVED = (
    "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n"
    "<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
_CURL_VALUE_FLAGS = frozenset(
    (
        "-H",
        "--header",
        "-o",
        "--output",
        "-w",
        "--write-out",
        "-X",
        "--request",
        "-d",
        "--data",
        "-A",
        "-u",
        "-m",
        "--max-time",
        "--connect-timeout",
        "--resolve",
        "-e",
        "--referer",
    )
)


def curl(argv: list[str]) -> tuple[str, str, int, list[tuple[str, bytes]]] | None:
    """``curl [-L] [-O | -o FILE] [-s] [-f] URL`` of a mirrored example: (stdout, stderr, exit code, files to
    write); None when the URL is not a mirrored site (the simulated network answers it instead)."""
    follow = remote_name = silent = show_err = fail = False
    out_file = ""
    url = ""
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in _CURL_VALUE_FLAGS:
            if a in ("-o", "--output") and i + 1 < len(argv):
                out_file = argv[i + 1]
            i += 2
            continue
        if a.startswith("--"):
            follow |= a == "--location"
            remote_name |= a == "--remote-name"
            silent |= a == "--silent"
            show_err |= a == "--show-error"
            fail |= a == "--fail"
        elif a.startswith("-") and len(a) > 1:
            follow |= "L" in a
            remote_name |= "O" in a
            silent |= "s" in a
            show_err |= "S" in a
            fail |= "f" in a
        elif not url:
            url = a
        i += 1
    got = fetch(url) if url else None
    if got is None:
        return None
    status, body = got
    if urlsplit(url).hostname == "k8s.io" and not follow:
        status, body = 301, _MOVED.encode()
    if fail and status >= 400:
        err = "" if silent and not show_err else f"curl: (22) The requested URL returned error: {status}\n"
        return "", err, 22, []
    target = out_file or (os.path.basename(urlsplit(url).path) if remote_name else "")
    if target and target != "-":
        return "", "", 0, [(target, body)]
    return body.decode("utf-8", "replace"), "", 0, []
