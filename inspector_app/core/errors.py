"""Errors the program reports to a person: the message is complete, translated and names the thing."""

from __future__ import annotations

from collections.abc import Callable


class InspectorError(Exception):
    """A problem a person can act on (bad input, a refused transition); shown without a traceback.

    The message may be given as a function of no arguments that returns it: it is then asked again each
    time the error is put into words, so a message kept on screen (the sync's last failure) follows a
    switch of language instead of staying in the old one."""

    def __init__(self, message: str | Callable[[], str] = "", *args: object) -> None:
        super().__init__(message, *args)

    def __str__(self) -> str:
        if len(self.args) == 1 and callable(self.args[0]):
            return str(self.args[0]())
        return super().__str__()


class NotFoundError(InspectorError):
    pass


class TransitionError(InspectorError):
    pass
