import pytest

from bot.shell.render import decode_text, render_blocks, render_message, render_view


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        ("&amp;lt;", "&lt;"),
        ("<!date^1700000000^{date_short}|Nov 14, 2023>", "Nov 14, 2023"),
        ("<https://example.com/x?a=1&amp;b=2|Docs>", "Docs (https://example.com/x?a=1&b=2)"),
        ("<https://example.com>", "https://example.com"),
        ("<mailto:help@example.com|help@example.com>", "help@example.com"),
        ("<@U0001>", "@U0001"),
        ("<#C0001|general>", "#general"),
        ("<!here>", "@here"),
    ],
)
def test_decode_text(raw: str, shown: str) -> None:
    assert decode_text(raw) == shown


def test_buttons_numbered_across_blocks() -> None:
    button = {"type": "button", "action_id": "record_view", "text": {"type": "plain_text",
                                                                    "text": "View"}}
    blocks = [
        {"type": "section", "block_id": "r1", "text": {"type": "mrkdwn", "text": "one"},
         "accessory": button},
        {"type": "section", "block_id": "r2", "text": {"type": "mrkdwn", "text": "two"},
         "accessory": button},
    ]

    rendered = render_blocks(blocks)

    assert rendered.lines == ["one", "  [1] View", "two", "  [2] View"]
    assert [p.index for p in rendered.pressables] == [0, 1]
    assert [p.block_id for p in rendered.pressables] == ["r1", "r2"]


def test_link_button_shows_url() -> None:
    blocks = [{"type": "actions", "elements": [
        {"type": "button", "action_id": "open", "url": "https://example.com/b/1",
         "text": {"type": "plain_text", "text": "Open"}}]}]

    assert render_blocks(blocks).lines == ["[1] Open (https://example.com/b/1)"]


def test_message_without_blocks_uses_text() -> None:
    rendered = render_message({"text": "Saved &amp; done"})

    assert rendered.lines == ["Saved & done"]


def test_view_lists_fields() -> None:
    view = {"title": {"type": "plain_text", "text": "Edit"}, "blocks": [
        {"type": "input", "label": {"type": "plain_text", "text": "Title"},
         "element": {"type": "plain_text_input"}},
        {"type": "input", "optional": True, "label": {"type": "plain_text", "text": "Notes"},
         "element": {"type": "plain_text_input"}},
    ]}

    assert render_view(view).lines == [
        "[modal] Edit", "  [field] Title", "  [field] Notes (optional)"]
