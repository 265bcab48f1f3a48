"""``controller.ComputeHash``: the pod-template-hash of a Deployment's ReplicaSets.

The real controller feeds a ``spew`` dump of the Go ``PodTemplateSpec`` into FNV-1a (32 bit), adds the
Deployment's ``status.collisionCount`` (8 little-endian bytes) when set, prints the sum in decimal and maps
every digit through ``rand.SafeEncodeString``. A Go struct dump cannot be reproduced from a JSON object,
so the bytes hashed here are the canonical JSON of the template (sorted keys): the result has the real
shape (1-10 characters from ``4 5 6 7 8 9 b c d f``, stable for a given template) but not the real value.
"""

from __future__ import annotations

import json
import struct
from typing import Any

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv1a_32(data: bytes, h: int = _FNV_OFFSET) -> int:
    """FNV-1a, 32 bit (Go ``hash/fnv.New32a``), continuing from ``h``."""
    for b in data:
        h ^= b
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


def safe_encode_string(s: str) -> str:
    """apimachinery ``rand.SafeEncodeString``: each character mapped into the vowel-free alphabet."""
    return "".join(SAFE_ALPHABET[ord(ch) % len(SAFE_ALPHABET)] for ch in s)


def compute_hash(template: Any, collision_count: int | None = None) -> str:
    """``controller.ComputeHash(template, collisionCount)`` as used for ``pod-template-hash``."""
    data = json.dumps(template, sort_keys=True).encode()
    h = fnv1a_32(data)
    if collision_count is not None:
        h = fnv1a_32(struct.pack("<Q", int(collision_count) & 0xFFFFFFFFFFFFFFFF), h)
    return safe_encode_string(str(h))
