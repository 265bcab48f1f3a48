"""What every pane shares: the refresh contract and status colours."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Vertical

from ...engine.printers import build_table

STATUS_STYLES = {
    "Running": "green",
    "Completed": "blue",
    "Succeeded": "blue",
    "Pending": "yellow",
    "ContainerCreating": "yellow",
    "PodInitializing": "yellow",
    "Terminating": "magenta",
    "Unknown": "bright_black",
}


def status_style(status: str) -> str:
    """Colour for a pod STATUS cell (kubectl's words)."""
    if status in STATUS_STYLES:
        return STATUS_STYLES[status]
    if status.startswith("Init:"):
        return "yellow"
    if (
        status
        in (
            "Error",
            "CrashLoopBackOff",
            "ImagePullBackOff",
            "ErrImagePull",
            "Failed",
            "OOMKilled",
            "Evicted",
            "CreateContainerConfigError",
            "RunContainerError",
            "NodeLost",
        )
        or "Err" in status
    ):
        return "red"
    return "default"


def table_cells(rt: Any, obj: dict[str, Any], now: float) -> dict[str, str]:
    """The ``kubectl get`` cells of one object, keyed by column name (the same printer kubectl uses)."""
    table = build_table(rt, [obj], now, include_object=False)
    names = [c["name"] for c in table["columnDefinitions"]]
    cells = table["rows"][0]["cells"] if table["rows"] else []
    return {n: ("" if c is None else str(c)) for n, c in zip(names, cells, strict=False)}


def pad(text: str, width: int) -> str:
    """Left-align text in a column (cut with … when too long)."""
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.ljust(width)


class Pane(Vertical):
    """A tab's content. ``refresh_from`` re-reads the cluster; it must cost nothing for off-screen rows."""

    title = "Pane"
    _store_watches: list[Any] | None = None
    _store_watched: Any = None

    def watch_store(self, cluster: Any, resources: tuple[str, ...], callback: Any) -> bool:
        """Hand every store write to ``resources`` of ``cluster`` to ``callback`` (an index kept up to date
        from watches, instead of walking every object on each refresh). Subscribes once per cluster; True
        when it just did (the caller then lists what it indexes). The watches stop when the pane unmounts."""
        if self._store_watched is cluster:
            return False
        self.stop_store_watches()
        self._store_watched = cluster
        self._store_watches = [cluster.store.watch(res, callback=callback) for res in resources]
        return True

    def stop_store_watches(self) -> None:
        """Unsubscribe what ``watch_store`` subscribed."""
        for w in self._store_watches or ():
            w.stop()
        self._store_watches = None
        self._store_watched = None

    def on_unmount(self) -> None:
        self.stop_store_watches()

    def index_key(self, cluster: Any) -> tuple[int, int]:
        """What a watch-fed index was built for: the cluster, and the restores the workspace's bridge has
        seen (a restore replaces the store without telling watches, so the index must be listed again)."""
        bridge = getattr(self.screen, "bridge", None)
        return (id(cluster), getattr(bridge, "restores", 0))

    if TYPE_CHECKING:

        def refresh_from(self, cluster: Any) -> None:
            """Re-read the cluster and update what is shown (every pane defines it; checked at class creation)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Textual widgets can't take ABCMeta, so the "abstract method" is enforced here: a pane class without
        # refresh_from fails when it is defined, not when the workspace first refreshes it.
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "refresh_from", None)):
            raise TypeError(f"{cls.__name__} must define refresh_from(cluster)")

    def header_text(self, columns: list[tuple[str, int]]) -> Text:
        """A bold header line for the given (title, width) columns."""
        return Text(
            "".join(pad(t, w) + " " for t, w in columns).rstrip(), style="bold", no_wrap=True, overflow="crop"
        )
