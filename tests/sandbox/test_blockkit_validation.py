"""The sandbox refuses what Slack refuses: each limit just under passes, just over fails."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slack_sandbox.blockkit import BlockKitError, check_message, check_view, with_generated_ids

Json = dict[str, object]


def plain(text: str) -> Json:
    return {"type": "plain_text", "text": text}


def md(text: str) -> Json:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "Hello", **extra: object) -> Json:
    return {"type": "section", "text": md(text), **extra}


def button(label: str = "Go", action_id: str = "go", **extra: object) -> Json:
    return {"type": "button", "text": plain(label), "action_id": action_id, **extra}


def actions(*elements: Json, **extra: object) -> Json:
    return {"type": "actions", "elements": list(elements), **extra}


def option(text: str = "A", value: str = "a") -> Json:
    return {"text": plain(text), "value": value}


def options(count: int) -> list[Json]:
    return [option(f"Option {i}", f"v{i}") for i in range(count)]


def select(**extra: object) -> Json:
    return {"type": "static_select", "action_id": "pick", "options": options(2), **extra}


def input_block(element: Json, block_id: str = "in", **extra: object) -> Json:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain("Label"),
        "element": element,
        **extra,
    }


def text_input(**extra: object) -> Json:
    return {"type": "plain_text_input", "action_id": "value", **extra}


def modal(*blocks: Json, **extra: object) -> Json:
    view: Json = {
        "type": "modal",
        "title": plain("Title"),
        "submit": plain("Save"),
        "blocks": list(blocks),
    }
    return view | extra


def refusal(call: Callable[[], None]) -> BlockKitError:
    with pytest.raises(BlockKitError) as caught:
        call()
    return caught.value


def too_long(limit: int, pointer: str) -> str:
    return f"[ERROR] must be less than {limit + 1} characters [json-pointer:{pointer}]"


def too_many(limit: int, pointer: str) -> str:
    return f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]"


# (name, build blocks holding a string of length n, the limit, pointer of that string)
MESSAGE_LENGTHS: list[tuple[str, Callable[[int], list[Json]], int, str]] = [
    ("section text", lambda n: [section("x" * n)], 3000, "/blocks/0/text/text"),
    (
        "section field",
        lambda n: [{"type": "section", "fields": [md("x" * n)]}],
        2000,
        "/blocks/0/fields/0/text",
    ),
    ("header", lambda n: [{"type": "header", "text": plain("x" * n)}], 150, "/blocks/0/text/text"),
    ("block_id", lambda n: [section(block_id="b" * n)], 255, "/blocks/0/block_id"),
    (
        "action_id",
        lambda n: [actions(button(action_id="a" * n))],
        255,
        "/blocks/0/elements/0/action_id",
    ),
    ("button text", lambda n: [actions(button("x" * n))], 75, "/blocks/0/elements/0/text/text"),
    (
        "button value",
        lambda n: [actions(button(value="v" * n))],
        2000,
        "/blocks/0/elements/0/value",
    ),
    (
        "button url",
        lambda n: [actions(button(url="https://e.x/" + "u" * (n - 12)))],
        3000,
        "/blocks/0/elements/0/url",
    ),
    (
        "option text",
        lambda n: [actions(select(options=[option("x" * n)]))],
        75,
        "/blocks/0/elements/0/options/0/text/text",
    ),
    (
        "option value",
        lambda n: [actions(select(options=[option(value="v" * n)]))],
        150,
        "/blocks/0/elements/0/options/0/value",
    ),
    (
        "placeholder",
        lambda n: [actions(select(placeholder=plain("p" * n)))],
        150,
        "/blocks/0/elements/0/placeholder/text",
    ),
    (
        "image alt_text",
        lambda n: [{"type": "image", "image_url": "https://e.x/i.png", "alt_text": "a" * n}],
        2000,
        "/blocks/0/alt_text",
    ),
    (
        "context text",
        lambda n: [{"type": "context", "elements": [md("x" * n)]}],
        3000,
        "/blocks/0/elements/0/text",
    ),
]

# (name, build blocks holding n items, the limit, pointer of the array)
MESSAGE_COUNTS: list[tuple[str, Callable[[int], list[Json]], int, str]] = [
    ("blocks", lambda n: [section() for _ in range(n)], 50, "/blocks"),
    (
        "section fields",
        lambda n: [{"type": "section", "fields": [md("f")] * n}],
        10,
        "/blocks/0/fields",
    ),
    (
        "actions elements",
        lambda n: [actions(*(button(action_id=f"b{i}") for i in range(n)))],
        25,
        "/blocks/0/elements",
    ),
    (
        "context elements",
        lambda n: [{"type": "context", "elements": [md("c")] * n}],
        10,
        "/blocks/0/elements",
    ),
    (
        "static_select options",
        lambda n: [actions(select(options=options(n)))],
        100,
        "/blocks/0/elements/0/options",
    ),
    (
        "overflow options",
        lambda n: [actions({"type": "overflow", "options": options(n)})],
        5,
        "/blocks/0/elements/0/options",
    ),
    (
        "checkbox options",
        lambda n: [actions({"type": "checkboxes", "options": options(n)})],
        10,
        "/blocks/0/elements/0/options",
    ),
    (
        "radio options",
        lambda n: [actions({"type": "radio_buttons", "options": options(n)})],
        10,
        "/blocks/0/elements/0/options",
    ),
]


@pytest.mark.parametrize(("name", "build", "limit", "pointer"), MESSAGE_LENGTHS)
def test_message_string_limits(
    name: str, build: Callable[[int], list[Json]], limit: int, pointer: str
) -> None:
    check_message("fallback", build(limit))
    error = refusal(lambda: check_message("fallback", build(limit + 1)))
    assert error.error == "invalid_blocks"
    assert error.messages == [too_long(limit, pointer)]


@pytest.mark.parametrize(("name", "build", "limit", "pointer"), MESSAGE_COUNTS)
def test_message_count_limits(
    name: str, build: Callable[[int], list[Json]], limit: int, pointer: str
) -> None:
    check_message("fallback", build(limit))
    error = refusal(lambda: check_message("fallback", build(limit + 1)))
    assert error.error == "invalid_blocks"
    assert error.messages == [too_many(limit, pointer)]


# (name, build a view holding a string of length n, the limit, pointer of that string)
VIEW_LENGTHS: list[tuple[str, Callable[[int], Json], int, str]] = [
    ("title", lambda n: modal(section(), title=plain("t" * n)), 24, "/view/title/text"),
    ("submit", lambda n: modal(section(), submit=plain("s" * n)), 24, "/view/submit/text"),
    ("close", lambda n: modal(section(), close=plain("c" * n)), 24, "/view/close/text"),
    (
        "private_metadata",
        lambda n: modal(section(), private_metadata="m" * n),
        3000,
        "/view/private_metadata",
    ),
    ("callback_id", lambda n: modal(section(), callback_id="c" * n), 255, "/view/callback_id"),
    (
        "input label",
        lambda n: modal(input_block(text_input(), label=plain("l" * n))),
        2000,
        "/view/blocks/0/label/text",
    ),
    (
        "input hint",
        lambda n: modal(input_block(text_input(), hint=plain("h" * n))),
        2000,
        "/view/blocks/0/hint/text",
    ),
    (
        "input placeholder",
        lambda n: modal(input_block(text_input(placeholder=plain("p" * n)))),
        150,
        "/view/blocks/0/element/placeholder/text",
    ),
]


@pytest.mark.parametrize(("name", "build", "limit", "pointer"), VIEW_LENGTHS)
def test_view_string_limits(
    name: str, build: Callable[[int], Json], limit: int, pointer: str
) -> None:
    check_view(build(limit), kind="modal")
    error = refusal(lambda: check_view(build(limit + 1), kind="modal"))
    assert error.error == "invalid_arguments"
    assert error.messages == [too_long(limit, pointer)]


@pytest.mark.parametrize("kind", ["modal", "home"])
def test_views_take_100_blocks(kind: str) -> None:
    view: Json = (
        modal(*[section() for _ in range(100)])
        if kind == "modal"
        else {"type": "home", "blocks": [section() for _ in range(100)]}
    )
    check_view(view)
    view["blocks"] = [section() for _ in range(101)]
    assert refusal(lambda: check_view(view)).messages == [too_many(100, "/view/blocks")]


def test_a_view_up_to_250_kB_passes_and_one_byte_more_is_view_too_large() -> None:
    def view_of(size: int) -> Json:
        view = modal(*[section("x" * 3000) for _ in range(81)], section("x"))
        missing = size - len(json.dumps(view))
        assert 0 <= missing < 3000
        view["blocks"][-1] = section("x" * (1 + missing))  # type: ignore[index]
        assert len(json.dumps(view)) == size
        return view

    check_view(view_of(250_000))
    error = refusal(lambda: check_view(view_of(250_001)))
    assert error.error == "view_too_large"


def test_a_view_sent_as_a_json_string_is_measured_and_parsed() -> None:
    check_view(json.dumps(modal(section())), kind="modal")
    assert refusal(lambda: check_view("{not json")).error == "invalid_arguments"
    assert refusal(lambda: check_view("[]")).messages == [
        "[ERROR] must provide an object [json-pointer:/view]"
    ]


def test_modal_requires_a_title_and_a_submit_button_when_it_has_inputs() -> None:
    view = modal(input_block(text_input()))
    del view["title"], view["submit"]
    assert refusal(lambda: check_view(view)).messages == [
        "[ERROR] missing required field: title [json-pointer:/view]",
        "[ERROR] submit is required when the view contains an input block [json-pointer:/view]",
    ]


def test_the_method_decides_which_kind_of_view_it_takes() -> None:
    home: Json = {"type": "home", "blocks": [section()]}
    check_view(home, kind="home")
    assert refusal(lambda: check_view(home, kind="modal")).messages == [
        "[ERROR] must be modal [json-pointer:/view/type]"
    ]
    assert refusal(lambda: check_view({"type": "dialog", "blocks": [section()]})).messages[0] == (
        "[ERROR] must be one of: home, modal [json-pointer:/view/type]"
    )


def test_input_blocks_belong_in_modals_only() -> None:
    block = input_block(text_input())
    check_view(modal(block), kind="modal")
    message = refusal(lambda: check_message("hi", [block]))
    home = refusal(lambda: check_view({"type": "home", "blocks": [block]}))
    assert message.messages == [
        "[ERROR] input blocks are only supported in modals [json-pointer:/blocks/0/type]"
    ]
    assert home.messages == [
        "[ERROR] input blocks are only supported in modals [json-pointer:/view/blocks/0/type]"
    ]


def test_an_input_block_needs_a_label_and_an_input_element() -> None:
    no_label = {"type": "input", "element": text_input()}
    wrong_element = input_block(button())
    assert refusal(lambda: check_view(modal(no_label))).messages == [
        "[ERROR] missing required field: label [json-pointer:/view/blocks/0]"
    ]
    assert refusal(lambda: check_view(modal(wrong_element))).messages == [
        "[ERROR] type 'button' is not allowed in an input block "
        "[json-pointer:/view/blocks/0/element/type]"
    ]
    assert refusal(lambda: check_view(modal({"type": "input", "label": plain("L")}))).messages == [
        "[ERROR] missing required field: element [json-pointer:/view/blocks/0]"
    ]


def test_block_ids_are_unique_within_a_message_and_a_view() -> None:
    twice = [section(block_id="same"), section(block_id="same")]
    expected = "[ERROR] duplicate block_id 'same' [json-pointer:{}/blocks/1/block_id]"
    assert refusal(lambda: check_message("hi", twice)).messages == [expected.format("")]
    assert refusal(lambda: check_view(modal(*twice))).messages == [expected.format("/view")]


def test_action_ids_are_unique_within_a_block_as_slack_requires() -> None:
    error = refusal(lambda: check_message("hi", [actions(button(), button())]))
    assert error.messages == [
        "[ERROR] duplicate action_id 'go' [json-pointer:/blocks/0/elements/1/action_id]"
    ]
    # Slack keys state.values by block first, so two inputs may share an action_id.
    check_view(modal(input_block(text_input(), "a"), input_block(text_input(), "b")))


def test_unknown_and_unmodelled_types_are_refused() -> None:
    error = refusal(
        lambda: check_message(
            "hi",
            [
                {"type": "carousel"},
                {"type": "rich_text", "elements": []},
                actions({"type": "users_select"}),
            ],
        )
    )
    assert error.messages == [
        "[ERROR] unknown type 'carousel' [json-pointer:/blocks/0/type]",
        "[ERROR] type 'rich_text' is valid in Slack but not supported by the sandbox "
        "[json-pointer:/blocks/1/type]",
        "[ERROR] type 'users_select' is valid in Slack but not supported by the sandbox "
        "[json-pointer:/blocks/2/elements/0/type]",
    ]


def test_elements_only_go_where_slack_allows_them() -> None:
    error = refusal(
        lambda: check_message("hi", [actions(text_input()), section(accessory=text_input())])
    )
    assert error.messages == [
        "[ERROR] type 'plain_text_input' is not allowed in an actions block "
        "[json-pointer:/blocks/0/elements/0/type]",
        "[ERROR] type 'plain_text_input' is not allowed in a section accessory "
        "[json-pointer:/blocks/1/accessory/type]",
    ]


def test_a_section_needs_text_or_fields_and_text_is_never_empty() -> None:
    assert refusal(lambda: check_message("hi", [{"type": "section"}])).messages == [
        "[ERROR] must provide either text or fields [json-pointer:/blocks/0]"
    ]
    assert refusal(lambda: check_message("hi", [section("")])).messages == [
        "[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]"
    ]
    check_message("hi", [{"type": "section", "fields": [md("a"), plain("b")]}])


def test_text_objects_are_plain_text_or_mrkdwn_and_some_places_want_plain_text() -> None:
    bad_type = [{"type": "section", "text": {"type": "html", "text": "x"}}]
    header_mrkdwn = [{"type": "header", "text": md("x")}]
    emoji_on_mrkdwn = [{"type": "section", "text": md("x") | {"emoji": True}}]
    assert refusal(lambda: check_message("hi", bad_type)).messages == [
        "[ERROR] must be one of: mrkdwn, plain_text [json-pointer:/blocks/0/text/type]"
    ]
    assert refusal(lambda: check_message("hi", header_mrkdwn)).messages == [
        "[ERROR] must be plain_text [json-pointer:/blocks/0/text/type]"
    ]
    assert refusal(lambda: check_message("hi", emoji_on_mrkdwn)).messages == [
        "[ERROR] emoji is only allowed on plain_text [json-pointer:/blocks/0/text/emoji]"
    ]


def test_button_style_is_primary_or_danger() -> None:
    check_message("hi", [actions(button(style="primary"), button(action_id="b", style="danger"))])
    assert refusal(lambda: check_message("hi", [actions(button(style="green"))])).messages == [
        "[ERROR] must be one of: danger, primary [json-pointer:/blocks/0/elements/0/style]"
    ]


def test_image_block_needs_an_image_and_alt_text() -> None:
    assert refusal(lambda: check_message("hi", [{"type": "image"}])).messages == [
        "[ERROR] missing required field: image_url [json-pointer:/blocks/0]",
        "[ERROR] missing required field: alt_text [json-pointer:/blocks/0]",
    ]


def test_overflow_takes_one_to_five_options() -> None:
    check_message("hi", [actions({"type": "overflow", "options": options(1)})])
    error = refusal(lambda: check_message("hi", [actions({"type": "overflow", "options": []})]))
    assert error.messages == [
        "[ERROR] must provide at least 1 items [json-pointer:/blocks/0/elements/0/options]"
    ]


def test_initial_options_must_be_among_the_options() -> None:
    stray = select(initial_option=option("Z", "z"))
    error = refusal(lambda: check_message("hi", [actions(stray)]))
    assert error.messages == [
        "[ERROR] must match one of the provided options "
        "[json-pointer:/blocks/0/elements/0/initial_option]"
    ]
    check_message("hi", [actions(select(initial_option=option("Option 1", "v1")))])


def test_plain_text_input_lengths_stay_within_3000() -> None:
    check_view(modal(input_block(text_input(min_length=0, max_length=3000))))
    error = refusal(lambda: check_view(modal(input_block(text_input(max_length=3001)))))
    assert error.messages == [
        "[ERROR] must be between 1 and 3000 [json-pointer:/view/blocks/0/element/max_length]"
    ]
    error = refusal(lambda: check_view(modal(input_block(text_input(min_length=9, max_length=5)))))
    assert error.messages == [
        "[ERROR] must not be greater than max_length "
        "[json-pointer:/view/blocks/0/element/min_length]"
    ]


def test_number_input_wants_numeric_strings_in_order() -> None:
    def number(**extra: object) -> Json:
        return modal(input_block({"type": "number_input", "action_id": "n", **extra}))

    check_view(number(is_decimal_allowed=True, min_value="0.5", initial_value="1.5", max_value="2"))
    cases: list[tuple[Json, str]] = [
        (
            number(),
            "missing required field: is_decimal_allowed [json-pointer:/view/blocks/0/element]",
        ),
        (
            number(is_decimal_allowed=False, min_value="3", max_value="1"),
            "must not be greater than max_value [json-pointer:/view/blocks/0/element/min_value]",
        ),
        (
            number(is_decimal_allowed=False, min_value="1", initial_value="7", max_value="5"),
            "must be between min_value and max_value "
            "[json-pointer:/view/blocks/0/element/initial_value]",
        ),
        (
            number(is_decimal_allowed=False, initial_value="1.5"),
            "must be a whole number when is_decimal_allowed is false "
            "[json-pointer:/view/blocks/0/element/initial_value]",
        ),
        (
            number(is_decimal_allowed=True, max_value="lots"),
            "must be a number [json-pointer:/view/blocks/0/element/max_value]",
        ),
        (
            number(is_decimal_allowed=True, max_value=5),
            "must be a string [json-pointer:/view/blocks/0/element/max_value]",
        ),
    ]
    for view, reason in cases:
        assert refusal(lambda view=view: check_view(view)).messages == [f"[ERROR] {reason}"]


def test_datepicker_initial_date_is_a_real_iso_date() -> None:
    def picker(date: str) -> list[Json]:
        return [actions({"type": "datepicker", "action_id": "d", "initial_date": date})]

    check_message("hi", picker("2024-02-29"))
    for bad in ("2023-02-29", "20240101", "tomorrow"):
        assert refusal(lambda bad=bad: check_message("hi", picker(bad))).messages == [
            "[ERROR] must be a date formatted YYYY-MM-DD "
            "[json-pointer:/blocks/0/elements/0/initial_date]"
        ]


def test_every_problem_is_reported_at_once() -> None:
    blocks = [section("x" * 3001), {"type": "header", "text": plain("h" * 151)}]
    assert refusal(lambda: check_message("hi", blocks)).messages == [
        too_long(3000, "/blocks/0/text/text"),
        too_long(150, "/blocks/1/text/text"),
    ]


def test_a_message_needs_text_or_blocks() -> None:
    for text, blocks in ((None, None), ("", []), (None, "")):
        assert refusal(lambda t=text, b=blocks: check_message(t, b)).error == "no_text"
    check_message(None, [section()])
    check_message("just text", None)


def test_message_text_is_kept_to_40000_characters() -> None:
    check_message("x" * 4001, None)  # Slack advises 4,000 but accepts more
    check_message("x" * 40_000, None)
    assert refusal(lambda: check_message("x" * 40_001, None)).error == "msg_too_long"


def test_blocks_may_arrive_as_a_json_string() -> None:
    check_message("hi", json.dumps([section()]))
    assert refusal(lambda: check_message("hi", "[{")).error == "invalid_blocks_format"
    assert refusal(lambda: check_message("hi", '{"type": "section"}')).error == (
        "invalid_blocks_format"
    )
    error = refusal(lambda: check_message("hi", json.dumps([section("x" * 3001)])))
    assert error.messages == [too_long(3000, "/blocks/0/text/text")]


def test_the_error_answers_like_slack() -> None:
    error = refusal(lambda: check_message("hi", [section("")]))
    assert error.to_response() == {
        "ok": False,
        "error": "invalid_blocks",
        "errors": ["must be more than 0 characters [json-pointer:/blocks/0/text/text]"],
        "response_metadata": {
            "messages": [
                "[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]"
            ]
        },
    }


def test_generated_ids_fill_only_what_is_missing() -> None:
    blocks = [
        section(block_id="kept"),
        actions(button(action_id="mine"), {"type": "button", "text": plain("B")}),
    ]
    filled = with_generated_ids(blocks)
    assert filled[0]["block_id"] == "kept"
    assert isinstance(filled[1]["block_id"], str)
    assert filled[1]["block_id"]
    elements = filled[1]["elements"]
    assert isinstance(elements, list)
    assert elements[0]["action_id"] == "mine"
    assert elements[1]["action_id"]
    assert "block_id" not in blocks[1]  # the input is left alone
    check_message("hi", filled)


# A printable text of exactly `length` characters, repeating a random seed text.
def texts_of(lengths: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    seeds = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
    return st.tuples(seeds, lengths).map(lambda pair: (pair[0] * pair[1])[: pair[1]])


@given(texts_of(st.integers(min_value=1, max_value=3000)))
def test_any_section_text_up_to_3000_characters_passes(text: str) -> None:
    check_message("fallback", [section(text)])


@given(texts_of(st.integers(min_value=3001, max_value=6000)))
def test_any_section_text_over_3000_characters_fails(text: str) -> None:
    error = refusal(lambda: check_message("fallback", [section(text)]))
    assert error.messages == [too_long(3000, "/blocks/0/text/text")]


@given(st.integers(min_value=0, max_value=60))
def test_a_message_holds_at_most_50_blocks(count: int) -> None:
    blocks = [{"type": "divider"} for _ in range(count)]
    if count <= 50:
        check_message("fallback", blocks)
    else:
        assert refusal(lambda: check_message("fallback", blocks)).messages == [
            too_many(50, "/blocks")
        ]
