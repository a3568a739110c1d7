"""Where a photo is: the path a submission names, turned into a file that is provably
inside ``content/media`` and reached without symbolic links, and opened without following one."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..errors import MediaError, UnsafePathError


class MissingMediaError(MediaError):
    """The photo a submission names does not exist."""


class NotAFileError(MediaError):
    """The path exists but is a folder, device or other non-regular file."""


def safe_media_path(content_dir: Path, relative: str, *, media_dir: Path) -> Path:
    """Resolve ``relative`` (as written in a submission, relative to ``content_dir``).

    Returns the resolved path of a regular file inside ``media_dir``. Raises
    :class:`UnsafePathError` for absolute paths, ``..`` segments, paths outside
    ``media_dir`` and symlinks (the file, or any folder from ``media_dir`` down);
    :class:`MissingMediaError` when it does not exist; :class:`NotAFileError` when it
    is not a regular file.
    """
    example = "media/2026-11-20-backpacks.jpg"
    if not relative or relative.strip() != relative or "\x00" in relative:
        raise UnsafePathError(
            f"the media path {relative!r} is empty or has stray spaces or characters",
            hint=f"write it relative to content/, e.g. {example}",
            path=relative,
        )
    if "\\" in relative:
        raise UnsafePathError(
            "the media path uses backslashes",
            hint=f"use forward slashes, e.g. {example}",
            path=relative,
        )
    pure = PurePosixPath(relative)
    if pure.is_absolute():
        raise UnsafePathError(
            "the media path is absolute, so it could point anywhere on the computer",
            hint=f"write it relative to content/, e.g. {example}",
            path=relative,
        )
    if ".." in pure.parts:
        raise UnsafePathError(
            "the media path climbs out of its folder with '..'",
            hint=f"name the file directly, e.g. {example}",
            path=relative,
        )

    # Lexical checks first: nothing on disk is touched until the path is known to stay
    # inside media_dir, and symlinks are judged before anything resolves them.
    media_abs = _lexical_absolute(media_dir)
    candidate = _lexical_absolute(content_dir / pure)
    try:
        inside = candidate.relative_to(media_abs)
    except ValueError:
        raise UnsafePathError(
            f"the media path is outside the media folder ({media_abs.name}/)",
            hint=f"put the photo in the media folder and name it like {example}",
            path=relative,
        ) from None
    if not inside.parts:
        raise NotAFileError("the media path names the media folder itself", path=relative)

    _refuse_symlink(media_abs, relative, what="the media folder itself")
    current = media_abs
    for part in inside.parts:
        current = current / part
        _refuse_symlink(current, relative, what=f"'{current.relative_to(media_abs)}'")

    mode = _lstat(candidate, relative).st_mode
    if not stat.S_ISREG(mode):
        raise NotAFileError(
            "the media path is not a regular file",
            hint="point it at the photo itself, not a folder",
            path=relative,
        )
    # No component from the media folder down is a link (checked above), so the real
    # path is the media folder's real path plus the same parts; no second resolve needed.
    return _real_folder(str(media_abs)) / inside


@functools.lru_cache(maxsize=8)
def _real_folder(folder: str) -> Path:
    return Path(folder).resolve(strict=True)


def _lexical_absolute(path: Path) -> Path:
    # normpath, unlike resolve(), leaves symlinks in place so they can be refused.
    return Path(os.path.normpath(path.absolute()))


def _lstat(path: Path, shown: str) -> os.stat_result:
    try:
        return path.lstat()
    except FileNotFoundError:
        raise MissingMediaError(
            "the photo does not exist",
            hint="check the file name and that the photo is committed under content/media/",
            path=shown,
        ) from None
    except NotADirectoryError:
        raise MissingMediaError(
            "the photo does not exist (a folder in its path is a file)",
            hint="check the folders in the path",
            path=shown,
        ) from None
    except OSError as exc:
        raise MediaError(f"the photo cannot be read: {exc.strerror}", path=shown) from None


def _refuse_symlink(path: Path, shown: str, *, what: str) -> None:
    if stat.S_ISLNK(_lstat(path, shown).st_mode):
        raise UnsafePathError(
            f"{what} is a symbolic link, which could point outside the repository",
            hint="commit the photo itself into content/media/, not a link to it",
            path=shown,
        )


def regular_file_size(path: Path) -> int:
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise MissingMediaError("the photo does not exist", path=path) from None
    except OSError as exc:
        raise MediaError(f"the photo cannot be read: {exc.strerror}", path=path) from None
    if not stat.S_ISREG(info.st_mode):
        raise NotAFileError("this is not a regular file", path=path)
    return info.st_size


@contextlib.contextmanager
def open_no_follow(path: Path) -> Iterator[BinaryIO]:
    # O_NOFOLLOW closes the gap between checking for a symlink and opening the file.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise MissingMediaError("the photo does not exist", path=path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise UnsafePathError(
                "the photo is a symbolic link; postdesk only rewrites real files",
                hint="replace the link with the photo itself",
                path=path,
            ) from None
        raise MediaError(f"the photo cannot be opened: {exc.strerror}", path=path) from None
    with os.fdopen(fd, "rb") as fp:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFileError("this is not a regular file", path=path)
        yield fp
