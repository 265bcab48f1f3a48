"""Messages that travel up the widget tree (named as facts)."""

from __future__ import annotations

from textual.message import Message


class ClusterChanged(Message):
    """The cluster changed (or time moved); panes re-read what they show. A newer one replaces a queued one."""

    def __init__(self, store_changed: bool = True) -> None:
        super().__init__()
        self.store_changed = store_changed

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ClusterChanged)


class ObjectSelected(Message):
    """The learner selected an object in a pane (resource, namespace, name)."""

    def __init__(self, resource: str, namespace: str, name: str) -> None:
        super().__init__()
        self.resource = resource
        self.namespace = namespace
        self.name = name


class ObjectAction(Message):
    """A pane asks for an action on an object: describe, yaml, delete, edit, logs, exec, scale."""

    def __init__(self, action: str, resource: str, namespace: str, name: str) -> None:
        super().__init__()
        self.action = action
        self.resource = resource
        self.namespace = namespace
        self.name = name


class RunCommand(Message):
    """Something (a pane key, the palette, the editor) asks the prompt to run a command line."""

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


class CommandExecuted(Message):
    """A prompt line ran; carries its outcome (tests and the lesson panel listen for it)."""

    def __init__(self, outcome: object) -> None:
        super().__init__()
        self.outcome = outcome
