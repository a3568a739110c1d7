"""The public site's build: Pelican's own run, fed with posts read once and remembered.

Pelican reads every post and rewrites every page on every build, even with its content
cache on. Here postdesk drives Pelican's pieces itself, in Pelican's two phases:

* **context**: each post is read by Pelican's :class:`~pelican.readers.Readers` with
  postdesk's reader into a Pelican ``Article``, and kept as a :class:`PostRecord` (what
  the theme and the feeds read of it: URL, dates, summary, HTML...). Records are saved
  between builds, so a rebuild reads only new and changed posts. Reading is spread over
  the processor cores (forked workers) when there are many posts. A post that cannot be
  read is left out and returned with the reason, for the caller to report.
* **output**: Pelican's ``Pelican.run`` with :class:`RecordArticlesGenerator` (Pelican's
  ``ArticlesGenerator``, handed the records instead of reading files) and
  :class:`SelectiveWriter` (Pelican's ``Writer``, told which pages to render). Article
  pages are rendered in forked workers too when there are many.

The templates, the Jinja environment, the settings, the ordering, the paginator and the
feeds are Pelican's, so a page comes out byte for byte as Pelican alone would write it
(``tests/test_site.py`` compares the two).
"""

from __future__ import annotations

import contextlib
import io
import logging
import multiprocessing
import os
import pickle
import traceback
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from pelican import Pelican
from pelican.contents import Article, Category
from pelican.generators import ArticlesGenerator
from pelican.plugins import signals
from pelican.readers import Readers
from pelican.utils import order_content
from pelican.writers import Writer

from .errors import PostdeskError

PARALLEL_MIN = 400
"""Below this many posts to read or pages to render, one process: forking costs more than it saves."""

RECORD_FORMAT = 1
"""Bump when :class:`PostRecord` changes, so records saved by an older postdesk are not reused."""

_NOT_RECORDED = frozenset({"settings", "_context", "metadata", "translations", "_content", "_summary",
                           "category", "author", "authors", "tags"})
"""Article attributes a record does not copy: Pelican's plumbing, and the URL wrappers
(they hold the settings; the category is re-attached by name when the site is built)."""

T = TypeVar("T")
R = TypeVar("R")


class PostRecord:
    """One post as Pelican's ``Article`` showed it to the templates and the feeds.

    A plain object with the article's attributes, its computed ones (``url``,
    ``save_as``, ``status``, ``summary``, ``content``) already evaluated, and the
    category by name: cheap to keep between builds, cheap to list 5,000 times (Pelican
    formats an article's URL from its metadata at every ``article.url``).
    """

    category: Category
    category_name: str
    slug: str
    save_as: str
    content: str

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self.__dict__.update(fields)

    def get_content(self, siteurl: str) -> str:
        """The HTML, as Pelican's ``Content.get_content`` (the feeds call it); made for the site's SITEURL."""
        del siteurl
        return self.content

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for attached in ("category", "translations"):
            state.pop(attached, None)
        return state


def record_of(article: Article, siteurl: str) -> PostRecord:
    """The record of a Pelican article, read for the site at ``siteurl``."""
    fields = {key: value for key, value in vars(article).items() if key not in _NOT_RECORDED}
    fields.update(url=article.url, save_as=article.save_as, status=article.status, summary=article.summary,
                  content=article.get_content(siteurl), category_name=str(article.category))
    return PostRecord(fields)


# --------------------------------------------------------------------------- context: reading posts


def read_records(settings: Mapping[str, Any], files: Sequence[Path],
                 ) -> tuple[dict[str, PostRecord], dict[str, tuple[str, str]]]:
    """Read ``files`` (in ``settings["PATH"]``) with Pelican's readers: the records by file stem,
    and for each file that could not be read, by stem, what went wrong and how to fix it.

    One bad post never stops the site: it is left out, the caller reports it, and it is
    read again on the next build.
    """
    chunks = _split(files, _workers() if len(files) >= PARALLEL_MIN else 1)
    records: dict[str, PostRecord] = {}
    failed: dict[str, tuple[str, str]] = {}
    for chunk_records, chunk_failed in fork_map(lambda part: _read_chunk(settings, part), chunks):
        records.update(chunk_records)
        failed.update(chunk_failed)
    return records, failed


def _read_chunk(settings: Mapping[str, Any], files: Sequence[Path],
                ) -> tuple[dict[str, PostRecord], dict[str, tuple[str, str]]]:
    readers = Readers(dict(settings))
    context = _pelican_context(settings)
    base = str(settings["PATH"])
    records, failed = {}, {}
    for file in files:
        try:
            article = readers.read_file(base_path=base, path=str(file), content_class=Article, context=context)
            if not article.is_valid():
                failed[file.stem] = ("Pelican found it incomplete (no title or no date)", "")
                continue
            article.refresh_metadata_intersite_links()
            records[file.stem] = record_of(article, str(settings["SITEURL"]))
        except PostdeskError as exc:  # the reader's own words: what is wrong and how to fix it
            failed[file.stem] = (exc.message, exc.hint)
        except Exception as exc:  # anything else in this one post: reported by the caller, never a traceback
            failed[file.stem] = (f"{type(exc).__name__}: {exc}", "")
    return records, failed


def _pelican_context(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The shared context ``Pelican.run`` starts from."""
    context = dict(settings)
    context.update(generated_content={}, static_links=set(), static_content={}, localsiteurl=settings["SITEURL"])
    return context


def load_records(file: Path, setup: str) -> dict[str, tuple[str, PostRecord]]:
    """Records saved by the last build with the same ``setup`` (theme, settings, version), by stem,
    each with the fingerprint of the post it was read from; nothing if there are none."""
    try:
        with file.open("rb") as stream:
            saved = pickle.load(stream)  # postdesk's own cache (save_records)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}
    if not isinstance(saved, dict) or saved.get("setup") != (RECORD_FORMAT, setup):
        return {}
    records: dict[str, tuple[str, PostRecord]] = saved["records"]
    return records


def save_records(file: Path, setup: str, records: Mapping[str, tuple[str, PostRecord]]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_suffix(".tmp")
    with partial.open("wb") as stream:
        pickle.dump({"setup": (RECORD_FORMAT, setup), "records": dict(records)}, stream,
                    protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(file)  # never a half-written cache


# --------------------------------------------------------------------------- output: Pelican's run


class RecordArticlesGenerator(ArticlesGenerator):  # type: ignore[misc]
    """Pelican's ``ArticlesGenerator``, handed its articles (``settings["POSTDESK_RECORDS"]``)
    instead of reading files; the grouping, ordering and output are Pelican's."""

    def generate_context(self) -> None:
        records: Sequence[PostRecord] = self.settings["POSTDESK_RECORDS"]
        categories: dict[str, Category] = {}
        by_status: dict[str, list[PostRecord]] = defaultdict(list)
        for record in records:
            record.category = categories.setdefault(record.category_name,
                                                    Category(record.category_name, self.settings))
            record.translations = []
            by_status[record.status].append(record)
            self.context["generated_content"][record.relative_source_path] = record
        # Pelican's process_translations sorts by slug and pairs translations (posts with the
        # same slug): slugs are file names here, so there are none, and its quadratic pairing
        # is skipped.
        order = self.settings["ARTICLE_ORDER_BY"]
        self.articles = order_content(sorted(by_status["published"], key=attrgetter("slug")), order)
        self.hidden_articles = order_content(sorted(by_status["hidden"], key=attrgetter("slug")), order)
        self.drafts = order_content(sorted(by_status["draft"], key=attrgetter("slug")), order)
        signals.article_generator_pretaxonomy.send(self)
        grouped: dict[Category, list[PostRecord]] = defaultdict(list)
        for article in self.articles:
            grouped[article.category].append(article)
        self.dates = sorted(self.articles, key=attrgetter("date"), reverse=self.context["NEWEST_FIRST_ARCHIVES"])
        self.period_archives = self._build_period_archives(self.dates, self.articles, self.settings)
        self.categories = sorted(grouped.items(), reverse=self.settings["REVERSE_CATEGORY_ORDER"])
        self.authors = []
        self._update_context(("articles", "drafts", "hidden_articles", "dates", "tags", "categories", "authors",
                              "related_posts"))
        self.context["period_archives"] = self.period_archives
        signals.article_generator_finalized.send(self)

    def generate_articles(self, write: Callable[..., Any]) -> None:
        """Pelican's loop over the articles, split between forked workers when many pages are to be rendered."""
        selected: Collection[str] | None = self.settings.get("POSTDESK_SELECTED")
        pages = [article for article in chain(self.articles, self.hidden_articles)
                 if selected is None or article.save_as in selected]
        workers = _workers() if len(pages) >= PARALLEL_MIN else 1
        fork_map(lambda part: self._write_articles(write, part), _split(pages, workers))

    def _write_articles(self, write: Callable[..., Any], articles: Iterable[PostRecord]) -> None:
        for article in articles:
            signals.article_generator_write_article.send(self, content=article)
            write(article.save_as, self.get_template(article.template), self.context, article=article,
                  category=article.category, override_output=hasattr(article, "override_save_as"),
                  url=article.url, blog=True)

    def generate_categories(self, write: Callable[..., Any]) -> None:
        """Pelican's category pages, with each category's ``dates`` picked in one pass
        (Pelican tests every date against the category's list: quadratic)."""
        template = self.get_template("category")
        for category, articles in self.categories:
            members = {id(article) for article in articles}
            write(category.save_as, template, self.context, url=category.url, category=category,
                  articles=articles, dates=[a for a in self.dates if id(a) in members], template_name="category",
                  blog=True, page_name=category.page_name, all_articles=self.articles)


class SelectiveWriter(Writer):  # type: ignore[misc]
    """Pelican's writer, told which pages to render (``settings["POSTDESK_SELECTED"]``, output
    names; ``None`` for all): the rest are skipped before rendering. Feeds are always written.

    Pelican renders and rewrites every page on every build, even with its cache (its own
    WRITE_SELECTED setting was removed in 4.12).
    """

    def write_file(self, name: Any, template: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        selected = self.settings.get("POSTDESK_SELECTED")
        if selected is not None and name and name not in selected:
            return None
        return super().write_file(name, template, context, *args, **kwargs)


class RecordPelican(Pelican):  # type: ignore[misc]
    """``Pelican.run`` as it is, with the record-fed articles generator and the selective writer."""

    def _get_generator_classes(self) -> list[type]:
        classes = super()._get_generator_classes()
        return [RecordArticlesGenerator if cls is ArticlesGenerator else cls for cls in classes]

    def _get_writer(self) -> Writer:
        return SelectiveWriter(self.output_path, settings=self.settings)


def render_site(settings: dict[str, Any], records: Sequence[PostRecord], *, selected: Collection[str] | None,
                ) -> None:
    """Write the site of ``records``: every page, or only ``selected`` (output names) and the feeds."""
    settings = {**settings, "POSTDESK_RECORDS": list(records),
                "POSTDESK_SELECTED": frozenset(selected) if selected is not None else None}
    logging.getLogger("pelican").setLevel(logging.ERROR)
    # Pelican prints "Done: Processed ..." itself; postdesk reports in its own words.
    with contextlib.redirect_stdout(io.StringIO()):
        RecordPelican(settings).run()


# --------------------------------------------------------------------------- using the cores


def _workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _split(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    size = -(-len(items) // max(parts, 1)) or 1
    return [items[start:start + size] for start in range(0, len(items), size)] or [items]


def fork_map(function: Callable[[T], R], chunks: Sequence[T]) -> list[R]:
    """``function(chunk)`` for each chunk: the first in this process, the others in forked children.

    Forked, so the children share this process's memory (settings, templates, records)
    without pickling them; only results come back, through a pipe. Where fork is not
    available, everything runs here, one chunk after the other.
    """
    if len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(chunk) for chunk in chunks]
    fork = multiprocessing.get_context("fork")
    children = []
    finished = False
    try:
        for chunk in chunks[1:]:
            receiver, sender = fork.Pipe(duplex=False)
            child = fork.Process(target=_run_child, args=(function, chunk, sender), daemon=True)
            child.start()
            sender.close()
            children.append((child, receiver))
        results = [function(chunks[0])]
        for _child, receiver in children:
            try:
                succeeded, value = receiver.recv()
            except EOFError:
                succeeded, value = False, "the worker process stopped without an answer"
            if not succeeded:
                raise PostdeskError(f"Building the site failed in a worker process:\n{value}")
            results.append(value)
        finished = True
        return results
    finally:
        for child, receiver in children:
            receiver.close()
            if not finished:  # this process failed: the others' work is of no use
                child.terminate()
            child.join()


def _run_child(function: Callable[[Any], Any], chunk: Any, sender: Any) -> None:
    try:
        result = (True, function(chunk))
    except BaseException:  # reported to the parent, which raises
        result = (False, traceback.format_exc())
    sender.send(result)
    sender.close()
