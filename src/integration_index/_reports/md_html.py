"""The small part of Markdown that plugins' report sections use, as safe HTML.

A plugin's section body is Markdown by contract. The HTML reports show it as HTML built only
from the tags written here (paragraphs, lists, tables, quotes, headings, strong, em, code):
every piece of text is escaped, raw HTML in the Markdown is shown as text, and a link shows its
text and its address as text, never as a live link. No Markdown library is needed, and nothing a
plugin writes can add a tag, an attribute or a script.
"""

from __future__ import annotations

import html
import re

__all__ = ["markdown_to_html"]

_ESCAPED = re.compile(r"\\([\\`*_\[\]{}()#+\-.!|~<>&])")
_INLINE = re.compile(
    r"\*\*(?P<strong>.+?)\*\*|(?<![\w*])\*(?P<em>[^*\s][^*]*?)\*(?![\w*])"
    r"|`(?P<code>[^`]+)`|\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]*)\)"
)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_BULLET = re.compile(r"^\s*[-*+]\s")
_NUMBER = re.compile(r"^\s*\d{1,9}[.)]\s")


#: Unicode bidi controls: text holding one is isolated, so that it cannot reorder what follows.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _text(raw: str) -> str:
    """Literal Markdown text as escaped HTML: backslash escapes and entities read, then escaped
    (and isolated in ``<bdi>`` when it holds a bidi control; a NUL, which HTML does not allow,
    shown as U+FFFD as browsers do)."""
    text = html.escape(html.unescape(raw), quote=True).replace("\x00", "\ufffd")
    return f"<bdi>{text}</bdi>" if _BIDI.search(text) else text


def _literal(raw: str) -> str:
    """Text with backslash escapes: each escaped character shown as itself (escaped for HTML,
    never read as an entity), the rest as _text."""
    parts = _ESCAPED.split(raw)  # plain, escaped character, plain, ...
    return "".join(
        _text(part) if index % 2 == 0 else html.escape(part, quote=True)
        for index, part in enumerate(parts)
        if part
    )


def _mask(raw: str) -> str:
    """*raw* with each backslash escape replaced by two characters no inline syntax uses, so
    that an escaped character never starts emphasis, code or a link; the same length as *raw*,
    so that a match found in the mask has its text at the same place in *raw*."""
    return _ESCAPED.sub(lambda m: "\x00\x00", raw)


def _inline(raw: str) -> str:
    """One line of Markdown inline syntax as HTML.

    The syntax is matched in a mask of the line (escapes hidden) and every piece of text is
    taken from the line itself by position: nothing in the text can be mistaken for a marker.
    """
    out = []
    at = 0
    for match in _INLINE.finditer(_mask(raw)):
        out.append(_literal(raw[at : match.start()]))

        def group(name: str, match: re.Match[str] = match) -> str:
            return raw[match.start(name) : match.end(name)]

        if match.group("strong") is not None:
            out.append(f"<strong>{_inline(group('strong'))}</strong>")
        elif match.group("em") is not None:
            out.append(f"<em>{_inline(group('em'))}</em>")
        elif match.group("code") is not None:
            out.append(f"<code>{_literal(group('code'))}</code>")
        else:
            url = _literal(group("url"))
            out.append(f'{_inline(group("text"))} (<span class="url">{url}</span>)')
        at = match.end()
    out.append(_literal(raw[at:]))
    return "".join(out)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", body)]


def _table(lines: list[str]) -> str:
    header, rows = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    right = [rule.endswith(":") for rule in _cells(lines[1])]

    def cls(index: int) -> str:
        return ' class="num"' if index < len(right) and right[index] else ""

    head = "".join(f'<th scope="col"{cls(i)}>{_inline(c)}</th>' for i, c in enumerate(header))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_inline(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="table-wrap"><table class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _block(lines: list[str]) -> str:
    """One block (lines without a blank line between them) as HTML."""
    first = lines[0]
    if len(lines) >= 2 and first.lstrip().startswith("|") and _TABLE_RULE.match(lines[1].strip()):
        return _table(lines)
    if all(line.startswith("> ") or line == ">" for line in lines):
        return f"<blockquote>{_blocks([line[2:] for line in lines])}</blockquote>"
    heading = re.match(r"(#{1,6})\s+(.*)", first)
    if heading and len(lines) == 1:
        level = min(6, len(heading.group(1)) + 3)  # inside a report section: h4 and below
        return f"<h{level}>{_inline(heading.group(2))}</h{level}>"
    for tag, marker in (("ul", _BULLET), ("ol", _NUMBER)):
        if all(marker.match(line) for line in lines):
            items = "".join("<li>" + _inline(marker.sub("", line)) + "</li>" for line in lines)
            return f"<{tag}>{items}</{tag}>"
    return "<p>" + " ".join(_inline(line.strip()) for line in lines) + "</p>"


def _blocks(lines: list[str]) -> str:
    out, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            out.append(_block(current))
            current = []
    return "".join(out)


def markdown_to_html(text: str) -> str:
    """A plugin section's Markdown *text* as HTML made only of this module's tags, every piece of
    text escaped."""
    return _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
