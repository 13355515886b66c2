"""parsers.terraform.hcl on broken and hostile input: issues at the right place, the rest kept."""
import glob
import os

import pytest

from analyzer.model import ParsedFile
from parsers.terraform import hcl

DATA = os.path.join(os.path.dirname(__file__), "data")


def issues(parsed):
    return [(i.span.line, i.span.col, i.message) for i in parsed.issues]


def addresses(parsed):
    return [r.address for r in parsed.resources]


def test_missing_closing_brace_keeps_the_next_resource():
    data = b'''resource "aws_s3_bucket" "one" {
  bucket = "one"
  tags = {
    team = "ml"

resource "aws_sagemaker_model" "two" {
  name = "two"
}
'''
    parsed = hcl.parse("broken.tf", data)
    assert addresses(parsed) == ["aws_sagemaker_model.two"]
    assert parsed.resources[0].attrs["name"].span.line == 7
    assert issues(parsed) == [(3, 10, "unclosed `{`: missing `}`")]  # the `{` of `tags = {`


def test_stray_token_keeps_the_resources_before_and_after():
    data = b'''resource "aws_kms_key" "before" {
  description = "ok"
}

resource "aws_s3_bucket" "broken" {
  bucket = "x" @@
  acl    = "private"
}

resource "aws_sagemaker_model" "after" {
  name = "after"
}
'''
    parsed = hcl.parse("broken.tf", data)
    # the broken block is dropped: its absent attributes would look like provider defaults
    assert addresses(parsed) == ["aws_kms_key.before", "aws_sagemaker_model.after"]
    assert issues(parsed) == [(6, 16, "unexpected `@@`")]
    assert parsed.issues[0].span.path == "broken.tf"


def test_second_value_on_one_line():
    data = b'resource "aws_s3_bucket" "artifacts" {\n  bucket = "ml-artifacts" "oops"\n}\n\nresource "t" "ok" {}\n'
    parsed = hcl.parse("x.tf", data)
    assert issues(parsed) == [(2, 27, 'unexpected `"oops"`')]
    assert addresses(parsed) == ["t.ok"]


def test_unclosed_bracket_and_a_missing_value():
    parsed = hcl.parse("x.tf", b'resource "a" "b" {\n  list = [1, 2\n}\nresource "c" "d" {\n  x = 1\n}\n')
    assert issues(parsed) == [(2, 10, "unclosed `[`: missing `]`")]
    assert addresses(parsed) == ["c.d"]
    parsed = hcl.parse("x.tf", b'resource "a" "b" {\n  x =\n}\nresource "c" "d" {}\n')
    assert len(parsed.issues) == 1 and parsed.issues[0].span.line in (2, 3)
    assert addresses(parsed) == ["c.d"]


def test_stray_closing_brace_at_top_level():
    parsed = hcl.parse("x.tf", b'resource "a" "b" {\n  x = 1\n}\n}\nresource "c" "d" {}\n')
    assert issues(parsed) == [(4, 1, "unexpected `}`")]
    assert addresses(parsed) == ["a.b", "c.d"]


def test_issues_are_bounded():
    data = b"".join(b'resource "t" "r%d" {\n  a = "x" @@\n}\n' % i for i in range(50))
    parsed = hcl.parse("x.tf", data)
    assert 1 <= len(parsed.issues) <= 10


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", b"# only a comment\n", b"/* block */", b"\xef\xbb\xbf"])
def test_empty_and_blank_files(data):
    parsed = hcl.parse("x.tf", data)
    assert parsed == ParsedFile("x.tf", "terraform")


@pytest.mark.parametrize("data", [
    bytes(range(256)),
    b"\x00" * 100,
    os.urandom(0) + bytes((i * 7919) % 256 for i in range(4096)),
    b'resource "a" "b" {\n  x = "\xff\xfe"\n}\n' + b"\x89PNG\r\n\x1a\n" * 20,
    b"{" * 3000,
    b"[" * 3000,
    b'resource "a" "b" {\n' + b"  c {\n" * 500 + b"  }\n" * 500 + b"}\n",
    b"a = " + b"[" * 2000 + b"]" * 2000 + b"\n",
    b'a = "' + b"${" * 500 + b'"\n',
    b"<<EOT\n" * 100,
    "resource \"é\" \"🤖\" {\n  ü = \"🤖\"\n".encode(),
])
def test_hostile_input_never_raises(data):
    parsed = hcl.parse("x.tf", data)
    assert isinstance(parsed, ParsedFile)
    assert len(parsed.issues) <= 10
    for issue in parsed.issues:
        assert 0 <= issue.span.start <= issue.span.end <= len(data)
        assert issue.span.line >= 1 and issue.span.col >= 1


def test_deep_nesting_that_parses_becomes_unknown_past_the_limit():
    data = b'resource "a" "b" {\n  x = ' + b"[" * 300 + b"1" + b"]" * 300 + b"\n}\n"
    parsed = hcl.parse("x.tf", data)
    assert parsed.issues == ()
    value = parsed.resources[0].attrs["x"]
    depth = 0
    while isinstance(value.raw, list):
        value, depth = value.raw[0], depth + 1
    assert value.unknown and depth < 300


def test_invalid_utf8_in_a_string_keeps_offsets():
    data = b'resource "a" "b" {\n  x = "caf\xe9"\n  y = "after"\n}\n'
    [r] = hcl.parse("x.tf", data).resources
    assert r.attrs["x"].raw == "caf\ufffd"
    y = r.attrs["y"]
    assert data[y.span.start:y.span.end] == b'"after"'
    assert (y.span.line, y.span.col) == (3, 7)


def test_error_in_a_nested_block_drops_only_that_resource():
    data = b'''resource "a" "one" {
  inner {
    k = [
  }
}
resource "a" "two" {
  inner {
    k = 1
  }
}
'''
    parsed = hcl.parse("x.tf", data)
    assert addresses(parsed) == ["a.two"]
    assert len(parsed.issues) == 1 and parsed.issues[0].span.line in (3, 4)


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(DATA, "*.tf"))))
def test_realistic_files_have_no_issues(path):
    with open(path, "rb") as handle:
        parsed = hcl.parse(os.path.basename(path), handle.read())
    assert parsed.issues == ()
    assert parsed.resources


def test_valid_syntax_tree_sitter_rejects_is_not_a_user_error():
    # `1e3` is valid HCL; tree-sitter-hcl 1.2.0 has no exponent without a fraction
    parsed = hcl.parse("x.tf", b'resource "a" "b" {\n  x = 1e3\n  y = [2e-1]\n}\n')
    assert parsed.issues == ()
    assert parsed.resources[0].attrs["x"].raw == 1000.0
    # and a real error in the same file is still reported where it is
    parsed = hcl.parse("x.tf", b'resource "a" "b" {\n  x = 1e3\n  y = "a" "b"\n}\nresource "c" "d" {}\n')
    assert issues(parsed) == [(3, 11, 'unexpected `"b"`')]
    assert addresses(parsed) == ["c.d"]
