"""Group keys: reports about the same subject share one, whichever channel they came from."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from shared.events import ReportSubject

_ACCOUNT_TYPES = frozenset({"account", "user", "profile", "member", "channel", "page"})
_CONTENT_TYPES = frozenset(
    {"content", "post", "comment", "message", "video", "photo", "image", "story", "reel", "listing"}
)
_TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "igshid", "si", "ref", "ref_src", "feature", "mc_cid", "mc_eid", "s"}
)
_HOST_PREFIXES = ("www.", "m.", "mobile.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str | None:
    """One spelling per address: https, lower-case host without www/m., no default port,
    no fragment, no tracking parameters, sorted query, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    scheme = parts.scheme.lower()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith("utm_")
    )
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, urlencode(query), ""))


def subject_kind(subject_type: str | None) -> str:
    kind = (subject_type or "").strip().lower()
    if kind in _ACCOUNT_TYPES:
        return "account"
    if kind in _CONTENT_TYPES:
        return "content"
    return kind or "subject"


def group_key(subject: ReportSubject) -> str | None:
    """``account:<id>``, ``content:<id>`` or ``url:<normalised url>``; None without a subject.

    Ids are kept as sent (many platforms' ids are case-sensitive), only trimmed."""
    if subject.id and subject.id.strip():
        return f"{subject_kind(subject.type)}:{subject.id.strip()}"
    if subject.url:
        normalised = normalise_url(subject.url)
        if normalised is not None:
            return f"url:{normalised}"
    return None
