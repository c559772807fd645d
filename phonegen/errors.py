"""phonegen's own exceptions: services raise them, the API turns them into the
contract's error envelope (``{"message": ..., "errors": {field: [...]}}``)."""


class PhonegenError(Exception):
    """Base class. ``status`` is the HTTP status the API answers with."""

    status = 400
    code = "invalid"
    default_message = "The request is not valid."

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        extra: dict | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.errors = errors or {}
        self.extra = extra or {}
        super().__init__(self.message)


class InvalidInput(PhonegenError):
    status = 400
    code = "invalid"


class Forbidden(PhonegenError):
    status = 403
    code = "permission_denied"
    default_message = "You do not have permission to do this."


class NotFound(PhonegenError):
    status = 404
    code = "not_found"
    default_message = "Not found."


class Conflict(PhonegenError):
    status = 409
    code = "conflict"


class PayloadTooLarge(PhonegenError):
    """An upload larger than the configured limit."""

    status = 413
    code = "too_large"


class Unprocessable(PhonegenError):
    """Well-formed but impossible, e.g. more numbers asked than exist."""

    status = 422
    code = "unprocessable"


class NotEnoughNumbers(Unprocessable):
    code = "not_enough_numbers"


class TooManyRequests(PhonegenError):
    """A per-user limit is reached; ``retry_after`` seconds is a fair wait."""

    status = 429
    code = "throttled"

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServiceUnavailable(PhonegenError):
    """A service phonegen needs (the task queue) cannot be reached just now."""

    status = 503
    code = "unavailable"

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
