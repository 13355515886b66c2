"""analyzer.text: byte offsets -> (line, UTF-16 column), the unit of SARIF regions."""
from analyzer.model import Span
from analyzer.text import LineIndex, span, utf16_len


def test_ascii_positions_are_bytes_plus_one():
    data = b"ab\ncd\n\nx"
    index = LineIndex(data)
    assert [index.position(o) for o in range(len(data) + 1)] == [
        (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 1), (4, 1), (4, 2)]


def test_columns_count_utf16_code_units():
    line = '  tags = { "Équipe" = "🤖" }'
    data = ("x = 1\n" + line + "\n").encode()
    index = LineIndex(data)
    start = data.index(b"  tags")
    # é is 2 bytes and 1 unit; 🤖 is 4 bytes and 2 units (a surrogate pair)
    assert index.position(data.index("🤖".encode())) == (2, 24)
    assert index.position(data.index("🤖".encode()) + 4) == (2, 26)
    assert index.position(start + len(line.encode())) == (2, 29)  # exclusive end: 28 units + 1
    assert index.position(data.index(b'"\xc3\x89')) == (2, 12)
    assert index.position(data.index(b'quipe')) == (2, 14)


def test_span_helper():
    data = "é = \"🤖\"\nnext = 1\n".encode()
    index = LineIndex(data)
    start = data.index(b'"')
    end = data.index(b"\n")
    assert span("a/b.tf", index, start, end) == Span("a/b.tf", start, end, 1, 5, 1, 9)
    nxt = data.index(b"next")
    assert span("a/b.tf", index, nxt, nxt + 4) == Span("a/b.tf", nxt, nxt + 4, 2, 1, 2, 5)


def test_line_helpers():
    data = b"a {\n\t  b = 1\n}"
    index = LineIndex(data)
    b = data.index(b"b")
    assert index.line_start(b) == 4
    assert index.next_line_start(b) == data.index(b"}")
    assert index.next_line_start(len(data)) == len(data)
    assert index.indent(b) == "\t  "
    assert index.indent(0) == ""


def test_edges_empty_clamped_crlf_bom_invalid_utf8():
    assert LineIndex(b"").position(0) == (1, 1)
    index = LineIndex(b"abc")
    assert index.position(-5) == (1, 1)
    assert index.position(99) == (1, 4)
    crlf = LineIndex(b"a\r\nb")
    assert crlf.position(3) == (2, 1)
    bom = LineIndex(b"\xef\xbb\xbfab\ncd")
    assert bom.position(3) == (1, 1)  # the byte order mark is not a column
    assert bom.position(4) == (1, 2)
    assert bom.position(7) == (2, 2)
    bad = LineIndex(b"\xff\xfeab")  # each invalid byte counts as one U+FFFD
    assert bad.position(3) == (1, 4)


def test_utf16_len():
    assert utf16_len("aé🤖".encode()) == 4
    assert utf16_len(b"") == 0
