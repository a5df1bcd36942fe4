"""Errors the program reports to a person: the message is complete, translated and names the thing."""


class InspectorError(Exception):
    """A problem a person can act on (bad input, a refused transition); shown without a traceback."""


class NotFoundError(InspectorError):
    pass


class TransitionError(InspectorError):
    pass
