"""The exact text that goes out on each network: Markdown rendered to plain text.

The checker counts this text, the preview shows it and the channel adapters post
it, so all three agree by construction.

How Markdown becomes a post (social networks show plain text):

* paragraphs and headings are separated by a blank line; a line break inside a
  paragraph becomes a space (Markdown's meaning), a hard break (two spaces or ``\\``)
  a new line;
* ``**bold**``, ``*italic*`` and ``code`` lose their markers;
* ``[words](https://…)`` becomes ``words (https://…)``; a bare or auto link stays;
* list items become lines starting with ``•`` (or ``1.`` for numbered lists);
* raw HTML tags and Markdown images are dropped (photos are attached via ``images:``);
* then the ``link`` is added on its own paragraph unless the text already contains
  it, and the hashtags not already in the text as a last line ``#One #Two``.

A ``text:`` override for a network replaces the body on that network, and is
rendered the same way.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from .model import Submission


@functools.cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # html enabled so that tags are recognised as tags (and dropped), not posted as text.
    return MarkdownIt("commonmark", {"html": True, "linkify": False})


# Anything Markdown could read as syntax: punctuation with a meaning, entities, escapes,
# and lines that start a list, quote, heading, code block or setext underline.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>!#&~|]|^[ \t]*(?:[-+=>]|\d+[.)])|^(?: {4}|\t)| {2,}$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n[ \t\n]*")


@functools.lru_cache(maxsize=64)
def markdown_to_plain(markdown: str) -> str:
    """Render Markdown to the plain text a social network shows (see module docstring).

    Cached: the body is rendered once for all the networks that share it. Text with no
    Markdown syntax at all (most short overrides, many bodies) skips the parser: it means
    the same in Markdown as in plain text, so only paragraphs and soft breaks apply.
    """
    if not _MARKDOWN_SYNTAX.search(markdown):
        paragraphs = _BLANK_LINES.split(markdown.strip())
        return "\n\n".join(" ".join(line.strip() for line in p.split("\n")) for p in paragraphs).strip()
    return _render(markdown)


def _render(markdown: str) -> str:
    tokens = _markdown().parse(markdown)
    blocks: list[str] = []
    current: list[str] = []
    list_stack: list[list[int | None]] = []  # [next number or None for bullets]
    prefix = ""
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            list_stack.append([int(start) if start else 1] if kind == "ordered_list_open" else [None])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
            if not list_stack and current:
                blocks.append("\n".join(current))
                current = []
        elif kind == "list_item_open":
            marker = list_stack[-1][0]
            indent = "  " * (len(list_stack) - 1)
            if marker is None:
                prefix = f"{indent}• "
            else:
                prefix = f"{indent}{marker}. "
                list_stack[-1][0] = marker + 1
        elif kind == "inline":
            text = _inline_text(token.children or [])
            if list_stack:
                current.append(prefix + text)
                prefix = ""
            elif text:
                blocks.append(text)
        elif kind in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    if current:
        blocks.append("\n".join(current))
    return "\n\n".join(b for b in blocks if b.strip()).strip()


def _inline_text(children: list[Any]) -> str:
    out: list[str] = []
    link_stack: list[tuple[str, int]] = []
    for child in children:
        kind = child.type
        if kind in ("image", "html_inline"):
            continue
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "link_open":
            link_stack.append((str(child.attrGet("href") or ""), len(out)))
        elif kind == "link_close" and link_stack:
            href, start = link_stack.pop()
            words = "".join(out[start:])
            if href and words.strip() != href and words.strip() != href.removeprefix("mailto:"):
                out.append(f" ({href})")
    return "".join(out).strip()


def post_text(submission: Submission, channel: str) -> str:
    """The text that will be posted on ``channel``, NFC-normalised."""
    source = submission.text.get(channel, submission.body)
    text = markdown_to_plain(source)
    if submission.link and submission.link not in text:
        text = f"{text}\n\n{submission.link}" if text else submission.link
    missing_tags = [f"#{tag}" for tag in submission.hashtags if not _has_hashtag(text, tag)]
    if missing_tags:
        tags = " ".join(missing_tags)
        text = f"{text}\n\n{tags}" if text else tags
    return unicodedata.normalize("NFC", text)


def text_source_line(submission: Submission, channel: str) -> int:
    """The line a person should edit to change the text on ``channel``."""
    if channel in submission.text:
        return submission.line_of(f"text.{channel}", submission.body_line)
    return submission.body_line


def _has_hashtag(text: str, tag: str) -> bool:
    needle = f"#{tag}".lower()
    lowered = text.lower()
    start = lowered.find(needle)
    while start != -1:
        end = start + len(needle)
        if end == len(lowered) or not (lowered[end].isalnum() or lowered[end] == "_"):
            return True
        start = lowered.find(needle, end)
    return False


@functools.cache
def _html_markdown() -> Any:
    from markdown_it import MarkdownIt

    # Raw HTML off: a tag in a submission is shown as text, never interpreted; links with
    # javascript:/data: are refused by markdown-it's own link validation.
    return MarkdownIt("commonmark", {"html": False, "linkify": False})


SAFE_TAGS = frozenset({"p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote", "code", "pre",
                       "h2", "h3", "h4", "hr"})


def markdown_to_safe_html(markdown: str) -> str:
    """The body as HTML for the site and previews, sanitized with an allow-list (nh3).

    Defence in depth: raw HTML is already escaped by the Markdown renderer; nh3 then
    keeps only :data:`SAFE_TAGS`, only http(s)/mailto links, and adds rel="noopener
    noreferrer nofollow" to every link. Headings start at h2: the page title is the h1.
    """
    import nh3

    html = _html_markdown().render(markdown)
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(html, tags=set(SAFE_TAGS), attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")
