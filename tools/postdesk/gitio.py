"""Git at the edge: which files changed, and (later) moves and commits.

Listings use ``git diff --name-only`` through GitPython's command wrapper (about 5 ms
even for a thousand files, where GitPython's diff objects cost ~0.6 ms per file);
everything else uses GitPython's object model.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Any

from .errors import RepositoryError
from .files import is_temporary_name


@functools.cache
def _git_module() -> Any:
    import git  # ~0.1 s: only commands that touch git pay it

    return git


def open_repo(root: Path, *, writing: bool = False) -> Any:
    """The repository at ``root``; with ``writing``, refused while git's index lock is held."""
    git = _git_module()
    try:
        repo = git.Repo(root, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RepositoryError(f"{root} is not a git repository.",
                              hint="Run postdesk inside a clone of the postdesk repository.") from None
    if writing:
        lock = Path(repo.git_dir) / "index.lock"
        if lock.exists():
            repo.close()
            raise _index_locked(lock, root)
    return repo


def _index_locked(lock: Path, root: Path) -> RepositoryError:
    """Why git's index is locked, and what to do: wait for a live git, or delete a stale lock.

    git creates ``index.lock`` while it writes the index and deletes it when done; a git
    process that was killed (a cancelled workflow, a closed laptop) leaves it behind, and
    every later command that writes fails until someone deletes it. postdesk does not delete
    it itself: only a person can know that no other program is about to finish its work.
    """
    shown = lock.relative_to(root) if lock.is_relative_to(root) else lock
    if live_git_processes(root):
        return RepositoryError(f"Another git command is working in this repository ({shown} exists).",
                               hint="Wait for it to finish, then run postdesk again.")
    return RepositoryError(f"git's lock file {shown} was left behind by a git command that was stopped; "
                           "no git command is running in this repository now.",
                           hint=f"Delete it (rm {shown}) and run postdesk again. Nothing was changed by this run.")


def live_git_processes(root: Path) -> list[int]:
    """Process ids of git commands working in ``root`` (Linux's /proc; elsewhere, none are seen).

    ``git cat-file`` does not count: GitPython keeps it running for as long as a program has
    a repository open, and it only reads objects, so it never holds the index lock.
    """
    found: list[int] = []
    resolved = root.resolve()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if not (entry / "comm").read_text().strip().startswith("git"):
                continue
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = (entry / "cwd").resolve()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if b"cat-file" not in arguments and (cwd == resolved or resolved in cwd.parents):
            found.append(int(entry.name))
    return found


def changed_paths(root: Path, since: str, *, under: str = "content/") -> list[str]:
    """Paths under ``under`` that differ between ``since`` and the work tree, plus untracked ones.

    Renames count as an addition (``--no-renames``) so the new name is listed.
    Raises RepositoryError for an unknown revision.
    """
    git = _git_module()
    with open_repo(root) as repo:
        return _changed_paths(git, repo, since, under)


def _changed_paths(git: Any, repo: Any, since: str, under: str) -> list[str]:
    _verify_revision(git, repo, since)
    try:
        diff = repo.git.diff("--name-only", "--no-renames", "-z", since, "--", under)
        untracked = repo.git.ls_files("--others", "--exclude-standard", "-z", "--", under)
    except git.GitCommandError as exc:
        raise RepositoryError(f"git failed: {exc.stderr.strip() or exc}") from None
    names = {name for name in (diff + "\0" + untracked).split("\0") if name}
    return sorted(names)


def changes_since(root: Path, since: str) -> list[tuple[str, str, str]]:
    """Every path that differs between ``since`` and the work tree, with git's status letter and new mode.

    ``(status, path, mode)``: A, M, D or T (renames count as a deletion and an addition, so
    both sides are seen), and the file's mode in the work tree (``120000`` for a symbolic
    link, ``160000`` for a submodule, ``""`` when deleted). Untracked files under ``content/``
    count as added (a submission being written); elsewhere they are local output, not a change.
    Raises RepositoryError for an unknown revision.
    """
    git = _git_module()
    with open_repo(root) as repo:
        _verify_revision(git, repo, since)
        try:
            raw = repo.git.diff("--raw", "--no-renames", "-z", "--no-abbrev", since)
            untracked = repo.git.ls_files("--others", "--exclude-standard", "-z", "--", "content/")
        except git.GitCommandError as exc:
            raise RepositoryError(f"git failed: {exc.stderr.strip() or exc}") from None
    fields = raw.split("\0")
    changes = []
    # --raw -z: ":old_mode new_mode old_sha new_sha STATUS\0path\0" per change.
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(":"):
            continue
        _old_mode, new_mode, _old, _new, status = meta[1:].split(" ")
        changes.append((status[0], path, "" if status[0] == "D" else new_mode))
    for path in untracked.split("\0"):
        if path:
            mode = "120000" if (root / path).is_symlink() else "100644"
            changes.append(("A", path, mode))
    return sorted(set(changes), key=lambda change: change[1])


def _verify_revision(git: Any, repo: Any, since: str) -> None:
    try:
        repo.git.rev_parse("--verify", "--quiet", f"{since}^{{commit}}")
    except git.GitCommandError:
        raise RepositoryError(f"Unknown revision '{since}'.",
                              hint="Pass a branch, tag or commit that exists, e.g. origin/main "
                                   "(in CI, fetch it first: actions/checkout with fetch-depth: 0).") from None


def files_mentioning(root: Path, needles: list[str], *, under: str) -> list[str]:
    """Tracked or untracked files under ``under`` whose text contains any of ``needles``.

    ``git grep`` is C and multithreaded, so finding the submissions that use a changed
    photo does not read 10,000 files in Python.
    """
    if not needles:
        return []
    git = _git_module()
    args = ["-l", "-z", "--untracked", "--fixed-strings"]
    for needle in needles:
        args += ["-e", needle]
    try:
        with open_repo(root) as repo:
            out = repo.git.grep(*args, "--", under)
    except git.GitCommandError as exc:
        if exc.status == 1:  # git grep's "nothing found"
            return []
        raise RepositoryError(f"git grep failed: {exc.stderr.strip() or exc}") from None
    return sorted(name for name in out.split("\0") if name)


def read_file_at(root: Path, revision: str, path: str) -> str | None:
    """The text of ``path`` at ``revision`` (None when it does not exist there)."""
    git = _git_module()
    with open_repo(root) as repo:
        try:
            repo.git.rev_parse("--verify", "--quiet", f"{revision}^{{commit}}")
        except git.GitCommandError:
            raise RepositoryError(f"Unknown revision '{revision}'.",
                                  hint="Pass a branch, tag or commit that exists.") from None
        try:
            return str(repo.git.show(f"{revision}:{path}"))
        except git.GitCommandError:
            return None


def earlier_blobs(root: Path, since: str, under: str) -> list[tuple[str, str, bytes]]:
    """Every version of a file under ``under`` that a commit in ``since..HEAD`` wrote and that is
    not the version HEAD has: ``(commit, path, bytes)``, oldest first.

    A pull request's later commit can replace a photo, but a merge keeps every commit, so the
    first version stays in the repository's history: the check has to look at all of them.
    """
    git = _git_module()
    with open_repo(root) as repo:
        _verify_revision(git, repo, since)
        try:
            log = repo.git.log("--format=%x00%H", "--raw", "--no-renames", "--no-abbrev", "-z",
                               f"{since}..HEAD", "--", under)
        except git.GitCommandError as exc:
            raise RepositoryError(f"git log failed: {exc.stderr.strip() or exc}") from None
        current = {path: blob for path, blob in _tree_blobs(repo, under)}
        found: list[tuple[str, str, bytes]] = []
        seen: set[str] = set()
        for commit, path, blob in _raw_entries(log):
            if blob in seen or blob == "0" * 40 or current.get(path) == blob:
                continue
            seen.add(blob)
            found.append((commit, path, repo.odb.stream(bytes.fromhex(blob)).read()))
        return list(reversed(found))


def _tree_blobs(repo: Any, under: str) -> list[tuple[str, str]]:
    out = repo.git.ls_tree("-r", "-z", "HEAD", "--", under)
    entries = []
    for line in filter(None, out.split("\0")):
        meta, path = line.split("\t", 1)
        entries.append((path, meta.split()[2]))
    return entries


def _raw_entries(log: str) -> list[tuple[str, str, str]]:
    """(commit, path, new blob) from ``git log --raw -z --format=%x00%H`` output, newest first."""
    entries: list[tuple[str, str, str]] = []
    fields = log.split("\0")
    commit, index = "", 0
    while index < len(fields):
        field = fields[index].strip("\n")
        if len(field) == 40 and all(c in "0123456789abcdef" for c in field):
            commit, index = field, index + 1
        elif field.startswith(":"):
            new_blob = field.split()[3]
            entries.append((commit, fields[index + 1], new_blob))
            index += 2
        else:
            index += 1
    return entries


def committed_versions(root: Path, path: str) -> list[tuple[str, str | None]]:
    """Every committed version of ``path`` on the current branch, oldest first: ``(commit, text)``,
    text None where that commit deleted it. Empty when git never saw the file."""
    git = _git_module()
    with open_repo(root) as repo:
        try:
            commits = repo.git.log("--format=%H", "--full-history", "--reverse", "--", path).split()
        except git.GitCommandError:  # no commit yet
            return []
        versions: list[tuple[str, str | None]] = []
        for sha in commits:
            try:
                versions.append((sha, str(repo.git.show(f"{sha}:{path}"))))
            except git.GitCommandError:
                versions.append((sha, None))
        return versions


HIDDEN_FILES = ":(exclude,glob)**/.*"
"""Hidden files are never staged from the folders postdesk writes: every temporary file is
hidden (``.NAME.XXXX.tmp``), and nothing postdesk publishes is."""
"""A pathspec that leaves out every temporary sibling of an atomic write (see :mod:`postdesk.files`)."""


def stage_folders(repo: Any, folders: list[str]) -> None:
    """Stage every change under ``folders`` except temporary files, and take out of the index any
    temporary file git tracks (an older postdesk committed what a killed run left behind)."""
    if not folders:
        return
    repo.git.add("-A", "--", *folders, HIDDEN_FILES)
    tracked = repo.git.ls_files("-z", "--cached", "--", *[f":(glob){folder}/**/.*" for folder in folders])
    names = [name for name in tracked.split("\0") if name and is_temporary_name(name.rsplit("/", 1)[-1])]
    if names:
        repo.git.rm("--cached", "-q", "--ignore-unmatch", "--", *names)


def commit(repo: Any, message: str, *paths: str) -> str:
    """Commit what is staged (only ``paths`` when given) as postdesk when git has no identity."""
    git = _git_module()
    identity: list[str] = []
    try:
        repo.git.config("user.email")
    except git.GitCommandError:  # a fresh CI machine: commit as the tool
        identity = ["-c", "user.name=postdesk", "-c", "user.email=postdesk@users.noreply"]
    only = ["--", *paths] if paths else []
    repo.git.execute(["git", *identity, "commit", "-q", "--no-verify", "-m", message, *only])
    return str(repo.head.commit.hexsha)


def push(repo: Any, attempts: int = 3) -> str:
    """Push HEAD to origin; when another run pushed first, rebase onto it and try again.

    Only a push refused because the branch moved (another run pushed first) is retried; a
    push the remote refuses for any other reason (a protected branch, no permission, a
    hook) stops at once with the remote's own reason and the fix.
    """
    git = _git_module()
    for attempt in range(attempts):
        try:
            repo.git.push("origin", "HEAD")
            return str(repo.head.commit.hexsha)
        except git.GitCommandError as exc:
            stderr = str(exc.stderr or "").strip()
            if not _branch_moved(stderr):
                raise _push_refused(stderr) from None
            if attempt == attempts - 1:
                raise RepositoryError(f"git push failed: {_remote_words(stderr)}",
                                      hint="Other runs kept pushing first, and rebasing onto them did not help "
                                           f"{attempts} times; run again.") from None
            try:
                repo.git.pull("--rebase", "origin", repo.active_branch.name)
            except git.GitCommandError as conflict:
                # Another run changed the same file: leave the work tree as it was, stop, and say so.
                with contextlib.suppress(git.GitCommandError):
                    repo.git.rebase("--abort")
                raise RepositoryError(f"git pull --rebase failed: {conflict.stderr.strip()}",
                                      hint="Another run changed the same files at the same time; "
                                           "run again once it has finished.") from None
    raise AssertionError("unreachable")


_MOVED = ("non-fast-forward", "fetch first", "stale info", "cannot lock ref")


def _branch_moved(stderr: str) -> bool:
    """True when git refused the push only because the remote branch has commits this clone lacks."""
    return any(words in stderr for words in _MOVED) and "declined" not in stderr


def _push_refused(stderr: str) -> RepositoryError:
    """The remote's real reason, and the fix, for a push that no rebase will help."""
    said = _remote_words(stderr)
    lowered = stderr.lower()
    if "protected branch" in lowered or "gh006" in lowered or "gh013" in lowered or "ruleset" in lowered:
        hint = ("The branch is protected and this run's identity may not push to it. In the repository's "
                "ruleset for main, let the postdesk App (the identity the workflows push with) bypass it, as "
                "docs/go-live.md says (step 3), then run again. The commit is only in this run's clone.")
    elif "permission" in lowered or "403" in lowered or "denied" in lowered or "authentication" in lowered:
        hint = ("This run's token may not push here. Give the workflow 'contents: write' (or the App "
                "'Contents: read and write') and check the token has not expired, then run again.")
    elif "declined" in lowered or "hook" in lowered:
        hint = "A hook on the remote refused the push (its words are above); fix what it names and run again."
    else:
        hint = "Check that 'origin' is reachable and this run may push to it, then run again."
    return RepositoryError(f"git push was refused: {said}", hint=hint)


def _remote_words(stderr: str) -> str:
    """git's lines that say why, without progress noise, in one line."""
    lines = (line.strip().removeprefix("stderr: ").strip("'").strip() for line in stderr.splitlines())
    kept = [line.removeprefix("remote: ") for line in lines
            if line and line != "remote:" and not line.startswith(("To ", "hint:", "cmdline:"))]
    return " ".join(kept)[:500] or "no reason given"


def commit_paths(root: Path, paths: list[str], message: str, *, push_too: bool = False) -> str:
    """Commit ``paths`` (only them) and optionally push; with nothing changed, no commit (returns HEAD)."""
    with open_repo(root, writing=True) as repo:
        repo.git.add("--", *paths)
        if not repo.git.diff("--cached", "--name-only", "--", *paths):
            return str(repo.head.commit.hexsha)  # the files already say this: no empty commit
        made = commit(repo, message, *paths)
        return push(repo) if push_too else made


def file_names_at(root: Path, revision: str, folder: str) -> list[str]:
    """The names of the files directly in ``folder`` (repository-relative) at ``revision``; none when it has no such
    folder. Raises RepositoryError for an unknown revision."""
    git = _git_module()
    with open_repo(root) as repo:
        _verify_revision(git, repo, revision)
        try:
            listing = repo.git.ls_tree("--name-only", "-z", revision, "--", folder.rstrip("/") + "/")
        except git.GitCommandError as exc:
            raise RepositoryError(f"git failed: {exc.stderr.strip() or exc}") from None
    return sorted(Path(path).name for path in listing.split("\0") if path)
