"""Bicep syntax errors: clear messages at the right place, and every declaration outside the
broken one still read."""
from pathlib import Path

from parsers.bicep.parse import parse
from parsers.bicep.syntax import parse_syntax

ERRORS = Path(__file__).resolve().parents[2] / "fixtures" / "bicep" / "errors"


def load(name: str):
    return parse(f"fixtures/bicep/errors/{name}", (ERRORS / name).read_bytes())


def issues(parsed) -> list[tuple[int, int, str]]:
    return [(i.span.line, i.span.col, i.message) for i in parsed.issues]


def test_truncated_file_keeps_what_came_before():
    parsed = load("truncated.bicep")
    assert [r.address for r in parsed.resources] == ["good"]
    assert issues(parsed) == [
        (11, 26, "unterminated string: a quote ' is missing before the end of the line"),
        (12, 1, "expected '}' to close the object opened at line 10, found the end of the file"),
    ]
    assert "location" in parsed.blocks["param"]


def test_missing_brace_is_reported_where_the_next_declaration_starts():
    parsed = load("missing-brace.bicep")
    assert issues(parsed) == [(9, 1, "expected '}' to close the object opened at line 6, found 'resource'")]
    # the broken resource is dropped (its attributes would be partial); the next one is read
    assert [r.address for r in parsed.resources] == ["search"]
    assert parsed.resources[0].native("properties.publicNetworkAccess").raw == "enabled"
    assert "id" in parsed.blocks["output"]


def test_unknown_tokens():
    parsed = load("unknown-token.bicep")
    assert issues(parsed) == [
        (1, 21, "unexpected character '\"' (Bicep strings use single quotes)"),
        (1, 35, "unexpected character '\"' (Bicep strings use single quotes)"),
        (8, 28, "unexpected character '#'"),
    ]
    assert parsed.blocks["var"]["ok"].attrs["value"].raw == "still read"


def test_missing_body_brace_of_a_resource_reports_the_swallowed_declaration():
    data = b"""resource a 'Microsoft.X/y@1' = {
  name: 'a'

resource b 'Microsoft.X/y@1' = {
  name: 'b'
}
"""
    parsed = parse("a.bicep", data)
    assert issues(parsed) == [(4, 1, "expected '}' to close the object opened at line 1, found 'resource'")]
    assert [r.address for r in parsed.resources] == ["b"]


def test_messages():
    cases = {
        b"param": "expected a parameter name, found the end of the file",
        b"param a": "expected a type, found the end of the file",
        b"var a 1": "expected '=' after the variable name, found the end of the file",
        b"resource a = {}": "expected the resource type ('Microsoft.X/y@version'), found '='",
        b"resource a 'x@1' {}": "expected '=' after the resource type, found '{'",
        b"resource a 'x@1' = 3": "expected the resource's body: '{', 'if (...)' or '[for ...]', found the number 3",
        b"var a = {\n  b 1\n}": "expected ':' after the property name, found the number 1",
        b"var a = [1 2]": "expected ',', a new line or ']' after the array item, found the number 2",
        b"var a = f(1 2)": "expected ')' to close the parenthesis opened at line 1, found the number 2",
        b"var a = 1 2": "expected a new line after the declaration, found the number 2",
        b"foo = 1": "expected a declaration (param, var, resource, module, output, type, func, import...), "
                    "found 'foo'",
        b"var a = '${b": "expected '}' to end the '${' of the string at line 1, found the end of the file",
        b"var a = [for x in y {}]": "expected ':' after the loop's collection, found '{'",
        b"var a = b ? c": "expected ':' between the branches of '? :', found the end of the file",
    }
    for source, message in cases.items():
        _, problems = parse_syntax(source)
        assert [m for _, _, m in problems] == [message], source


def test_declarations_after_errors_survive_and_issues_are_capped():
    broken = b"".join(b"var v%d = (\n" % i for i in range(30))
    data = broken + b"param ok string = 'yes'\n"
    parsed = parse("a.bicep", data)
    assert len(parsed.issues) == 10
    assert parsed.blocks["param"]["ok"].attrs["default"].raw == "yes"


def test_deep_nesting_is_an_issue_not_a_crash():
    data = b"var a = " + b"[" * 5000 + b"]" * 5000 + b"\nvar b = 1\n"
    parsed = parse("a.bicep", data)
    assert parsed.issues and "nested" in parsed.issues[0].message
    assert parsed.blocks["var"]["b"].attrs["value"].raw == 1
    data = b"var a = " + b"!" * 5000 + b"true\n"
    assert parse("a.bicep", data).issues


def test_decorated_declaration_with_an_error_is_reported_once():
    data = b"@description('x')\n@secure()\nparam a string = (\nparam b string\n"
    parsed = parse("a.bicep", data)
    assert len(parsed.issues) == 1
    assert list(parsed.blocks["param"]) == ["b"]
