"""The one domain error: a service refuses with a Norwegian message for the user, and says
where to show it (``field``; further ``fields`` to mark, e.g. all that are missing)."""


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None, fields: tuple = ()):
        super().__init__(message)
        self.message = message
        self.field = field
        self.fields = tuple(fields)
