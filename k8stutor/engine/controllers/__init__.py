"""Controllers in the client-go shape: informer -> work queue -> reconcile(key), writing only through the API."""

from .base import Controller, WorkQueue

__all__ = ["Controller", "WorkQueue"]
