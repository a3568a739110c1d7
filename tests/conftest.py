"""Shared fixtures: a real git repository holding postdesk.toml and the bundled examples."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import git
import pytest
import yaml
from PIL import Image

from postdesk.config import Config, load_config
from postdesk.fakes.facebook import FakeFacebook
from postdesk.fakes.linkedin import FakeLinkedIn
from postdesk.fakes.x import FakeX

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT / "examples" / "content"
TODAY = dt.date(2026, 11, 23)
FIXTURE_DATES = """
# The fixtures' calendar runs from review on 2026-11-23 to posting in August 2030, further
# ahead than the two years a real check allows (dates.out-of-range).
[dates]
max_days_ahead = 1500
"""
"""Added to every test repository's postdesk.toml; ``settings()`` keeps it when a test writes its own."""


def settings(text: str) -> str:
    """The text of a test's own postdesk.toml, with the fixtures' date window."""
    return text + FIXTURE_DATES


def valid_front(**changes: Any) -> dict[str, Any]:
    """A complete, valid front matter; keyword arguments replace (or with None remove) fields."""
    front: dict[str, Any] = {
        "title": "Back-to-School Backpack Drive in Cole County",
        "category": "event",
        "submitted_by": {"name": "Jordan Reyes", "email": "jordan.reyes@example.gov", "office": "Cole County Office"},
        "supervisor": {"name": "Pat Lee", "email": "pat.lee@example.gov"},
        "event": {"date": "2030-08-10", "time": "10:00", "location": "Capitol Plaza, Jefferson City"},
        "time_sensitive": True,
        "post_by": "2030-08-08",
        "post_after": "2030-07-20",
        "channels": ["facebook", "x", "linkedin"],
        "hashtags": ["BackToSchool"],
        "link": "https://example.gov/events/backpacks",
        "images": [{"file": "media/2026-11-20-backpacks.jpg",
                    "alt": "Rows of donated backpacks lined up on a long wooden table", "people": "none"}],
        "confidentiality_confirmed": True,
    }
    for key, value in changes.items():
        if value is None:
            front.pop(key, None)
        else:
            front[key] = value
    return front


def render(front: dict[str, Any] | str, body: str = "Bring school supplies to Capitol Plaza.") -> str:
    text = front if isinstance(front, str) else yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    return f"---\n{text.rstrip()}\n---\n{body}\n"


class Repo:
    """A temporary postdesk repository under git, with helpers to add files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git = git.Repo.init(root, initial_branch="main")
        with self.git.config_writer() as cfg:
            cfg.set_value("user", "name", "Test Author")
            cfg.set_value("user", "email", "test@example.gov")

    @property
    def config(self) -> Config:
        return load_config(self.root)

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def submission(self, name: str = "2026-11-20-backpack-drive.md", front: dict[str, Any] | str | None = None,
                   body: str = "Bring school supplies to Capitol Plaza.") -> str:
        rel = f"content/submissions/{name}"
        self.write(rel, render(valid_front() if front is None else front, body))
        return rel

    def photo(self, name: str, size: tuple[int, int] = (320, 240), **save: Any) -> str:
        path = self.root / "content" / "media" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, (40, 120, 200)).save(path, **save)
        return f"content/media/{name}"

    def commit(self, message: str = "change") -> str:
        self.git.git.add("-A")
        self.git.index.commit(message)
        return self.git.head.commit.hexsha


def make_repo(root: Path) -> Repo:
    """An empty postdesk repository at ``root`` (settings and the example photos, no submissions), committed."""
    root.mkdir(parents=True)
    (root / "postdesk.toml").write_text(settings((PROJECT / "postdesk.toml").read_text(encoding="utf-8")),
                                        encoding="utf-8")
    shutil.copytree(PROJECT / "theme", root / "theme")
    shutil.copytree(EXAMPLES / "media", root / "content" / "media")
    (root / "content" / "submissions").mkdir()
    (root / "content" / "submissions" / ".gitkeep").touch()
    (root / "content" / "approved").mkdir()
    (root / "content" / "approved" / ".gitkeep").touch()
    made = Repo(root)
    made.commit("Initial content")
    return made


def seal_by_hand(root: Path, item: str) -> None:
    """Record ``content/approved/<item>.md`` as approved in its present form, as ``postdesk approve``
    would (for tests that add or edit an approved post directly to exercise the site)."""
    import json

    from postdesk.seal import file_digest

    record = root / "state/approvals" / f"{item}.json"
    data = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {
        "item": item, "approved_at": "2026-11-23T10:00:00-06:00", "merged_by": "test", "pull_request": None,
        "commit": "", "source": "test", "sealed": {}}
    data["sealed"][f"content/approved/{item}.md"] = file_digest(root / "content/approved" / f"{item}.md")
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repo]:
    """An empty postdesk repository (settings and the example photos, no submissions), committed."""
    made = make_repo(tmp_path / "repo")
    yield made
    made.git.close()  # GitPython keeps `git cat-file` processes open until closed


@pytest.fixture
def example_repo(repo: Repo) -> Repo:
    """The repository with the bundled example submissions, committed."""
    shutil.copytree(EXAMPLES / "submissions", repo.root / "content" / "submissions", dirs_exist_ok=True)
    repo.commit("Example submissions")
    return repo


@pytest.fixture
def check_one(repo: Repo) -> Callable[..., list[Any]]:
    """Write one submission and return its findings (checked as of TODAY)."""
    from postdesk.check import check_submissions

    def run(front: dict[str, Any] | str | None = None, body: str = "Bring school supplies to Capitol Plaza.",
            name: str = "2026-11-20-backpack-drive.md", today: dt.date = TODAY) -> list[Any]:
        rel = repo.submission(name, front, body)
        return list(check_submissions(repo.config, [rel], today=today).findings)

    return run


def rules(findings: list[Any]) -> list[str]:
    return sorted(f.rule for f in findings)


# --------------------------------------------------------------------------- the posting desk

ITEM = "2026-11-20-backpack-drive"
OTHER = "2026-11-18-foster-parent-info-night"
PLAN_AT = dt.datetime(2030, 7, 20, 8, 0)


class Networks:
    """The three fakes, running; ``env`` holds every credential and API address."""

    def __init__(self, clock=time.time) -> None:
        self.facebook, self.x, self.linkedin = FakeFacebook(), FakeX(clock=clock), FakeLinkedIn()

    def __enter__(self) -> Networks:
        for fake in self.all:
            fake.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for fake in self.all:
            fake.stop()

    @property
    def all(self) -> tuple:
        return self.facebook, self.x, self.linkedin

    @property
    def env(self) -> dict[str, str]:
        return {**self.facebook.env(), **self.x.env(), **self.linkedin.env()}

    @property
    def secrets(self) -> list[str]:
        names = ("FACEBOOK_PAGE_TOKEN", "X_API_KEY", "X_API_SECRET", "X_ACCESS_TOKEN", "X_ACCESS_TOKEN_SECRET",
                 "LINKEDIN_ACCESS_TOKEN")
        return [self.env[name] for name in names]

    def posted(self) -> dict[str, int]:
        return {"facebook": len(self.facebook.posts), "x": len(self.x.posts), "linkedin": len(self.linkedin.posts)}


@pytest.fixture
def networks() -> Iterator[Networks]:
    with Networks() as running:
        yield running


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory) -> tuple[Path, dict]:
    """Built once (approving runs the whole check, faces included): two examples approved and scheduled."""
    from postdesk.approve import approve
    from postdesk.schedule import QUEUE_FILE, schedule_repository

    from .test_approve import merge_examples

    made = make_repo(tmp_path_factory.mktemp("desk") / "repo")
    merge_examples(made, names={f"{ITEM}.md", f"{OTHER}.md"})
    assert approve(made.config, today=TODAY).ok
    plan, _items, text = schedule_repository(made.config, now=PLAN_AT.replace(tzinfo=made.config.tz))
    (made.root / QUEUE_FILE).write_text(text, encoding="utf-8")
    made.commit("Schedule")
    made.git.close()
    return made.root, {(slot.item, slot.channel): slot.at for slot in plan.slots}


@pytest.fixture
def desk(desk_template, tmp_path):
    """A copy of the template; ``desk.due`` is a moment when all its slots have come."""
    template, slots = desk_template
    shutil.copytree(template, tmp_path / "repo", symlinks=True)
    made = Repo(tmp_path / "repo")
    made.slots = dict(slots)
    made.due = max(slots.values()) + dt.timedelta(minutes=1)
    yield made
    made.git.close()


@pytest.fixture
def github_offline(monkeypatch):
    """For the GitHub API tests: retries happen at once, and no token or API address of the
    machine running the tests leaks in."""
    from postdesk import routing
    from postdesk.channels.base import RetryPolicy

    monkeypatch.setattr(routing, "RETRIES", RetryPolicy(attempts=2, sleep=lambda _seconds: None))
    for name in ("GH_TOKEN", "GITHUB_TOKEN", routing.API_URL_VARIABLE, "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_github(github_offline, monkeypatch):
    """A loopback fake of GitHub's API, with the environment a workflow would give postdesk to reach it."""
    from postdesk.fakes.github import FakeGitHub

    with FakeGitHub() as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        yield fake

