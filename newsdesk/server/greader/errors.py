"""The one error of the Google Reader layer: a request we cannot read, said in a sentence."""

from __future__ import annotations

from newsdesk.errors import NewsdeskError


class GReaderRequestError(NewsdeskError, ValueError):
    """A parameter or body a client sent that is not valid; the server answers 400 with it.

    `parameter` names the query or form field at fault ("i", "s", "c"...), or "" for the
    request as a whole."""

    def __init__(self, message: str, *, parameter: str = "") -> None:
        super().__init__(message)
        self.parameter = parameter
