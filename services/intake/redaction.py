"""Reporter contact details never reach the logs: e-mail addresses and phone numbers are
masked in every log record intake writes. The event payload itself is left intact."""

import logging
import re
from typing import Any

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# International or national numbers: 7+ digits, optionally grouped by spaces, dots, dashes
# or parentheses, optionally with a leading +.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().\-]{5,}\d(?![\w])")
# What every _PHONE match contains: a test that is much cheaper than the substitution.
_PHONE_HINT = re.compile(r"\d[\d\s().\-]{5,}\d")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"


def _looks_like_phone(candidate: str) -> bool:
    digits = sum(character.isdigit() for character in candidate)
    return 7 <= digits <= 15 and not _DATE.match(candidate.strip())


def redact(text: str) -> str:
    """Mask e-mail addresses and phone numbers in ``text``."""
    # Cheap tests first: most log values hold neither an "@" nor a run of digits.
    masked = _EMAIL.sub(EMAIL_MASK, text) if "@" in text else text
    if _PHONE_HINT.search(masked) is None:
        return masked
    return _PHONE.sub(
        lambda match: PHONE_MASK if _looks_like_phone(match.group(0)) else match.group(0), masked
    )


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


class RedactingFilter(logging.Filter):
    """Rewrites the message, its arguments and every ``extra=`` field of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                setattr(record, key, redact_value(value))
        return True


_FILTER = RedactingFilter()


def redacting_logger(name: str) -> logging.Logger:
    """A logger whose records are redacted before any handler sees them."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger
