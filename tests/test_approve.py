"""`postdesk approve` in a real git repository: merge, approve, idempotency, a run killed halfway."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from PIL import Image

from postdesk import approve as approve_module
from postdesk.approve import approve, rendition_path
from postdesk.cli import main

from .conftest import EXAMPLES, TODAY, valid_front


def merge_examples(repo, names=None):
    """Open a branch with example submissions and merge it into main, like a merged pull request."""
    repo.git.git.checkout("-b", "suggest-posts")
    for file in sorted((EXAMPLES / "submissions").glob("*.md")):
        if names is None or file.name in names:
            shutil.copy(file, repo.root / "content/submissions" / file.name)
    repo.commit("Suggest posts")
    repo.git.git.checkout("main")
    repo.git.git.merge("--no-ff", "suggest-posts", "-m", "Merge pull request #12 from agency/suggest-posts")


def tree_state(repo):
    files = {}
    for path in sorted(repo.root.rglob("*")):
        if ".git" in path.parts or not path.is_file():
            continue
        files[str(path.relative_to(repo.root))] = path.read_bytes()
    return files


def test_approve_moves_scrubs_records_and_commits_once(repo):
    merge_examples(repo)
    before = {p.name: p.read_bytes() for p in (repo.root / "content/submissions").glob("*.md")}
    head = repo.git.head.commit.hexsha
    result = approve(repo.config, today=TODAY)
    assert result.ok and len(result.approved) == 5
    assert repo.git.head.commit.parents[0].hexsha == head  # exactly one new commit
    assert repo.git.head.commit.message.startswith("Approve 5 submissions")
    assert not repo.git.is_dirty(untracked_files=True)
    assert [p.name for p in (repo.root / "content/submissions").glob("*.md")] == []
    for name, data in before.items():
        assert (repo.root / "content/approved" / name).read_bytes() == data  # staff text byte for byte
    record = json.loads((repo.root / "state/approvals/2026-11-20-backpack-drive.json").read_text())
    assert record["pull_request"] == 12 and record["source"] == "git" and record["merged_by"] == "Test Author"
    rendition = repo.root / rendition_path("2026-11-20-backpack-drive", 1, "x")
    with Image.open(rendition) as img:
        assert img.size[0] <= 1600 and img.size[1] <= 900 and not img.getexif()


def test_a_photo_with_metadata_is_not_approved(repo):
    # The check refuses it on the pull request (its original would stay in main's history even
    # after a rewrite); merged anyway, approve refuses it too and leaves everything as it was.
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: not location, but metadata all the same
    Image.new("RGB", (400, 300), (10, 200, 30)).save(repo.root / "content/media/with-exif.jpg", exif=exif.tobytes())
    original = (repo.root / "content/media/with-exif.jpg").read_bytes()
    front = valid_front(images=[{"file": "media/with-exif.jpg", "alt": "A green field", "people": "none"}])
    repo.submission(front=front)
    repo.commit("merged")
    result = approve(repo.config, today=TODAY)
    assert result.approved == [] and result.commit is None
    assert [f.rule for f in result.refused[0].findings] == ["images.metadata"]
    assert (repo.root / "content/media/with-exif.jpg").read_bytes() == original


def test_approve_scrubs_photos_when_the_policy_lets_metadata_through(repo):
    # A second line behind the check: an agency that rates images.metadata a warning still
    # publishes nothing but the picture.
    settings = repo.root / "postdesk.toml"
    text = settings.read_text(encoding="utf-8")
    assert "\nseverity = {}" in text
    settings.write_text(text.replace("\nseverity = {}", '\nseverity = { "images.metadata" = "warning" }'),
                        encoding="utf-8")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (400, 300), (10, 200, 30)).save(repo.root / "content/media/with-exif.jpg", exif=exif.tobytes())
    front = valid_front(images=[{"file": "media/with-exif.jpg", "alt": "A green field", "people": "none"}])
    repo.submission(front=front)
    repo.commit("merged")
    assert approve(repo.config, today=TODAY).ok
    with Image.open(repo.root / "content/media/with-exif.jpg") as img:
        assert not img.getexif()


TEMPORARY_LEFTOVERS = ("content/media/.2026-11-20-backpacks.jpg.k3j9x_2a.tmp",
                       "content/media/renditions/.2026-11-20-backpack-drive-1-x.jpg.q8w7e6r5.tmp",
                       "state/approvals/.2026-11-20-backpack-drive.json.tmp",
                       "content/media/renditions/.rendition-k3j9x_2a.jpg")  # an older postdesk's name


def committed_files(repo) -> list[str]:
    return repo.git.git.ls_tree("-r", "--name-only", "HEAD").splitlines()


def test_temporary_files_a_killed_run_left_are_removed_and_never_committed(repo):
    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})
    for leftover in TEMPORARY_LEFTOVERS:  # what SIGKILL in the middle of an atomic write leaves
        repo.write(leftover, b"half a photo")
    result = approve(repo.config, today=TODAY)
    assert result.approved == ["2026-11-20-backpack-drive"]
    assert not {*TEMPORARY_LEFTOVERS} & set(committed_files(repo))
    assert not [name for name in TEMPORARY_LEFTOVERS if (repo.root / name).exists()]
    assert not repo.git.is_dirty(untracked_files=True)


def test_temporary_files_an_older_version_committed_are_taken_out(repo):
    leftover = TEMPORARY_LEFTOVERS[0]
    repo.write(leftover, b"half a photo")
    repo.commit("Approve 1 submission (an older postdesk committed its temp file)")
    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})
    approve(repo.config, today=TODAY)
    assert leftover not in committed_files(repo)
    assert not (repo.root / leftover).exists()
    assert not repo.git.is_dirty(untracked_files=True)


def test_a_temporary_file_that_appears_during_the_run_is_not_committed(repo, monkeypatch):
    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})
    real = approve_module._prepare_photos
    stray = repo.root / "content/media/renditions/.stray.jpg.abcd1234.tmp"

    def prepare_and_leave_a_temp_file(*args, **kwargs):
        real(*args, **kwargs)
        stray.write_bytes(b"another writer, mid-write")

    monkeypatch.setattr(approve_module, "_prepare_photos", prepare_and_leave_a_temp_file)
    result = approve(repo.config, today=TODAY)
    assert result.commit is not None
    assert stray.relative_to(repo.root).as_posix() not in committed_files(repo)
    assert rendition_path("2026-11-20-backpack-drive", 1, "x") in committed_files(repo)


def test_a_second_run_makes_no_commit(repo):
    merge_examples(repo)
    approve(repo.config, today=TODAY)
    head = repo.git.head.commit.hexsha
    result = approve(repo.config, today=TODAY)
    assert result.approved == [] and result.commit is None
    assert repo.git.head.commit.hexsha == head
    assert not repo.git.is_dirty(untracked_files=True)


def test_a_failing_submission_stays_and_the_run_fails(repo):
    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})
    repo.submission("2026-11-21-broken.md", front=valid_front(category="evnt"))
    repo.commit("admin override")
    result = approve(repo.config, today=TODAY)
    assert result.approved == ["2026-11-20-backpack-drive"]
    assert [f.path for f in result.refused] == ["content/submissions/2026-11-21-broken.md"]
    assert (repo.root / "content/submissions/2026-11-21-broken.md").exists()
    out = io.StringIO()
    assert main(["--repo", str(repo.root), "approve", "--today", "2026-11-23"], stdout=out,
                stderr=io.StringIO()) == 1
    assert "schema.choice" in out.getvalue() and "Not approved" in out.getvalue()


@pytest.mark.parametrize("crash_in", ["_prepare_photos", "_write_record", "_move", "_commit"])
def test_a_run_killed_halfway_is_finished_by_the_next(repo, tmp_path, monkeypatch, crash_in):
    merge_examples(repo)
    reference = tmp_path / "reference"
    shutil.copytree(repo.root, reference)
    calls = {"n": 0}
    real = getattr(approve_module, crash_in)

    def dies_on_the_third_call(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3 or crash_in == "_commit":
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(approve_module, crash_in, dies_on_the_third_call)
    with pytest.raises(KeyboardInterrupt):
        approve(repo.config, today=TODAY)
    monkeypatch.setattr(approve_module, crash_in, real)
    result = approve(repo.config, today=TODAY)
    assert result.commit is not None
    assert not repo.git.is_dirty(untracked_files=True)
    # Same files, same bytes as an uninterrupted run (the approval times aside).
    from postdesk.config import load_config

    clean = approve(load_config(reference), today=TODAY)
    assert clean.commit is not None
    interrupted, uninterrupted = tree_state(repo), tree_state(_Plain(reference))
    assert interrupted.keys() == uninterrupted.keys()
    for name in interrupted:
        if not name.startswith("state/approvals/"):
            assert interrupted[name] == uninterrupted[name], name
    assert len(list((repo.root / "content/approved").glob("*.md"))) == 5


class _Plain:
    def __init__(self, root):
        self.root = root


def test_github_event_payload_names_who_merged(repo, tmp_path, monkeypatch):
    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})
    event = {"pusher": {"name": "comms-lead"},
             "head_commit": {"timestamp": "2026-11-23T15:04:05-06:00",
                             "message": "Backpack drive (#41)"}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    assert main(["--repo", str(repo.root), "approve", "--today", "2026-11-23"], stdout=io.StringIO(),
                stderr=io.StringIO()) == 0
    record = json.loads((repo.root / "state/approvals/2026-11-20-backpack-drive.json").read_text())
    assert record == {**record, "merged_by": "comms-lead", "pull_request": 41, "source": "github-event",
                      "approved_at": "2026-11-23T15:04:05-06:00"}


def test_push_to_a_remote(repo, tmp_path):
    remote = tmp_path / "remote.git"
    import git

    git.Repo.init(remote, bare=True, initial_branch="main").close()
    repo.git.git.remote("add", "origin", str(remote))
    repo.git.git.push("origin", "main")
    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})
    result = approve(repo.config, today=TODAY, push=True)
    assert result.pushed
    with git.Repo(remote) as bare:
        assert bare.head.commit.hexsha == repo.git.head.commit.hexsha


def test_schedule_and_queue_commands(repo, tmp_path):
    merge_examples(repo)
    approve(repo.config, today=TODAY)
    out = io.StringIO()
    assert main(["--repo", str(repo.root), "schedule", "--now", "2030-07-20T08:00", "--commit"], stdout=out,
                stderr=io.StringIO()) == 0
    assert "slots planned" in out.getvalue()
    assert "waiting: 2026-11-10-holiday-office-hours" in out.getvalue()  # its December embargo is beyond the horizon
    assert "NOT PLACED" not in out.getvalue()
    queue = json.loads((repo.root / "state/queue.json").read_text(encoding="utf-8"))
    assert {slot["item"] for slot in queue["slots"]} >= {"2026-11-20-backpack-drive"}
    assert not repo.git.is_dirty(untracked_files=True)
    head = repo.git.head.commit.hexsha
    again = io.StringIO()
    main(["--repo", str(repo.root), "schedule", "--now", "2030-07-20T08:00", "--commit"], stdout=again,
         stderr=io.StringIO())
    assert "(unchanged)" in again.getvalue() and repo.git.head.commit.hexsha == head  # re-running changes nothing
    table = io.StringIO()
    ics = tmp_path / "queue.ics"
    assert main(["--repo", str(repo.root), "queue", "--now", "2030-07-20T08:00", "--ics", str(ics)],
                stdout=table, stderr=io.StringIO()) == 0
    assert "Back-to-School Backpack Drive" in table.getvalue()
    assert b"BEGIN:VCALENDAR" in ics.read_bytes()


def test_schedule_warns_as_workflow_annotations_on_github(repo, monkeypatch):
    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})
    approve(repo.config, today=TODAY)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out = io.StringIO()
    # Its deadline is 8 August; at 16:30 that day the last window has no slot left.
    main(["--repo", str(repo.root), "schedule", "--now", "2030-08-08T16:30"], stdout=out, stderr=io.StringIO())
    assert "::warning title=postdesk schedule::AT RISK: 2026-11-20-backpack-drive on" in out.getvalue()
