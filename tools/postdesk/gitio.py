"""Git at the edge: which files changed, and (later) moves and commits.

Listings use ``git diff --name-only`` through GitPython's command wrapper (about 5 ms
even for a thousand files, where GitPython's diff objects cost ~0.6 ms per file);
everything else uses GitPython's object model.
"""

from __future__ import annotations

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
    try:
        repo.git.rev_parse("--verify", "--quiet", f"{since}^{{commit}}")
    except git.GitCommandError:
        raise RepositoryError(f"Unknown revision '{since}'.",
                              hint="Pass a branch, tag or commit that exists, e.g. origin/main "
                                   "(in CI, fetch it first: actions/checkout with fetch-depth: 0).") from None
    try:
        diff = repo.git.diff("--name-only", "--no-renames", "-z", since, "--", under)
        untracked = repo.git.ls_files("--others", "--exclude-standard", "-z", "--", under)
    except git.GitCommandError as exc:
        raise RepositoryError(f"git failed: {exc.stderr.strip() or exc}") from None
    names = {name for name in (diff + "\0" + untracked).split("\0") if name}
    return sorted(names)


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


def commit_paths(root: Path, paths: list[str], message: str, *, push: bool = False) -> str:
    """Commit ``paths`` (only them) and optionally push, rebasing once if another run pushed first."""
    git = _git_module()
    with open_repo(root) as repo:
        repo.git.add("--", *paths)
        identity: list[str] = []
        try:
            repo.git.config("user.email")
        except git.GitCommandError:
            identity = ["-c", "user.name=postdesk", "-c", "user.email=postdesk@users.noreply"]
        repo.git.execute(["git", *identity, "commit", "-q", "--no-verify", "-m", message, "--", *paths])
        commit = str(repo.head.commit.hexsha)
        if push:
            for attempt in range(3):
                try:
                    repo.git.push("origin", "HEAD")
                    break
                except git.GitCommandError as exc:
                    if attempt == 2:
                        raise RepositoryError(f"git push failed: {exc.stderr.strip()}",
                                              hint="Run the command again.") from None
                    repo.git.pull("--rebase", "origin", repo.active_branch.name)
            commit = str(repo.head.commit.hexsha)
        return commit
