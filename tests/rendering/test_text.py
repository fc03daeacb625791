from __future__ import annotations

import pytest

from bot.rendering.text import (
    cut,
    escape_mrkdwn,
    format_value,
    html_to_mrkdwn,
    html_to_text,
    neutralize_broadcasts,
    safe_link_target,
    utf16_length,
)
from bot.scp import Field, FieldKind

from .conftest import CREATED_MS


def field(kind: FieldKind) -> Field:
    return Field("f", "F", kind)


def test_escape_only_three_characters() -> None:
    assert escape_mrkdwn('a & <b> "c" \'d\'') == "a &amp; &lt;b&gt; \"c\" 'd'"


def test_escape_ampersand_first() -> None:
    assert escape_mrkdwn("&lt;") == "&amp;lt;"


def test_cut_short_text_unchanged() -> None:
    assert cut("short", 10) == "short"


def test_cut_ends_with_ellipsis() -> None:
    result = cut("abcdefghij", 5)
    assert result == "abcd…"
    assert len(result) == 5


def test_cut_never_splits_entity() -> None:
    escaped = escape_mrkdwn("aaa&bbb")  # aaa&amp;bbb
    for limit in range(4, 9):
        result = cut(escaped, limit)
        assert "&" not in result or "&amp;" in result, result
        assert utf16_length(result) <= limit


def test_cut_never_splits_token() -> None:
    text = "see <https://example.com/long/path|the label> and more"
    for limit in range(5, len(text)):
        result = cut(text, limit)
        assert result.count("<") == result.count(">"), result


def test_cut_counts_utf16_units() -> None:
    result = cut("🎉" * 10, 7)
    assert utf16_length(result) <= 7
    assert result.endswith("…")


def test_cut_with_suffix() -> None:
    result = cut("x" * 100, 50, " (cut)")
    assert result.endswith(" (cut)")
    assert len(result) == 50


def test_neutralize_broadcasts_keeps_mentions() -> None:
    result = neutralize_broadcasts("<@U1> <!channel> <!here> <!subteam^S1> <!date^1^{time}|x>")
    assert "<@U1>" in result
    assert "<!channel>" not in result
    assert "<!here>" not in result
    assert "<!subteam" not in result
    assert "<!date^1^{time}|x>" in result


def test_html_bold_italic_strike() -> None:
    result = html_to_mrkdwn("<p><b>bold</b> <i>it</i> <s>gone</s> <strong>x</strong></p>")
    assert result == "*bold* _it_ ~gone~ *x*"


def test_html_lists() -> None:
    result = html_to_mrkdwn("<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>")
    assert "• one" in result
    assert "• two" in result
    assert "1. first" in result


def test_html_link_encoded_and_label_escaped() -> None:
    result = html_to_mrkdwn('<a href="https://x.com/a b?c=1&d=2">A|B <i>&gt;</i></a>')
    assert result == "<https://x.com/a%20b?c=1&d=2|A¦B _&gt;_>"


def test_html_link_with_bad_scheme_keeps_label() -> None:
    assert html_to_mrkdwn('<a href="javascript:alert(1)">click</a>') == "click"


def test_html_script_and_style_dropped() -> None:
    result = html_to_mrkdwn("<p>a</p><script>alert(1)</script><style>p{}</style>")
    assert result == "a"


def test_html_entities_decoded_then_escaped() -> None:
    assert html_to_mrkdwn("<p>&lt;!channel&gt; &amp; &quot;q&quot;</p>") == (
        '&lt;!channel&gt; &amp; "q"'
    )


def test_html_typed_broadcast_is_literal() -> None:
    result = html_to_mrkdwn("<div>hello <!channel> and <!here></div>")
    assert result == "hello &lt;!channel&gt; and &lt;!here&gt;"


def test_html_code_is_escaped() -> None:
    assert html_to_mrkdwn("<p><code>a&lt;b &amp; c</code></p>") == "`a&lt;b &amp; c`"


def test_plain_description_keeps_lines() -> None:
    assert html_to_mrkdwn("line 1\nline 2 & <!channel>") == "line 1\nline 2 &amp; &lt;!channel&gt;"


def test_plain_description_entities_decoded_once() -> None:
    assert html_to_mrkdwn("Tom &amp; Jerry") == "Tom &amp; Jerry"
    assert html_to_mrkdwn("a &lt;b&gt; &quot;c&quot; &#60;!here&#62;") == (
        "a &lt;b&gt; \"c\" &lt;!here&gt;"
    )
    assert html_to_mrkdwn("AT&T\n&amp;lt;") == "AT&amp;T\n&amp;lt;"


def test_plain_description_to_text_decoded() -> None:
    assert html_to_text("  Tom &amp; Jerry &lt;3  ") == "Tom & Jerry <3"
    assert html_to_text("AT&T") == "AT&T"


def test_html_to_text_is_unescaped() -> None:
    result = html_to_text('<p>a &amp; b</p><ul><li>x</li></ul><a href="https://e.com">e</a>')
    assert "a & b" in result
    assert "• x" in result
    assert "e (https://e.com)" in result


def test_safe_link_target_entity_like_ampersand() -> None:
    assert safe_link_target("https://x.com/?a=1&lt;b") == "https://x.com/?a=1%26lt;b"


def test_safe_link_target_rejects_other_schemes() -> None:
    assert safe_link_target("ftp://x.com") is None
    assert safe_link_target("data:text/html,hi") is None


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (FieldKind.SINGLE_LINE, "a <b> & c", "a &lt;b&gt; &amp; c"),
        (FieldKind.MULTI_LINE, "x\ny", "x\ny"),
        (FieldKind.PHONE, "+1 555", "+1 555"),
        (FieldKind.HTML, "<b>x</b>", "*x*"),
        (FieldKind.PICK_LIST, {"name": "Novel", "id": "1"}, "Novel"),
        (FieldKind.LOOKUP, {"name": "A & B"}, "A &amp; B"),
        (FieldKind.MULTI_SELECT, [{"name": "a"}, {"name": "b"}], "a, b"),
        (FieldKind.INTEGER, "12", "12"),
        (FieldKind.DECIMAL, "10.50", "10.50"),
        (FieldKind.CURRENCY, "99.00", "99.00"),
        (FieldKind.PERCENTAGE, "12.5", "12.5%"),
        (FieldKind.BOOLEAN, True, "Yes"),
        (FieldKind.BOOLEAN, "false", "No"),
        (FieldKind.EMAIL, "a@b.com", "<mailto:a@b.com|a@b.com>"),
        (FieldKind.EMAIL, "not <an> email", "not &lt;an&gt; email"),
        (FieldKind.URL, "https://x.com/p?q=1", "<https://x.com/p?q=1|https://x.com/p?q=1>"),
        (FieldKind.URL, "https://x.com/a b", "https://x.com/a b"),
        (FieldKind.URL, "javascript:alert(1)", "javascript:alert(1)"),
        (FieldKind.URL, "https://x.com/|<!channel>", "https://x.com/|&lt;!channel&gt;"),
    ],
)
def test_format_value_by_kind(kind: FieldKind, value: object, expected: str) -> None:
    assert format_value(field(kind), value) == expected


def test_format_date() -> None:
    value = {"value": str(CREATED_MS), "display_value": "17/04/2023"}
    assert format_value(field(FieldKind.DATE), value) == (
        "<!date^1681729003^{date_short}|2023-04-17>"
    )


def test_format_date_time() -> None:
    result = format_value(field(FieldKind.DATE_TIME), {"value": str(CREATED_MS)})
    assert result == "<!date^1681729003^{date_short_pretty} {time}|2023-04-17 10:56 UTC>"


def test_format_date_without_ms_uses_display_value() -> None:
    result = format_value(field(FieldKind.DATE), {"value": "soon", "display_value": "<x>"})
    assert result == "&lt;x&gt;"


@pytest.mark.parametrize("value", [None, "", "   ", [], {}])
def test_format_empty_values(value: object) -> None:
    for kind in FieldKind:
        assert format_value(field(kind), value) == "—"


@pytest.mark.parametrize(
    "value", [{"odd": "<!channel>"}, ["<x>"], 12.5, object(), {"value": 10**30}, b"<bytes>"]
)
def test_format_unexpected_shapes_never_raise(value: object) -> None:
    for kind in FieldKind:
        result = format_value(field(kind), value)
        assert result
        assert "<!channel>" not in result
