"""The Bicep lexer: token kinds, strings and their escapes, interpolation, comments, problems."""
from parsers.bicep.lexer import tokenize


def kinds(text: str) -> list[str]:
    return [t[0] for t in tokenize(text.encode())[0]]


def test_operators_are_one_token_each():
    assert kinds("a.?b ?? c[?0]!") == ["id", ".?", "id", "??", "id", "[", "?", "int", "]", "!", "eof"]
    assert kinds("x => ...y :: z =~ w !~ v != u") == [
        "id", "=>", "...", "id", "::", "id", "=~", "id", "!~", "id", "!=", "id", "eof"]
    assert kinds("a <= b >= c && d || e | f") == [
        "id", "<=", "id", ">=", "id", "&&", "id", "||", "id", "|", "id", "eof"]


def test_newlines_are_tokens_and_comments_are_dropped():
    assert kinds("a // c\nb /* x\ny */ c\n") == ["id", "nl", "id", "id", "nl", "eof"]


def test_string_escapes_and_offsets():
    tokens, issues = tokenize(rb"'it\'s \\ \n\t \$ \u{1F600} $x'")
    assert issues == []
    kind, start, end, value = tokens[0]
    assert (kind, start, end) == ("str", 0, 31)
    assert value == "it's \\ \n\t $ \U0001F600 $x"


def test_interpolation_pieces_and_nested_braces():
    tokens, issues = tokenize(b"'a${ {k: 'v${x}'}.k }b${y}c'")
    assert issues == []
    assert [t[0] for t in tokens] == [
        "strl", "{", "id", ":", "strl", "id", "strr", "}", ".", "id", "strm", "id", "strr", "eof"]
    assert [t[3] for t in tokens if t[0].startswith("str")] == ["a", "v", "", "b", "c"]


def test_multiline_strings():
    tokens, _ = tokenize(b"'''\nline 1\n  ${not} 'q'\n'''")
    assert tokens[0][0] == "mstr" and tokens[0][3] == "line 1\n  ${not} 'q'\n"
    # the closing quotes are the last three of a run: ''''abc'''' is 'abc'
    tokens, _ = tokenize(b"''''abc''''")
    assert tokens[0][3] == "'abc'" and tokens[0][2] == 11
    tokens, _ = tokenize(b"'''hello!'''")
    assert tokens[0][3] == "hello!"


def test_utf8_offsets_are_bytes():
    tokens, _ = tokenize("'Zürich' x".encode())
    assert tokens[0][1:3] == (0, 9) and tokens[1][1:3] == (10, 11)


def test_problems_are_reported_not_raised():
    tokens, issues = tokenize(b"'open\nx \"y\" # /* never closed")
    messages = [m for _, _, m in issues]
    assert messages[0].startswith("unterminated string")
    assert "single quotes" in messages[1]
    assert any("'#'" in m for m in messages)
    assert messages[-1].startswith("unterminated comment")
    assert tokens[-1][0] == "eof"
    _, issues = tokenize(b"'''never closed")
    assert issues[0][2].startswith("unterminated multi-line string")
    _, issues = tokenize(rb"'\q'")
    assert "unknown escape" in issues[0][2]


def test_an_interpolation_left_open_does_not_swallow_the_next_lines():
    tokens, _ = tokenize(b"var a = '${x\nvar b = {\n}\n")
    # the `}` on the third line closes the object, it does not resume the string
    assert [t[0] for t in tokens][-6:] == ["=", "{", "nl", "}", "nl", "eof"]
