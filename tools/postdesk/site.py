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


def _reader_class() -> type:
    from pelican.readers import BaseReader

    class PostdeskReader(BaseReader):  # type: ignore[misc]
        """Pelican reader for submission files: postdesk's parser, never Pelican's Markdown."""

        enabled = True
        file_extensions = ["md"]  # noqa: RUF012 - Pelican's reader contract is a class attribute list

        def read(self, filename: str) -> tuple[str, dict[str, Any]]:
            path = Path(filename)
            item: SiteItem = self.settings["POSTDESK_ITEMS"][str(path.resolve())]
            sub = item.submission or submission_from_parsed(read_submission_file(path, path.name))
            written = _date_of(path.name)
            metadata: dict[str, Any] = {
                "title": self.process_metadata("title", sub.title),
                "date": self.process_metadata("date", written.isoformat()),
                "category": self.process_metadata("category", sub.category.capitalize()),
                "slug": path.stem,
                "summary": _summary(sub.body),
                "photos": list(item.photos),
                "link": sub.link or "",
                "office": sub.office,
                "hashtags": list(sub.hashtags),
                "network_posts": list(item.network_posts),
                "event": ({"date": sub.event.date.isoformat(),
                           "time": sub.event.time.strftime("%H:%M") if sub.event.time else "",
                           "location": sub.event.location or ""} if sub.event else None),
            }
            metadata.update(item.extra)
            return markdown_to_safe_html(sub.body), metadata

    return PostdeskReader


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
        "READERS": {"md": _reader_class(), "markdown": None, "mkd": None, "mdown": None, "html": None,
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
        "DEFAULT_PAGINATION": 20,
        "DELETE_OUTPUT_DIRECTORY": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "PREVIEW_BANNER": preview_banner,
        "AGENCY_HOTLINE": _hotline(config),
        "SITESUBTITLE": "News from the agency",
        "MENUITEMS": [],
    }


def _hotline(config: Config) -> str:
    phones = config.confidentiality.allowed_phones
    return phones[0] if phones else ""


def build_site(config: Config, items: Sequence[SiteItem], *, output: Path, siteurl: str = "",
               relative_urls: bool = True, preview_banner: str | None = None, full_site: bool = True) -> None:
    """Build a Pelican site of exactly ``items`` into ``output`` (photos must already be there)."""
    import pelican
    from pelican.settings import read_settings

    with tempfile.TemporaryDirectory(prefix="postdesk-site-") as scratch:
        content = Path(scratch) / "content"
        content.mkdir()
        registry: dict[str, SiteItem] = {}
        for item in items:
            copy = content / item.file.name
            shutil.copyfile(item.file, copy)
            registry[str(copy.resolve())] = item
        settings = read_settings(override=pelican_settings(
            config, content=content, output=output, siteurl=siteurl, relative_urls=relative_urls,
            preview_banner=preview_banner, full_site=full_site))
        settings["POSTDESK_ITEMS"] = registry
        logging.getLogger("pelican").setLevel(logging.ERROR)
        # Pelican prints "Done: Processed ..." itself; postdesk reports in its own words.
        with contextlib.redirect_stdout(io.StringIO()):
            pelican.Pelican(settings).run()



# --------------------------------------------------------------------------- the public site


def public_items(config: Config, *, include_unposted: bool) -> list[SiteItem]:
    """The approved submissions the public may see: posted ones (with links to the network
    posts), or every approved one when the settings allow showing items before posting."""
    from .approve import rendition_path
    from .ledger import posted_links

    items = []
    for file in sorted(config.approved_dir.glob("*.md")):
        links = posted_links(config, file.stem)
        if not links and not include_unposted:
            continue
        parsed = read_submission_file(file, f"content/approved/{file.name}")
        sub = submission_from_parsed(parsed)
        photos = []
        for number, image in enumerate(sub.images, start=1):
            channel = "facebook" if "facebook" in sub.channels else sub.channels[0]
            rendition = config.root / rendition_path(file.stem, number, channel)
            if rendition.is_file():
                photos.append({"src": f"media/{rendition.name}", "alt": image.alt, "path": rendition})
        items.append(SiteItem(file=file, photos=tuple(photos), submission=sub,
                              network_posts=tuple({"network": network, "url": url} for network, url in links.items())))
    return items


def build_public_site(config: Config, *, output: Path, include_unposted: bool, siteurl: str | None = None,
                      progress: Any = None) -> int:
    """Build the public site into ``output``; returns the number of posts on it."""
    from PIL import Image

    items = public_items(config, include_unposted=include_unposted)
    _remove_stale_pages(output, {item.file.stem for item in items})
    media = output / "media"
    media.mkdir(parents=True, exist_ok=True)
    ready = []
    for index, item in enumerate(items):
        photos = []
        for photo in item.photos:
            target = media / Path(photo["src"]).name
            source = Path(photo["path"])
            if not target.exists() or target.stat().st_mtime_ns < source.stat().st_mtime_ns:
                shutil.copyfile(source, target)
            with Image.open(target) as img:
                width, height = img.size
            photos.append({"src": photo["src"], "alt": photo["alt"], "width": width, "height": height})
        ready.append(SiteItem(file=item.file, photos=tuple(photos), network_posts=item.network_posts,
                              submission=item.submission))
        if progress:
            progress(index + 1, len(items))
    build_site(config, ready, output=output, siteurl=siteurl if siteurl is not None else config.agency.site_url,
               relative_urls=False, full_site=True)
    write_sitemap(output, siteurl if siteurl is not None else config.agency.site_url)
    return len(ready)


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
