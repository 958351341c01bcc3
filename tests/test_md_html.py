"""Plugins' Markdown sections as HTML (src/integration_index/_reports/md_html.py): the structure
they use is kept, and nothing they write becomes a tag, an attribute or a link."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from integration_index._reports.md_html import markdown_to_html


def test_the_markdown_plugins_write_becomes_html() -> None:
    text = (
        "A key factor counts as **in place** at *75*: `3` of 13.\n\n"
        "| key factor | score |\n|---|---:|\n| 01 Public commitment | 87.5 |\n| a \\| b | 1 |\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> quoted\n> text\n\n### Heading"
    )
    assert markdown_to_html(text) == (
        "<p>A key factor counts as <strong>in place</strong> at <em>75</em>: <code>3</code> of 13.</p>"
        '<div class="table-wrap"><table class="sortable"><thead><tr>'
        '<th scope="col">key factor</th><th scope="col" class="num">score</th></tr></thead>'
        '<tbody><tr><td>01 Public commitment</td><td class="num">87.5</td></tr>'
        '<tr><td>a | b</td><td class="num">1</td></tr>'
        "</tbody></table></div>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>"
        "<blockquote><p>quoted text</p></blockquote><h6>Heading</h6>"
    )


def test_nothing_a_plugin_writes_becomes_markup() -> None:
    hostile = (
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) '
        "\\*not emphasis\\* &lt;b&gt; **<i>x</i>** \u202eevil"
    )
    out = markdown_to_html(hostile)
    assert "<script" not in out and "<img" not in out and "<a" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "onerror=&quot;alert(2)&quot;" in out
    assert 'click (<span class="url">javascript:alert(3</span>))' in out
    assert "*not emphasis*" in out and "<em>" not in out
    assert "&amp;lt;b&gt;" not in out and "&lt;b&gt;" in out  # an entity is read, then escaped
    assert "<strong>&lt;i&gt;x&lt;/i&gt;</strong>" in out
    assert "<bdi>" in out  # the bidi override is isolated


def test_text_that_looks_like_the_old_placeholder_is_text() -> None:
    """A NUL-digit-NUL sequence (the parser once used it internally) and escapes inside
    emphasis are text like any other: no crash, nothing altered."""
    assert markdown_to_html("x \x007\x00 y") == "<p>x \ufffd7\ufffd y</p>"
    assert markdown_to_html("a \\* b \x000\x00 c") == "<p>a * b \ufffd0\ufffd c</p>"
    assert markdown_to_html("**\\* x** \\_") == "<p><strong>* x</strong> _</p>"
    assert markdown_to_html("\\&amp;") == "<p>&amp;amp;</p>"  # escaped: shown as written


class _Visible(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(text)
        self.close()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


#: The characters md_html reads as syntax, each written with a backslash to mean itself.
_SYNTAX = "\\`*_[]{}()#+-.!|~<>&"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_becomes_html_without_error(text: str) -> None:  # (property)
    out = markdown_to_html(text)
    assert "<script" not in out.lower() and "\x00" not in out


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_escaped_text_round_trips_its_visible_characters(text: str) -> None:  # (property)
    """One line of text, its syntax characters escaped, shows exactly its characters."""
    escaped = "".join("\\" + ch if ch in _SYNTAX else ch for ch in text)
    visible = "".join(_Visible(markdown_to_html(escaped)).parts)
    assert visible == text.strip()
