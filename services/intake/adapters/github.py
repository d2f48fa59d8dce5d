"""The ``github`` format: GitHub ``issues`` webhooks."""

from pydantic import Field

from services.intake.adapters.common import (
    BODY_MAX,
    Inbound,
    Lenient,
    NewReport,
    Parsed,
    PayloadError,
    Update,
    clip,
    load_json,
    report_title,
    user_report_screening,
    validate,
)
from services.intake.domain import UpdateAction
from shared.events import Report, Reporter, ReportSubject


class GitHubUser(Lenient):
    login: str = Field(default="", max_length=256)


class GitHubLabel(Lenient):
    name: str = Field(default="", max_length=256)


class GitHubIssue(Lenient):
    id: int
    number: int
    title: str = Field(max_length=1024)
    body: str | None = None
    html_url: str | None = Field(default=None, max_length=2048)
    user: GitHubUser | None = None
    labels: list[GitHubLabel] = Field(default_factory=list, max_length=200)


class GitHubRepository(Lenient):
    full_name: str = Field(default="", max_length=512)


class GitHubIssuesEvent(Lenient):
    action: str = Field(min_length=1, max_length=64)
    issue: GitHubIssue
    repository: GitHubRepository | None = None


GITHUB_DELIVERY_MAX = 256
_GITHUB_UPDATES: dict[str, UpdateAction] = {"edited": "edited", "closed": "closed"}


def _github_report(event: GitHubIssuesEvent) -> Report:
    issue = event.issue
    repository = event.repository.full_name if event.repository else ""
    return Report(
        title=report_title(issue.title, f"GitHub issue #{issue.number}"),
        body=clip(issue.body or "", BODY_MAX),
        reporter=Reporter(id=issue.user.login if issue.user else None, type="github"),
        subject=ReportSubject(type="github_issue", id=str(issue.id), url=issue.html_url),
        tags=[clip(label.name, 100) for label in issue.labels[:50] if label.name],
        metadata={"github": {"repository": repository, "number": issue.number}},
        screening=user_report_screening("github"),
    )


def parse_github(inbound: Inbound) -> Parsed:
    """``issues`` events: opened → a ticket, edited / closed → updates of it. The delivery
    id is ``X-GitHub-Delivery`` (kept by GitHub's own redeliveries); the identity is the
    issue's id. ``ping`` and other events are acknowledged and ignored."""
    kind = inbound.headers.get("x-github-event", "")
    delivery_id = inbound.headers.get("x-github-delivery", "")
    if not delivery_id:
        raise PayloadError([{"field": "header.x-github-delivery", "message": "required"}])
    if len(delivery_id) > GITHUB_DELIVERY_MAX:
        raise PayloadError(
            [
                {
                    "field": "header.x-github-delivery",
                    "message": f"at most {GITHUB_DELIVERY_MAX} characters",
                }
            ]
        )
    raw = load_json(inbound.body)
    if not isinstance(raw, dict):  # every GitHub event, a ping too, is a JSON object
        raise PayloadError([{"field": "body", "message": "not a JSON object"}])
    if kind != "issues":
        return Parsed(ignored=f"event {kind or 'unknown'} needs no action")
    event = validate(GitHubIssuesEvent, raw)
    identity = f"github-issue\x00{event.issue.id}"
    if event.action == "opened":
        return Parsed(
            items=[
                NewReport(identity=identity, delivery_id=delivery_id, report=_github_report(event))
            ]
        )
    action = _GITHUB_UPDATES.get(event.action)
    if action is None:
        return Parsed(ignored=f"issue action {event.action} needs no action")
    report = _github_report(event) if action == "edited" else None
    return Parsed(
        items=[Update(identity=identity, delivery_id=delivery_id, action=action, report=report)]
    )
