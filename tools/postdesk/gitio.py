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


@functools.cache
def _git_module() -> Any:
    import git  # ~0.1 s: only commands that touch git pay it

    return git


def open_repo(root: Path) -> Any:
    git = _git_module()
    try:
        return git.Repo(root, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RepositoryError(f"{root} is not a git repository.",
                              hint="Run postdesk inside a clone of the postdesk repository.") from None


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
    """Push HEAD to origin; when another run pushed first, rebase onto it and try again."""
    git = _git_module()
    for attempt in range(attempts):
        try:
            repo.git.push("origin", "HEAD")
            return str(repo.head.commit.hexsha)
        except git.GitCommandError as exc:
            if attempt == attempts - 1:
                raise RepositoryError(f"git push failed: {exc.stderr.strip()}",
                                      hint="Another run pushed first and rebasing did not help; run again.") from None
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


def commit_paths(root: Path, paths: list[str], message: str, *, push_too: bool = False) -> str:
    """Commit ``paths`` (only them) and optionally push; with nothing changed, no commit (returns HEAD)."""
    with open_repo(root) as repo:
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
