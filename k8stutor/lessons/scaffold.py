"""``lessons new PATH``: a small pack that lints and verifies, to be edited."""

from __future__ import annotations

import os
import re

PACK_YAML = """\
# A k8stutor lesson pack. Reference: docs/authoring.md; schema: docs/lesson-pack.schema.json
format_version: 1
id: {pack_id}
title: My first pack
description: What learners will be able to do after these lessons.
language: en
author: Your Name
version: 0.1.0
license: CC-BY-4.0
lessons:
  - 01-hello.yaml
"""

LESSON_YAML = """\
id: hello
title: Hello, Deployment
summary: Create a Deployment and scale it.
objectives:
  - Create a Deployment with kubectl create
  - Scale it
estimated_minutes: 3
start:
  preset: classroom
  seed: 0
steps:
  - title: Create a Deployment
    text: |
      Create a Deployment called **web** running `nginx:1.27`:

          kubectl create deployment web --image=nginx:1.27
    goal:
      - exists: deployment/web
      - field: deployment/web
        path: .spec.template.spec.containers[0].image
        equals: nginx:1.27
    hints:
      - "`kubectl create deployment NAME --image=IMAGE`"
      - text: The image is nginx:1.27 (with the tag).
        after_attempts: 2
    solution:
      - kubectl create deployment web --image=nginx:1.27
  - title: Scale it to three
    text: Run three replicas of web, then wait until they are ready.
    goal:
      - label: three web pods are Running and ready
        count: pods
        selector: app=web
        phase: Running
        ready: true
        equals: 3
    hints:
      - "`kubectl scale deployment web --replicas=3`, then `sleep 10s`"
    solution:
      - kubectl scale deployment web --replicas=3
      - sleep 10s
    par: 2
  - title: A question
    quiz:
      question: Which object did the Deployment create to run its pods?
      choices: [a ReplicaSet, a DaemonSet, a StatefulSet]
      answer: a ReplicaSet
      explain: A Deployment manages ReplicaSets; each ReplicaSet keeps its pods running.
"""


class ScaffoldError(ValueError):
    """The scaffold could not be written (the message says why)."""


def new_pack(path: str) -> list[str]:
    """Write a new pack at ``path`` (which must not exist or be empty); returns the files written."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(path) and (not os.path.isdir(path) or os.listdir(path)):
        raise ScaffoldError(f"{path} already exists and is not an empty directory")
    pack_id = re.sub(r"[^a-z0-9._-]+", "-", os.path.basename(path).lower()).strip("-._") or "my-pack"
    try:
        os.makedirs(path, exist_ok=True)
        files = {"pack.yaml": PACK_YAML.format(pack_id=pack_id), "01-hello.yaml": LESSON_YAML}
        for name, text in files.items():
            with open(os.path.join(path, name), "w", encoding="utf-8") as fh:
                fh.write(text)
    except OSError as e:
        raise ScaffoldError(f"cannot write {path}: {e.strerror}") from None
    return [os.path.join(path, n) for n in files]
