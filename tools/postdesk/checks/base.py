"""What every check receives (:class:`CheckContext`) and the shape of a check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..config import Config
from ..model import Finding, Submission
from ..parse import ParsedFile


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may look at: the parsed file, the typed submission (submission checks
    only), the settings and the day to judge dates against."""

    parsed: ParsedFile
    config: Config
    today: dt.date
    submission: Submission | None = None

    @property
    def path(self) -> str:
        return self.parsed.path

    @property
    def data(self) -> dict[str, object]:
        assert self.parsed.data is not None
        return self.parsed.data

    @property
    def sub(self) -> Submission:
        assert self.submission is not None, "submission checks run only on typed submissions"
        return self.submission


Check = Callable[[CheckContext], Iterable[Finding]]


def value_at(data: Mapping[str, object], path: tuple[str, ...]) -> object:
    """The front matter's value at ``path`` (``("event", "date")``), or None where it has none."""
    value: object = data
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
