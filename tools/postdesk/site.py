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
import io
import logging
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.readers import BaseReader
from pelican.writers import Writer

from .config import Config
from .model import Submission
from .parse import read_submission_file, submission_from_parsed
from .posttext import markdown_to_plain, markdown_to_safe_html

THEME_FOLDER = "theme"


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


class SelectiveWriter(Writer):  # type: ignore[misc]
    """Pelican's writer, told which pages to render: the rest are skipped before rendering.

    Pelican renders and rewrites every page on every build, even with its cache (its own
    WRITE_SELECTED setting was removed in 4.12). Feeds are always written.
    """

    def write_file(self, name: Any, template: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        selected = self.settings.get("POSTDESK_SELECTED")
        if selected and name and str((Path(self.output_path) / name).resolve()) not in selected:
            return None
        return super().write_file(name, template, context, *args, **kwargs)


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
            "date": self.process_metadata("date", written.isoformat()),
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
    from PIL import Image

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
        target = Path(output) / "media" / rendition.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(rendition, target)
        with Image.open(target) as img:
            width, height = img.size
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
                     preview_banner: str | None, full_site: bool, cache: Path | None = None,
                     write_selected: Sequence[str] = ()) -> dict[str, Any]:
    """Pelican's settings for a postdesk site; everything not needed is switched off."""
    pages = ["index", "categories", "archives"] if full_site else ["index"]
    return {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": str(config.root / THEME_FOLDER),
        "SITENAME": config.agency.name,
        "SITEURL": siteurl,
        "RELATIVE_URLS": relative_urls,
        "TIMEZONE": config.agency.timezone,
        "DEFAULT_LANG": "en",
        "PLUGINS": [],  # set explicitly: installed namespace plugins would otherwise load themselves
        "READERS": {"md": PostdeskReader, "markdown": None, "mkd": None, "mdown": None, "html": None,
                    "htm": None, "rst": None},
        "ARTICLE_PATHS": [""],
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
        "CACHE_CONTENT": cache is not None,
        "LOAD_CONTENT_CACHE": cache is not None,
        "CACHE_PATH": str(cache) if cache is not None else str(output / ".cache"),
        "CONTENT_CACHING_LAYER": "reader",
        "CHECK_MODIFIED_METHOD": "mtime",
        "POSTDESK_SELECTED": frozenset(write_selected or ()),
        "PREVIEW_BANNER": preview_banner,
        "AGENCY_HOTLINE": _hotline(config),
        "SITESUBTITLE": "News from the agency",
        "MENUITEMS": [],
    }


def _hotline(config: Config) -> str:
    phones = config.confidentiality.allowed_phones
    return phones[0] if phones else ""


def build_site(config: Config, items: Sequence[SiteItem], *, output: Path, siteurl: str = "",
               relative_urls: bool = True, preview_banner: str | None = None, full_site: bool = True,
               work: Path | None = None, write_selected: Sequence[str] = ()) -> None:
    """Build a Pelican site of exactly ``items`` into ``output``.

    Only ``items`` are copied into the content folder Pelican reads, so nothing else can
    be published. With ``work`` (a folder kept between builds) the content copies keep
    their modification times and Pelican's reader cache is used; ``write_selected``
    (absolute paths) limits the pages rendered and written (:class:`SelectiveWriter`).
    """
    if work is None:
        with tempfile.TemporaryDirectory(prefix="postdesk-site-") as scratch:
            _run_pelican(config, items, Path(scratch), output=output, siteurl=siteurl, relative_urls=relative_urls,
                         preview_banner=preview_banner, full_site=full_site, cache=False, write_selected=())
        return
    _run_pelican(config, items, work, output=output, siteurl=siteurl, relative_urls=relative_urls,
                 preview_banner=preview_banner, full_site=full_site, cache=True, write_selected=write_selected)


def _run_pelican(config: Config, items: Sequence[SiteItem], work: Path, *, output: Path, siteurl: str,
                 relative_urls: bool, preview_banner: str | None, full_site: bool, cache: bool,
                 write_selected: Sequence[str]) -> None:
    import pelican
    from pelican import signals
    from pelican.settings import read_settings

    content = work / "content"
    content.mkdir(parents=True, exist_ok=True)
    wanted = {item.file.name for item in items}
    for stale in content.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    registry: dict[str, SiteItem] = {}
    for item in items:
        copy = content / item.file.name
        source = item.file.stat()
        if not copy.exists() or copy.stat().st_mtime_ns != source.st_mtime_ns or copy.stat().st_size != source.st_size:
            shutil.copy2(item.file, copy)  # copy2 keeps the time Pelican's cache compares
        registry[str(copy.resolve())] = item
    settings = read_settings(override=pelican_settings(
        config, content=content, output=output, siteurl=siteurl, relative_urls=relative_urls,
        preview_banner=preview_banner, full_site=full_site, cache=work / "cache" if cache else None,
        write_selected=write_selected))
    settings["POSTDESK_ITEMS"] = registry
    settings["POSTDESK_ROOT"] = str(config.root)
    links = {Path(key).stem: list(item.network_posts) for key, item in registry.items()}

    def add_network_posts(generator: Any) -> None:
        # Not part of what the reader returns: the reader's output is cached by file, and a
        # post's links change when it is posted, not when its file changes.
        for article in generator.articles:
            article.network_posts = links.get(article.slug, [])

    def selective_writer(_pelican: Any) -> type:
        return SelectiveWriter

    signals.article_generator_finalized.connect(add_network_posts)
    signals.get_writer.connect(selective_writer)
    try:
        logging.getLogger("pelican").setLevel(logging.ERROR)
        # Pelican prints "Done: Processed ..." itself; postdesk reports in its own words.
        with contextlib.redirect_stdout(io.StringIO()):
            pelican.Pelican(settings).run()
    finally:
        signals.article_generator_finalized.disconnect(add_network_posts)
        signals.get_writer.disconnect(selective_writer)


# --------------------------------------------------------------------------- the public site


def public_items(config: Config, *, include_unposted: bool) -> list[SiteItem]:
    """The approved submissions the public may see: posted ones (with links to the network
    posts), or every approved one when the settings allow showing items before posting.

    Cheap on purpose (no file is parsed here): the reader parses, and Pelican caches it.
    """
    from .ledger import posted_links

    items = []
    for file in sorted(config.approved_dir.glob("*.md")):
        links = posted_links(config, file.stem)
        if not links and not include_unposted:
            continue
        items.append(SiteItem(file=file, network_posts=tuple({"network": network, "url": url}
                                                             for network, url in links.items())))
    return items


def build_public_site(config: Config, *, output: Path, include_unposted: bool, siteurl: str | None = None,
                      progress: Any = None) -> int:
    """Build the public site into ``output``; returns the number of posts on it.

    Incremental: a manifest in ``output`` remembers a fingerprint of every post (its file,
    its network links, the theme and the settings); only the pages of posts whose
    fingerprint changed are rendered, plus the few pages that list posts (home, archives,
    categories, feeds). Anything else changed (theme, settings, postdesk) rebuilds all.
    """
    import hashlib
    import json

    from . import __version__

    url = siteurl if siteurl is not None else config.agency.site_url
    items = public_items(config, include_unposted=include_unposted)
    _remove_stale_pages(output, {item.file.stem for item in items})
    manifest_file = output / ".postdesk-site.json"
    previous = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.is_file() else {}
    setup = hashlib.sha256(json.dumps([__version__, url, include_unposted, _tree_digest(config.root / THEME_FOLDER),
                                       config_fingerprint(config)]).encode()).hexdigest()
    posts: dict[str, str] = {}
    for index, item in enumerate(items):
        digest = hashlib.sha256(item.file.read_bytes())
        digest.update(json.dumps(item.network_posts, sort_keys=True).encode())
        posts[item.file.stem] = digest.hexdigest()
        if progress:
            progress(index + 1, len(items))
    full = previous.get("setup") != setup or not (output / "index.html").exists()
    work = config.root / ".cache" / "postdesk-site"
    if full:  # the reader also copies photos into the output: start its cache afresh
        shutil.rmtree(work / "cache", ignore_errors=True)
    selected: list[str] = []
    if not full:
        changed = [stem for stem, digest in posts.items() if previous.get("posts", {}).get(stem) != digest]
        listing = ["index.html", "archives.html", "categories.html", "feeds/all.atom.xml", "feeds/all.rss.xml"]
        listing += [str(p.relative_to(output)) for p in (output / "category").glob("*.html")]
        listing += [f"category/{_category_slug(item)}.html" for item in items if item.file.stem in changed]
        selected = [str((output / name).resolve()) for name in [*listing, *(f"{stem}.html" for stem in changed)]]
    build_site(config, items, output=output, siteurl=url, relative_urls=False, full_site=True,
               work=work, write_selected=selected)
    write_sitemap(output, url)
    manifest_file.write_text(json.dumps({"setup": setup, "posts": posts}, sort_keys=True), encoding="utf-8")
    return len(items)


def _category_slug(item: SiteItem) -> str:
    import re

    match = re.search(r"^category:\s*(\w+)", item.file.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1).lower() if match else ""


def _tree_digest(folder: Path) -> str:
    import hashlib

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

    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    base = siteurl.rstrip("/")
    urls = "".join(f"  <url><loc>{escape(f'{base}/{page}')}</loc></url>\n" for page in pages)
    (output / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                        f"{urls}</urlset>\n", encoding="utf-8")
