"""Rendered Block Kit: safe HTML, dates in the viewer's zone, hooks for the UI script."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slack_sandbox.blockkit import (
    STYLESHEET,
    format_slack_date,
    mrkdwn_to_html,
    render_blocks,
    render_modal,
    with_generated_ids,
)

Json = dict[str, object]
EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC
NOON_UTC = dt.datetime(2023, 11, 14, 12, 0, tzinfo=dt.UTC)
VOID = {"input", "br", "hr", "img", "meta", "link"}


class Node:
    """A parsed element: tag, attributes, children and the text directly inside."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[Node] = []
        self.text = ""

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def all(self) -> list[Node]:
        found = [self]
        for child in self.children:
            found += child.all()
        return found

    def find(self, css_class: str) -> list[Node]:
        return [node for node in self.all() if css_class in node.classes]

    def full_text(self) -> str:
        return self.text + "".join(child.full_text() for child in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].text += data


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def plain(text: str) -> Json:
    return {"type": "plain_text", "text": text}


def md(text: str) -> Json:
    return {"type": "mrkdwn", "text": text}


def option(text: str, value: str) -> Json:
    return {"text": plain(text), "value": value}


def mrkdwn(text: str, tz: str = "UTC") -> str:
    return mrkdwn_to_html(text, tz=tz, now=NOON_UTC)


# --- mrkdwn -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("*bold* _italic_ ~strike~", "<b>bold</b> <i>italic</i> <s>strike</s>"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("*_both_*", "<b><i>both</i></b>"),
        ("use `a *b*`", 'use <code class="sb-code">a *b*</code>'),
        ("```\nline 1\n*line* 2\n```", '<pre class="sb-pre">line 1\n*line* 2</pre>'),
        ("one\ntwo", "one<br>two"),
        ("&gt; quoted\nafter", '<blockquote class="sb-quote">quoted</blockquote>after'),
        ("a &amp; b &lt;c&gt;", "a &amp; b &lt;c&gt;"),
        (
            "<!here> <!channel>",
            '<span class="sb-broadcast">@here</span> <span class="sb-broadcast">@channel</span>',
        ),
        ("<#C1|general>", '<span class="sb-channel">#general</span>'),
        ("<@U1>", '<span class="sb-mention" data-user-id="U1">@U1</span>'),
        ("<@U1|ada>", '<span class="sb-mention" data-user-id="U1">@ada</span>'),
        (
            "<https://example.com/?a=1&amp;b=2|the *site*>",
            '<a class="sb-link" href="https://example.com/?a=1&amp;b=2" target="_blank" '
            'rel="noopener noreferrer">the *site*</a>',
        ),
        (
            "<mailto:a@b.c>",
            '<a class="sb-link" href="mailto:a@b.c" target="_blank" '
            'rel="noopener noreferrer">a@b.c</a>',
        ),
        (
            "*see <https://a.b|here>*",
            '<b>see <a class="sb-link" href="https://a.b" '
            'target="_blank" rel="noopener noreferrer">here</a></b>',
        ),
    ],
)
def test_mrkdwn_formats_like_slack(source: str, html: str) -> None:
    assert mrkdwn(source) == html


def test_mentions_use_known_display_names() -> None:
    html = mrkdwn_to_html("hi <@U1> in <#C9>", tz="UTC", names={"U1": "Ada", "C9": "mentors"})
    assert "@Ada" in html
    assert "#mentors" in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        '<https://ok.example|"><script>alert(1)</script>>',
        "<javascript:alert(1)|click me>",
        '<@U1|"><img src=x onerror=alert(1)>>',
        "```<img src=x onerror=alert(1)>```",
        "<!date^1700000000^{date}|<img src=x onerror=alert(1)>>",
    ],
)
def test_mrkdwn_never_lets_markup_through(attack: str) -> None:
    tree = parse(mrkdwn(attack))
    tags = {node.tag for node in tree.all()} - {"root"}
    assert tags <= {"a", "span", "time", "pre", "code", "b", "i", "s"}
    assert not any(
        node.tag == "a" and "javascript" in (node.attrs.get("href") or "") for node in tree.all()
    )
    assert not any(name.startswith("on") for node in tree.all() for name in node.attrs)


ALLOWED_TAGS = {"b", "i", "s", "code", "pre", "br", "blockquote", "span", "a", "time"}


@given(st.text())
def test_any_text_renders_only_our_own_tags(text: str) -> None:
    html = mrkdwn(text)
    assert set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", html)) <= ALLOWED_TAGS
    parse(html)  # well nested


# --- dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "token", "expected"),
    [
        ("Asia/Tokyo", "{date_num}", "2023-11-15"),
        ("America/Los_Angeles", "{date_num}", "2023-11-14"),
        ("Asia/Tokyo", "{date}", "November 15th, 2023"),
        ("Asia/Tokyo", "{date_short}", "Nov 15, 2023"),
        ("Asia/Tokyo", "{date_long}", "Wednesday, November 15th, 2023"),
        ("America/Los_Angeles", "{date_long}", "Tuesday, November 14th, 2023"),
        ("Asia/Tokyo", "{time}", "7:13 AM"),
        ("America/Los_Angeles", "{time}", "2:13 PM"),
        ("Asia/Tokyo", "{time_secs}", "7:13:20 AM"),
        ("Asia/Tokyo", "{date_short_pretty} at {time}", "Tomorrow at 7:13 AM"),
        ("America/Los_Angeles", "{date_short_pretty} at {time}", "Today at 2:13 PM"),
        ("Asia/Tokyo", "{date_pretty}", "Tomorrow"),
        ("America/Los_Angeles", "{date_long_pretty}", "Today"),
    ],
)
def test_dates_show_in_the_viewers_zone(tz: str, token: str, expected: str) -> None:
    assert format_slack_date(EPOCH, token, tz=tz, fallback="fb", now=NOON_UTC) == expected


def test_pretty_dates_fall_back_to_the_plain_format_beyond_yesterday_and_tomorrow() -> None:
    week_later = NOON_UTC + dt.timedelta(days=7)
    day_after = NOON_UTC + dt.timedelta(days=1)
    assert format_slack_date(EPOCH, "{date_pretty}", tz="UTC", fallback="", now=day_after) == (
        "Yesterday"
    )
    assert (
        format_slack_date(EPOCH, "{date_short_pretty}", tz="UTC", fallback="", now=week_later)
        == "Nov 14, 2023"
    )


@pytest.mark.parametrize(
    ("day", "ordinal"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (31, "31st"),
    ],
)
def test_long_dates_use_english_ordinals(day: int, ordinal: str) -> None:
    epoch = int(dt.datetime(2024, 1, day, 12, tzinfo=dt.UTC).timestamp())
    assert format_slack_date(epoch, "{date}", tz="UTC", fallback="") == f"January {ordinal}, 2024"


def test_unusable_dates_show_the_fallback() -> None:
    assert format_slack_date(EPOCH, "{date}", tz="Mars/Olympus", fallback="fb") == "fb"
    assert format_slack_date(EPOCH, "{fortnight}", tz="UTC", fallback="fb") == "fb"


def test_date_tokens_in_mrkdwn_render_per_viewer_with_machine_readable_time() -> None:
    token = "Meet <!date^1700000000^{date_short_pretty} at {time}|Nov 14 at 22:13 UTC>"
    tokyo = parse(mrkdwn(token, "Asia/Tokyo")).find("sb-date")[0]
    paris = parse(mrkdwn(token, "Europe/Paris")).find("sb-date")[0]
    assert tokyo.full_text() == "Tomorrow at 7:13 AM"
    assert tokyo.attrs["datetime"] == "2023-11-15T07:13:20+09:00"
    assert paris.full_text() == "Today at 11:13 PM"
    assert mrkdwn("<!date^soon^{date}|when it is ready>") == "when it is ready"


def test_a_date_token_may_link_somewhere() -> None:
    html = mrkdwn("<!date^1700000000^{date_num}^https://cal.example/e/1|x>")
    link = parse(html).all()[1]
    assert link.tag == "a"
    assert link.attrs["href"] == "https://cal.example/e/1"


# --- blocks -------------------------------------------------------------------------


def test_every_block_type_gets_its_class_and_block_id() -> None:
    blocks: list[Json] = [
        {"type": "section", "block_id": "s", "text": md("*Hi*"), "fields": [md("a"), plain("b")]},
        {"type": "header", "block_id": "h", "text": plain("Title")},
        {"type": "divider", "block_id": "d"},
        {
            "type": "image",
            "block_id": "i",
            "image_url": "https://e.x/a.png",
            "alt_text": "A",
            "title": plain("Pic"),
        },
        {
            "type": "context",
            "block_id": "c",
            "elements": [
                md("_ctx_"),
                {"type": "image", "image_url": "https://e.x/i.png", "alt_text": "icon"},
            ],
        },
        {
            "type": "actions",
            "block_id": "a",
            "elements": [{"type": "button", "action_id": "b", "text": plain("Go")}],
        },
    ]
    tree = parse(render_blocks(blocks, tz="UTC"))
    by_id = {node.attrs["data-block-id"]: node for node in tree.find("sb-block")}
    assert {key: sorted(node.classes) for key, node in by_id.items()} == {
        "s": ["sb-block", "sb-section"],
        "h": ["sb-block", "sb-header"],
        "d": ["sb-block", "sb-divider"],
        "i": ["sb-block", "sb-image"],
        "c": ["sb-block", "sb-context"],
        "a": ["sb-actions", "sb-block"],
    }
    assert [f.full_text() for f in by_id["s"].find("sb-field")] == ["a", "b"]
    assert by_id["h"].full_text() == "Title"
    assert by_id["c"].find("sb-context-image")[0].attrs["alt"] == "icon"


def test_user_text_is_escaped_everywhere() -> None:
    evil = '"><script>alert(1)</script>'
    blocks: list[Json] = [
        {"type": "header", "text": plain(evil)},
        {
            "type": "section",
            "text": plain(evil),
            "accessory": {
                "type": "button",
                "action_id": evil,
                "text": plain(evil),
                "value": evil,
                "url": "javascript:alert(1)",
            },
        },
        {"type": "image", "image_url": "javascript:alert(1)", "alt_text": evil},
        {
            "type": "actions",
            "block_id": evil,
            "elements": [
                {"type": "static_select", "action_id": "s", "options": [option(evil, evil)]}
            ],
        },
    ]
    html = render_blocks(blocks, tz="UTC")
    tree = parse(html)
    assert "<script" not in html
    assert not [node for node in tree.all() if node.tag == "script"]
    button = tree.find("sb-button")[0]
    assert button.attrs["data-value"] == evil  # intact once the browser decodes it
    assert "data-url" not in button.attrs
    assert "src" not in tree.find("sb-image")[0].children[0].attrs


def test_buttons_carry_what_a_block_actions_payload_needs() -> None:
    blocks: list[Json] = [
        {
            "type": "actions",
            "block_id": "req",
            "elements": [
                {
                    "type": "button",
                    "action_id": "accept",
                    "text": plain("Accept"),
                    "value": "r-1",
                    "style": "primary",
                },
                {
                    "type": "button",
                    "action_id": "docs",
                    "text": plain("Docs"),
                    "url": "https://docs.example",
                    "style": "danger",
                    "confirm": {
                        "title": plain("Sure?"),
                        "text": md("Really"),
                        "confirm": plain("Yes"),
                        "deny": plain("No"),
                    },
                },
            ],
        }
    ]
    accept, docs = parse(render_blocks(blocks, tz="UTC")).find("sb-action")
    assert accept.tag == "button"
    assert accept.attrs | {"class": ""} == {
        "type": "button",
        "class": "",
        "data-action-id": "accept",
        "data-block-id": "req",
        "data-type": "button",
        "data-value": "r-1",
    }
    assert "sb-button-primary" in accept.classes
    assert "sb-button-danger" in docs.classes
    assert docs.attrs["data-url"] == "https://docs.example"
    assert json.loads(docs.attrs["data-confirm"] or "")["deny"] == plain("No")


def test_selects_radios_checkboxes_and_overflow_expose_their_options() -> None:
    choices = [option("One", "1"), option("Two", "2")]
    blocks: list[Json] = [
        {
            "type": "section",
            "block_id": "sec",
            "text": md("Pick"),
            "accessory": {
                "type": "static_select",
                "action_id": "sel",
                "options": choices,
                "initial_option": choices[1],
                "placeholder": plain("Choose"),
            },
        },
        {
            "type": "actions",
            "block_id": "act",
            "elements": [
                {
                    "type": "radio_buttons",
                    "action_id": "rad",
                    "options": choices,
                    "initial_option": choices[0],
                },
                {
                    "type": "checkboxes",
                    "action_id": "chk",
                    "options": choices,
                    "initial_options": choices,
                },
                {
                    "type": "overflow",
                    "action_id": "ovf",
                    "options": [
                        option("Edit", "edit"),
                        {"text": plain("Web"), "value": "web", "url": "https://e.x"},
                    ],
                },
                {"type": "datepicker", "action_id": "day", "initial_date": "2024-05-01"},
            ],
        },
    ]
    tree = parse(render_blocks(blocks, tz="UTC"))
    roots = {
        node.attrs["data-action-id"]: node
        for node in tree.find("sb-action")
        if node.attrs["data-type"] != "overflow"
    }
    assert {
        key: (node.attrs["data-block-id"], node.attrs["data-type"]) for key, node in roots.items()
    } == {
        "sel": ("sec", "static_select"),
        "rad": ("act", "radio_buttons"),
        "chk": ("act", "checkboxes"),
        "day": ("act", "datepicker"),
    }
    options = [n for n in roots["sel"].children if n.attrs.get("data-value")]
    assert [(o.attrs["data-value"], o.attrs["data-text"]) for o in options] == [
        ("1", "One"),
        ("2", "Two"),
    ]
    assert json.loads(options[0].attrs["data-option"] or "") == choices[0]
    assert "selected" in options[1].attrs
    radios = [n for n in roots["rad"].all() if n.tag == "input"]
    assert [("checked" in r.attrs, r.attrs["type"], r.attrs["name"]) for r in radios] == [
        (True, "radio", "act/rad"),
        (False, "radio", "act/rad"),
    ]
    boxes = [n for n in roots["chk"].all() if n.tag == "input"]
    assert all("checked" in box.attrs and box.attrs["data-text"] for box in boxes)
    assert roots["day"].attrs["value"] == "2024-05-01"
    items = tree.find("sb-overflow-option")
    assert [
        (
            i.attrs["data-action-id"],
            i.attrs["data-block-id"],
            i.attrs["data-type"],
            i.attrs["data-value"],
            i.attrs["data-text"],
            i.attrs.get("data-url"),
        )
        for i in items
    ] == [
        ("ovf", "act", "overflow", "edit", "Edit", None),
        ("ovf", "act", "overflow", "web", "Web", "https://e.x"),
    ]
    assert all("sb-action" in i.classes for i in items)


def test_missing_ids_render_as_the_ids_the_store_would_generate() -> None:
    blocks: list[Json] = [
        {"type": "actions", "elements": [{"type": "button", "text": plain("Go")}]}
    ]
    stored = with_generated_ids(blocks)
    element = stored[0]["elements"][0]  # type: ignore[index]
    rendered = parse(render_blocks(blocks, tz="UTC")).find("sb-action")[0]
    assert rendered.attrs["data-block-id"] == stored[0]["block_id"]
    assert rendered.attrs["data-action-id"] == element["action_id"]


def test_unknown_blocks_and_elements_stay_visible_as_placeholders() -> None:
    blocks: list[Json] = [
        {"type": "rich_text", "elements": []},
        {"type": "actions", "elements": [{"type": "users_select", "action_id": "u"}]},
    ]
    placeholders = parse(render_blocks(blocks, tz="UTC")).find("sb-unsupported")
    assert [p.full_text() for p in placeholders] == [
        "Unsupported block: rich_text",
        "Unsupported element: users_select",
    ]


# --- modals -------------------------------------------------------------------------


def modal_view() -> Json:
    choices = [option("Video", "video"), option("In person", "onsite")]
    return {
        "type": "modal",
        "id": "V1",
        "callback_id": "propose",
        "title": plain("Propose <slot>"),
        "submit": plain("Send"),
        "close": plain("Back"),
        "blocks": [
            {
                "type": "input",
                "block_id": "topic",
                "label": plain("Topic"),
                "hint": plain("Short"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "t",
                    "max_length": 80,
                    "initial_value": "Hi",
                },
            },
            {
                "type": "input",
                "block_id": "notes",
                "optional": True,
                "label": plain("Notes"),
                "element": {"type": "plain_text_input", "action_id": "n", "multiline": True},
            },
            {
                "type": "input",
                "block_id": "how",
                "label": plain("How"),
                "element": {"type": "static_select", "action_id": "h", "options": choices},
            },
            {
                "type": "input",
                "block_id": "where",
                "label": plain("Where"),
                "element": {"type": "radio_buttons", "action_id": "w", "options": choices},
            },
            {
                "type": "input",
                "block_id": "also",
                "optional": True,
                "label": plain("Also"),
                "element": {"type": "checkboxes", "action_id": "a", "options": choices},
            },
            {
                "type": "input",
                "block_id": "hours",
                "label": plain("Hours"),
                "element": {
                    "type": "number_input",
                    "action_id": "n",
                    "is_decimal_allowed": False,
                    "min_value": "1",
                    "max_value": "8",
                },
            },
            {
                "type": "input",
                "block_id": "day",
                "label": plain("Day"),
                "element": {"type": "datepicker", "action_id": "d"},
            },
        ],
    }


def test_modal_has_title_blocks_and_buttons() -> None:
    tree = parse(render_modal(modal_view(), tz="UTC"))
    form = tree.children[0]
    assert (form.tag, form.attrs["data-view-id"], form.attrs["data-callback-id"]) == (
        "form",
        "V1",
        "propose",
    )
    assert tree.find("sb-modal-title")[0].full_text() == "Propose <slot>"
    assert tree.find("sb-modal-close")[0].full_text() == "Back"
    assert tree.find("sb-modal-submit")[0].attrs["type"] == "submit"
    bare = parse(render_modal({"type": "modal", "title": plain("T"), "blocks": []}, tz="UTC"))
    assert bare.find("sb-modal-close")[0].full_text() == "Cancel"
    assert not bare.find("sb-modal-submit")


def test_input_blocks_expose_what_view_state_values_needs() -> None:
    tree = parse(render_modal(modal_view(), tz="UTC"))
    inputs = {node.attrs["data-block-id"]: node for node in tree.find("sb-input")}
    assert {
        key: (
            node.attrs["data-action-id"],
            node.attrs["data-type"],
            node.attrs.get("data-optional"),
        )
        for key, node in inputs.items()
    } == {
        "topic": ("t", "plain_text_input", None),
        "notes": ("n", "plain_text_input", "true"),
        "how": ("h", "static_select", None),
        "where": ("w", "radio_buttons", None),
        "also": ("a", "checkboxes", "true"),
        "hours": ("n", "number_input", None),
        "day": ("d", "datepicker", None),
    }
    controls = {
        key: [n for n in node.all()[1:] if n.tag in ("input", "textarea", "select")]
        for key, node in inputs.items()
    }
    topic = controls["topic"][0]
    assert (topic.tag, topic.attrs["type"], topic.attrs["maxlength"], topic.attrs["value"]) == (
        "input",
        "text",
        "80",
        "Hi",
    )
    assert "required" in topic.attrs
    assert controls["notes"][0].tag == "textarea"
    assert "required" not in controls["notes"][0].attrs
    assert [o.attrs.get("data-value") for o in controls["how"][0].children] == [
        None,
        "video",
        "onsite",
    ]
    assert [r.attrs["type"] for r in controls["where"]] == ["radio", "radio"]
    assert [c.attrs["data-value"] for c in controls["also"]] == ["video", "onsite"]
    hours = controls["hours"][0]
    assert (hours.attrs["type"], hours.attrs["step"], hours.attrs["min"], hours.attrs["max"]) == (
        "number",
        "1",
        "1",
        "8",
    )
    assert controls["day"][0].attrs["type"] == "date"
    # Input controls act on submit, not on click: they are not sb-action nodes.
    assert not tree.find("sb-action")


def test_each_input_block_has_an_error_slot_for_response_action_errors() -> None:
    tree = parse(render_modal(modal_view(), tz="UTC"))
    slots = tree.find("sb-error")
    assert [slot.attrs["data-block-id"] for slot in slots] == [
        "topic",
        "notes",
        "how",
        "where",
        "also",
        "hours",
        "day",
    ]
    assert all(slot.full_text() == "" for slot in slots)


def test_buttons_inside_a_modal_still_act_at_once() -> None:
    view = modal_view()
    view["blocks"] = [
        {
            "type": "actions",
            "block_id": "more",
            "elements": [{"type": "button", "action_id": "add", "text": plain("Add slot")}],
        }
    ]
    (node,) = parse(render_modal(view, tz="UTC")).find("sb-action")
    assert (node.attrs["data-block-id"], node.attrs["data-action-id"]) == ("more", "add")


def test_the_stylesheet_covers_the_block_classes() -> None:
    for css_class in (
        "sb-section",
        "sb-header",
        "sb-divider",
        "sb-context",
        "sb-actions",
        "sb-button-primary",
        "sb-button-danger",
        "sb-overflow-menu",
        "sb-error",
        "sb-modal",
        "sb-modal-submit",
        "sb-unsupported",
        "sb-quote",
        "sb-pre",
    ):
        assert f".{css_class}" in STYLESHEET
