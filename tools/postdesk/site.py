"""The public site and the site page in previews, built with Pelican and the project theme.

The only module that imports Pelican (about 0.2 s to import, so the checker never
does). Pelican reads submissions through :class:`PostdeskReader`, a small reader
contract built on postdesk's one parser, so the site shows exactly what was reviewed;
the body becomes HTML through :func:`postdesk.posttext.markdown_to_safe_html` (raw HTML
escaped, then an allow-list sanitizer).

Only the files handed to :func:`build_site` are published: the caller decides what is
public (approved and posted items), never Pelican's ``draft`` status, which still writes
pages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.readers import BaseReader
from pelican.utils import SafeDatetime

from .config import Config
from .errors import LedgerError, PostdeskError, RepositoryError
from .model import Finding, Submission
from .parse import read_submission_file, submission_from_parsed
from .posttext import markdown_to_plain, markdown_to_safe_html
from .seal import seal_problems

THEME_FOLDER = "theme"
CACHE_FOLDER = ".cache/postdesk-site"
"""Under the repository root: what Pelican read of each post, kept between builds."""
MANIFEST = ".postdesk-site.json"
"""In the output folder: the fingerprints of the posts and of the setup the pages were built from."""


@dataclass(frozen=True)
class SiteItem:
    """One submission to publish, with what the site shows besides its text."""

    file: Path
    """The submission file (in content/approved/ for the public site)."""
    photos: tuple[Mapping[str, Any], ...] = ()
    """{"src", "alt", "width", "height"} per photo, src relative to the site root."""
    network_posts: tuple[Mapping[str, str], ...] = ()
    """{"network", "url"} for every network it was posted on."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    submission: Submission | None = None
    """The submission already parsed by the caller (so the reader does not parse it twice)."""


class PostdeskReader(BaseReader):  # type: ignore[misc]
    """Pelican reader for submission files: postdesk's parser, never Pelican's Markdown."""

    enabled = True
    file_extensions = ["md"]  # noqa: RUF012 - Pelican's reader contract is a class attribute list

    def read(self, filename: str) -> tuple[str, dict[str, Any]]:
        path = Path(filename)
        item: SiteItem = self.settings["POSTDESK_ITEMS"][str(path.resolve())]
        sub = item.submission or submission_from_parsed(read_submission_file(path, path.name))
        photos = list(item.photos) if item.photos else _site_photos(self.settings, path.stem, sub)
        written = _date_of(path.name)
        metadata: dict[str, Any] = {
            "title": self.process_metadata("title", sub.title),
            # What Pelican's date processor makes of "YYYY-MM-DD", without its dateutil parse (~0.1 ms).
            "date": SafeDatetime(written.year, written.month, written.day),
            "category": self.process_metadata("category", sub.category.capitalize()),
            "slug": path.stem,
            "summary": _summary(sub.body),
            "photos": photos,
            "link": sub.link or "",
            "office": sub.office,
            "hashtags": list(sub.hashtags),
            "network_posts": [],  # filled in after reading (see build_site): the reader's output is cached
            "event": ({"date": sub.event.date.isoformat(),
                       "time": sub.event.time.strftime("%H:%M") if sub.event.time else "",
                       "location": sub.event.location or ""} if sub.event else None),
        }
        metadata.update(item.extra)
        return markdown_to_safe_html(sub.body), metadata


def _site_photos(settings: Mapping[str, Any], item: str, sub: Submission) -> list[dict[str, Any]]:
    """The site's copy of each photo (the Facebook-sized rendition), copied into the output."""
    from PIL import Image, UnidentifiedImageError

    from .approve import rendition_path

    root, output = settings.get("POSTDESK_ROOT"), settings["OUTPUT_PATH"]
    if not root:
        return []
    photos = []
    for number, image in enumerate(sub.images, start=1):
        channel = "facebook" if "facebook" in sub.channels else sub.channels[0]
        rendition = Path(root) / rendition_path(item, number, channel)
        if not rendition.is_file():
            continue
        try:
            with Image.open(rendition) as img:
                width, height = img.size
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            why = "it is damaged or not a photo" if isinstance(exc, UnidentifiedImageError) else str(exc)
            raise PostdeskError(f"photo {number} ({rendition.relative_to(root).as_posix()}) cannot be opened: {why}",
                                hint="Restore the photo from git history (git log -- the file), or send the post "
                                     "again as a new submission with a photo that opens.") from None
        target = Path(output) / "media" / rendition.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(rendition, target)
        photos.append({"src": f"media/{rendition.name}", "alt": image.alt, "width": width, "height": height})
    return photos


def _date_of(name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(name[:10])
    except ValueError:
        return dt.date(1970, 1, 1)


def _summary(body: str, limit: int = 240) -> str:
    from html import escape

    text = markdown_to_plain(body).replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return escape(text)


def pelican_settings(config: Config, *, content: Path, output: Path, siteurl: str, relative_urls: bool,
                     preview_banner: str | None, full_site: bool) -> dict[str, Any]:
    """Pelican's settings for a postdesk site; everything not needed is switched off."""
    from jinja2 import FileSystemBytecodeCache

    pages = ["index", "categories", "archives"] if full_site else ["index"]
    theme = theme_folder(config)
    templates = config.root / CACHE_FOLDER / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": str(theme),
        "SITENAME": config.agency.name,
        "SITEURL": siteurl,
        "RELATIVE_URLS": relative_urls,
        "TIMEZONE": config.agency.timezone,
        "DEFAULT_LANG": "en",
        "PLUGINS": [],  # set explicitly: installed namespace plugins would otherwise load themselves
        "READERS": {"md": PostdeskReader, "markdown": None, "mkd": None, "mdown": None, "html": None,
                    "htm": None, "rst": None},
        "ARTICLE_PATHS": [""],
        "FILENAME_METADATA": "",  # the reader gives the date (from the file name too)
        "PAGE_PATHS": [],
        "STATIC_PATHS": [],
        "ARTICLE_URL": "{slug}.html",
        "ARTICLE_SAVE_AS": "{slug}.html",
        "CATEGORY_URL": "category/{slug}.html",
        "CATEGORY_SAVE_AS": "category/{slug}.html" if full_site else "",
        "DIRECT_TEMPLATES": pages,
        # No author or tag pages: nobody browses by them, and a slug ending in a digit can
        # collide with a pagination page (tag4 page 2 = tag42.html).
        "AUTHOR_SAVE_AS": "", "AUTHORS_SAVE_AS": "", "TAG_SAVE_AS": "", "TAGS_SAVE_AS": "",
        "ARCHIVES_SAVE_AS": "archives.html" if full_site else "",
        "CATEGORIES_SAVE_AS": "categories.html" if full_site else "",
        "YEAR_ARCHIVE_SAVE_AS": "", "MONTH_ARCHIVE_SAVE_AS": "", "DAY_ARCHIVE_SAVE_AS": "",
        "DRAFT_SAVE_AS": "", "DRAFT_PAGE_SAVE_AS": "",
        "FEED_ALL_ATOM": "feeds/all.atom.xml" if full_site else None,
        "FEED_ALL_RSS": "feeds/all.rss.xml" if full_site else None,
        "FEED_ATOM": None, "FEED_RSS": None, "CATEGORY_FEED_ATOM": None, "CATEGORY_FEED_RSS": None,
        "TRANSLATION_FEED_ATOM": None, "AUTHOR_FEED_ATOM": None, "AUTHOR_FEED_RSS": None,
        # The public site lists the newest LIST_LIMIT posts on the home and category pages and
        # every post in the archives, instead of paginating newest-first: with pages, one new
        # post shifts every page; like this it changes a handful.
        "DEFAULT_PAGINATION": False if full_site else 20,
        "LIST_LIMIT": 20 if full_site else 0,
        "FEED_MAX_ITEMS": 50,
        "DELETE_OUTPUT_DIRECTORY": False,
        # Pelican's content cache is off: it skips only reading, and the public site keeps
        # its own records of what was read (postdesk.site_build).
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "CACHE_PATH": str(output / ".cache"),
        "PREVIEW_BANNER": preview_banner,
        "AGENCY_HOTLINE": _hotline(config),
        "SITESUBTITLE": "News from the agency",
        "MENUITEMS": [],
        # Pelican's Jinja options, plus a cache of the compiled templates (keyed by their
        # source): compiling the theme costs a rebuild ~0.15 s.
        "JINJA_ENVIRONMENT": {"trim_blocks": True, "lstrip_blocks": True, "extensions": [],
                              "bytecode_cache": FileSystemBytecodeCache(str(templates))},
    }


THEME_TEMPLATES = ("base.html", "index.html", "article.html", "category.html", "categories.html", "archives.html")
"""The theme's templates that Pelican renders (or that they extend): without one, no site can be built."""


def theme_folder(config: Config) -> Path:
    """The site's theme folder; a RepositoryError naming what is missing and how to restore it when it is incomplete.

    Without it Pelican fails deep in its settings or its templates; this says it first, in words.
    """
    theme = config.root / THEME_FOLDER
    missing = [f"{THEME_FOLDER}/templates/{name}" for name in THEME_TEMPLATES
               if not (theme / "templates" / name).is_file()]
    if not missing:
        return theme
    what = (f"The folder {THEME_FOLDER}/ (the site's templates and styles) is missing" if not theme.is_dir()
            else f"The site's theme is incomplete: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")
    raise RepositoryError(f"{what} from {config.root}, so the site cannot be built.",
                          hint=f"Restore it from git ('git checkout origin/main -- {THEME_FOLDER}', or "
                               f"'git checkout HEAD -- {THEME_FOLDER}' for local changes), or copy the {THEME_FOLDER}/ "
                               "folder of the postdesk project template into the repository and commit it.")


def _hotline(config: Config) -> str:
    phones = config.confidentiality.allowed_phones
    return phones[0] if phones else ""


def _read_settings(config: Config, registry: Mapping[str, SiteItem], **options: Any) -> dict[str, Any]:
    """Pelican's complete settings (its defaults plus :func:`pelican_settings`), with what the reader looks up."""
    from pelican.settings import read_settings

    settings: dict[str, Any] = read_settings(override=pelican_settings(config, **options))
    settings["POSTDESK_ITEMS"] = registry
    settings["POSTDESK_ROOT"] = str(config.root)
    return settings


def build_site(config: Config, items: Sequence[SiteItem], *, output: Path, siteurl: str = "",
               relative_urls: bool = True, preview_banner: str | None = None, full_site: bool = True) -> None:
    """Build a Pelican site of exactly ``items`` into ``output`` with Pelican's own run (the previews).

    Only ``items`` are copied into the content folder Pelican reads, so nothing else can
    be published. The public site is built by :func:`build_public_site`, incrementally.
    """
    import pelican
    from pelican import signals

    with tempfile.TemporaryDirectory(prefix="postdesk-site-") as scratch:
        content = Path(scratch) / "content"
        content.mkdir()
        registry: dict[str, SiteItem] = {}
        for item in items:
            copy = content / item.file.name
            shutil.copy2(item.file, copy)
            registry[str(copy.resolve())] = item
        settings = _read_settings(config, registry, content=content, output=output, siteurl=siteurl,
                                  relative_urls=relative_urls, preview_banner=preview_banner, full_site=full_site)
        links = {Path(key).stem: list(item.network_posts) for key, item in registry.items()}

        def add_network_posts(generator: Any) -> None:
            # Not part of what the reader returns: a post's links change when it is posted,
            # not when its file changes.
            for article in generator.articles:
                article.network_posts = links.get(article.slug, [])

        signals.article_generator_finalized.connect(add_network_posts)
        try:
            logging.getLogger("pelican").setLevel(logging.ERROR)
            # Pelican prints "Done: Processed ..." itself; postdesk reports in its own words.
            with contextlib.redirect_stdout(io.StringIO()):
                pelican.Pelican(settings).run()
        finally:
            signals.article_generator_finalized.disconnect(add_network_posts)


# --------------------------------------------------------------------------- the public site


def public_items(config: Config, *, include_unposted: bool) -> list[SiteItem]:
    """The approved submissions the public may see: posted ones (with links to the network
    posts), or every approved one when the settings allow showing items before posting.

    Cheap on purpose (no file is parsed here): the reader parses, and Pelican caches it.
    """
    return public_listing(config, include_unposted=include_unposted)[0]


def public_listing(config: Config, *, include_unposted: bool) -> tuple[list[SiteItem], list[Finding]]:
    """:func:`public_items`, and a finding for each approved file left off the site before reading:
    one not named like an approved post (an ``index.md`` would replace the home page), or one
    whose ledger cannot be read (whether, and where, it was posted is then unknown)."""
    from .approved import approved_files
    from .ledger import LEDGER, ledger_path, posted_links

    ledger = config.root / LEDGER
    with_ledger = {file.stem for file in ledger.iterdir()} if ledger.is_dir() else set()
    files, left_off = approved_files(config)
    items = []
    for file in files:
        # Listed once: asking the ledger about each of 5,000 posts costs ~0.2 s.
        try:
            links = posted_links(config, file.stem) if file.stem in with_ledger else {}
        except LedgerError as exc:
            left_off.append(Finding(ledger_path(file.stem), "ledger.unreadable", exc.message,
                                    f"{exc.hint} Until then {file.stem} is left off the site."))
            continue
        if not links and not include_unposted:
            continue
        items.append(SiteItem(file=file, network_posts=tuple({"network": network, "url": url}
                                                             for network, url in links.items())))
    return items, left_off


@dataclass(frozen=True)
class SiteResult:
    """What a build published: ``posts`` on the site; the items ``refused`` because their
    files no longer match their approval record (item -> the problems); and the approved
    files ``left_off`` for problems of their own (a name that is not an item's, front matter
    or a photo that cannot be read, an unreadable ledger), each a finding naming the file."""

    posts: int
    refused: Mapping[str, list[str]] = field(default_factory=dict)
    left_off: tuple[Finding, ...] = ()


def build_public_site(config: Config, *, output: Path, include_unposted: bool, siteurl: str | None = None,
                      progress: Any = None) -> SiteResult:
    """Build the public site into ``output``; returns the number of posts on it and what was refused.

    Every item's files are verified against its approval record (:mod:`postdesk.seal`) when
    they are read; an item that fails is left off the site and reported, the others are built.
    So is an approved file that cannot be used (see :class:`SiteResult`): one bad post never
    stops the site.

    Incremental: a manifest in ``output`` remembers a fingerprint of every post (its file
    and its network links) and of the setup (theme, settings, postdesk); the records of
    what Pelican read are kept in ``.cache/postdesk-site/``. A rebuild reads only the posts
    whose fingerprint changed and renders only their pages, plus the pages that list posts
    (home, archives, categories, feeds). Anything else changed (theme, settings, postdesk,
    the set of categories in the menu) reads and renders everything.
    """
    from .site_build import load_records, read_records, render_site, save_records

    theme_folder(config)  # before anything is read or written
    url = siteurl if siteurl is not None else config.agency.site_url
    items, left_off = public_listing(config, include_unposted=include_unposted)
    manifest = _read_manifest(output)
    setup = _setup_digest(config, url, include_unposted)
    posts, files = _fingerprints(items, manifest.get("files", {}), progress)
    full = manifest.get("setup") != setup or not (output / "index.html").exists()
    # One cache per output folder: what a folder holds (photos copied by the reader) is its own.
    folder_key = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    cache = config.root / CACHE_FOLDER / f"records-{folder_key}.pickle"
    # A full build reads every post again: the reader also copies the photos into ``output``.
    saved = {} if full else load_records(cache, setup)
    unread = [item for item in items if saved.get(item.file.stem, ("",))[0] != posts[item.file.stem]]
    # The seal is verified for what is read now: an unchanged post (same fingerprint) was
    # verified when it was first read, and any change to its files changes its fingerprint.
    refused = {item.file.stem: problems for item in unread if (problems := seal_problems(config, item.file.stem))}
    # Pelican insists on an existing content folder, even when there is nothing to read.
    content = config.approved_dir if config.approved_dir.is_dir() else config.root
    settings = _read_settings(config, {str(item.file.resolve()): item for item in unread},
                              content=content, output=output, siteurl=url, relative_urls=False,
                              preview_banner=None, full_site=True)
    fresh, failed = read_records(settings, [item.file for item in unread if item.file.stem not in refused])
    left_off += _read_failures(config, failed)
    dropped = refused.keys() | failed.keys()
    if dropped:
        items = [item for item in items if item.file.stem not in dropped]
        posts = {stem: digest for stem, digest in posts.items() if stem not in dropped}
    _remove_stale_pages(output, {item.file.stem for item in items})
    records = {**saved, **{stem: (posts[stem], record) for stem, record in fresh.items()}}
    shown = []
    for item in items:
        if item.file.stem in records:
            record = records[item.file.stem][1]
            record.network_posts = [dict(link) for link in item.network_posts]
            shown.append(record)
    categories = sorted({record.category_name for record in shown})
    selected = None if full or manifest.get("categories") != categories else _pages_to_render(
        settings, shown, changed={stem for stem, digest in posts.items() if manifest["posts"].get(stem) != digest})
    render_site(settings, shown, selected=selected)
    if fresh or saved.keys() != posts.keys():
        save_records(cache, setup, {stem: records[stem] for stem in posts if stem in records})
    write_sitemap(output, url)
    (output / MANIFEST).write_text(json.dumps({"setup": setup, "posts": posts, "files": files,
                                               "categories": categories}, sort_keys=True), encoding="utf-8")
    return SiteResult(len(items), refused, tuple(sorted(left_off, key=lambda finding: finding.path)))


def _read_failures(config: Config, failed: Mapping[str, tuple[str, str]]) -> list[Finding]:
    """A finding per post the reader failed on: the checks' own findings when its front matter
    no longer passes, else what the reader said."""
    from .approved import read_item

    findings: list[Finding] = []
    for stem, (message, hint) in sorted(failed.items()):
        file = config.approved_dir / f"{stem}.md"
        _sub, why = read_item(config, file)
        findings += why or [Finding(file.relative_to(config.root).as_posix(), "site.unreadable",
                                    f"It cannot be shown on the site: {message}.",
                                    hint or "This is a fault in postdesk, not in the post: report it with this "
                                            "message. The other posts were published.")]
    return findings


def _read_manifest(output: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest.get("posts"), dict) else {}


def _setup_digest(config: Config, url: str, include_unposted: bool) -> str:
    """Everything besides the posts that shapes every page: when it changes, everything is rebuilt."""
    from . import __version__
    from .site_build import RECORD_FORMAT

    return hashlib.sha256(json.dumps([__version__, RECORD_FORMAT, url, include_unposted,
                                      _tree_digest(config.root / THEME_FOLDER),
                                      config_fingerprint(config)]).encode()).hexdigest()


def _fingerprints(items: Sequence[SiteItem], known: Mapping[str, Any], progress: Any,
                  ) -> tuple[dict[str, str], dict[str, list[Any]]]:
    """A digest per post of what its page shows: its file and its links to the network posts;
    and per file its [modification time, size, digest].

    A file whose time and size are those the last build saw (``known``) is not read
    again (as Pelican's own cache decides); a fresh checkout changes every time, and then
    every file is read and hashed.
    """
    posts: dict[str, str] = {}
    files: dict[str, list[Any]] = {}
    for index, item in enumerate(items):
        stem, stat = item.file.stem, item.file.stat()
        seen = known.get(stem)
        if isinstance(seen, list) and seen[:2] == [stat.st_mtime_ns, stat.st_size]:
            files[stem] = seen
        else:
            files[stem] = [stat.st_mtime_ns, stat.st_size, hashlib.sha256(item.file.read_bytes()).hexdigest()]
        links = json.dumps(item.network_posts, sort_keys=True)
        posts[stem] = hashlib.sha256(f"{files[stem][2]}\n{links}".encode()).hexdigest()
        if progress:
            progress(index + 1, len(items))
    return posts, files


def _pages_to_render(settings: Mapping[str, Any], records: Sequence[Any], *, changed: set[str]) -> set[str]:
    """Output names to render in a rebuild: the pages of changed posts (or missing ones), and
    every page that lists posts. The feeds are always written."""
    from pelican.urlwrappers import Category

    output = Path(settings["OUTPUT_PATH"])
    pages = {"index.html", "archives.html", "categories.html"}
    pages |= {Category(name, settings).save_as for name in {record.category_name for record in records}}
    pages |= {record.save_as for record in records if record.slug in changed or not (output / record.save_as).exists()}
    return pages


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def config_fingerprint(config: Config) -> str:
    from .config import config_as_toml

    return config_as_toml(config).split("\n", 1)[1]


def _remove_stale_pages(output: Path, keep: set[str]) -> None:
    """A post that is no longer public (withdrawn, or the flag turned off) must not linger."""
    if not output.is_dir():
        return
    for page in output.glob("*.html"):
        if page.stem not in keep and page.stem not in ("index", "archives", "categories") \
                and not page.stem.startswith("index"):
            page.unlink()
    media = output / "media"
    if media.is_dir():
        for photo in media.iterdir():
            if not any(photo.name.startswith(f"{stem}-") for stem in keep):
                photo.unlink()


def write_sitemap(output: Path, siteurl: str) -> None:
    """sitemap.xml listing every page of the site (search engines find posts without the index)."""
    from xml.sax.saxutils import escape

    pages = sorted(Path(folder, name).relative_to(output).as_posix()
                   for folder, _, names in os.walk(output) for name in names if name.endswith(".html"))
    base = siteurl.rstrip("/")
    urls = "".join(f"  <url><loc>{escape(f'{base}/{page}')}</loc></url>\n" for page in pages)
    (output / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                        f"{urls}</urlset>\n", encoding="utf-8")
