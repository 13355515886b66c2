"""The ARM expression language (parsers/arm/expressions.py): tokens, calls, accessors, escapes,
errors (never raised), bounds, and the canonical text."""
import pytest

from parsers.arm.expressions import Call, Error, Index, Literal, Member, literal, parse, unparse


def test_calls_literals_and_accessors():
    node = parse("[concat(parameters('a'), '-', variables('list')[0].name)]")
    assert node == Call("concat", (
        Call("parameters", (Literal("a"),)),
        Literal("-"),
        Member(Index(Call("variables", (Literal("list"),)), Literal(0)), "name"),
    ))


def test_string_escapes_integers_and_whitespace():
    assert parse("[ 'it''s' ]") == Literal("it's")
    assert parse("['']") == Literal("")
    assert parse("[add(-1, 42)]") == Call("add", (Literal(-1), Literal(42)))
    assert parse("[ resourceGroup ( ) . location ]") == Member(Call("resourceGroup", ()), "location")


def test_user_defined_function_names_and_member_after_index():
    assert parse("[ns.fn('x')]") == Call("ns.fn", (Literal("x"),))
    assert parse("[__bicep.f()]") == Call("__bicep.f", ())
    assert parse("[reference('x').outputs.id.value]") == Member(Member(Member(
        Call("reference", (Literal("x"),)), "outputs"), "id"), "value")
    assert parse("[variables('m')['key'][1]]") == Index(Index(Call("variables", (Literal("m"),)), Literal("key")),
                                                         Literal(1))


def test_brackets_are_optional():
    assert parse("toLower('A')") == parse("[toLower('A')]")


@pytest.mark.parametrize("text", [
    "[concat('a'", "[concat('a',)]", "['unterminated]", "[bare]", "[]", "[)]", "[a.b]",
    "[f() g()]", "[f()[0]", "[f().]", "[f(1 2)]", "[#]", "[\"double\"]", "[1.5]", "", None, 12,
])
def test_bad_expressions_are_errors_never_exceptions(text):
    assert isinstance(parse(text), Error)


def test_depth_and_length_are_bounded():
    deep = "[" + "f(" * 5000 + ")" * 5000 + "]"
    assert isinstance(parse(deep), Error)
    accessors = "[f()" + ".a" * 5000 + "]"
    assert isinstance(parse(accessors), Error)
    long = "['" + "a" * 300_000 + "']"
    assert isinstance(parse(long), Error)
    assert parse("[" + "f(" * 30 + ")" * 30 + "]") is not None


@pytest.mark.parametrize("text", [
    "concat(parameters('a'), '-', variables('list')[0].name)",
    "format('{0}', 'it''s')",
    "ns.fn(1, -2, createArray())",
    "resourceGroup().location",
])
def test_unparse_round_trips(text):
    assert unparse(parse(text)) == text
    assert parse(unparse(parse(text))) == parse(text)


def test_literal_texts():
    assert literal("it's") == "'it''s'"
    assert literal(True) == "true()" and literal(False) == "false()" and literal(None) == "null()"
    assert literal(7) == "7"
    assert literal({"a": [1]}) == "json('{\"a\":[1]}')"
    assert parse(literal({"a": "b'c"})) == Call("json", (Literal('{"a":"b\'c"}'),))
