"""Positions in a file's bytes: byte offsets -> 1-based line and UTF-16 column, for every parser.

Parsers work on bytes (tree-sitter reports byte offsets); people and SARIF want lines and columns,
and SARIF columns count UTF-16 code units. `LineIndex` makes that conversion cheap: a bisect over
the line starts, and no decoding at all when the file is ASCII.

Lines end at "\\n" only ("\\r\\n" works because the "\\r" is just the last character of its line);
a lone "\\r" does not start a line, as in tree-sitter. A UTF-8 byte order mark is not counted
in the first line's columns (editors do not show it).
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from analyzer.model import Span


class LineIndex:
    """Maps byte offsets of one file to (line, column), both 1-based, columns in UTF-16 units."""

    __slots__ = ("data", "size", "starts", "ascii", "bom")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)
        # starts[i] is the byte offset of line i+1
        self.starts = [0, *accumulate(len(line) + 1 for line in data.split(b"\n")[:-1])]
        self.ascii = data.isascii()
        self.bom = data.startswith(b"\xef\xbb\xbf")

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a byte offset; offsets past the end clamp to the end of the file."""
        if offset < 0:
            offset = 0
        elif offset > self.size:
            offset = self.size
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        if self.ascii:
            return line + 1, offset - start + 1
        if line == 0 and self.bom:
            start = min(3, offset)
        prefix = self.data[start:offset]
        if prefix.isascii():
            return line + 1, len(prefix) + 1
        return line + 1, utf16_len(prefix) + 1

    def line_start(self, offset: int) -> int:
        """Byte offset of the start of the line containing `offset`."""
        return self.starts[bisect_right(self.starts, max(0, offset)) - 1]

    def next_line_start(self, offset: int) -> int:
        """Byte offset of the start of the line after the one containing `offset` (or the end)."""
        line = bisect_right(self.starts, max(0, offset))
        return self.starts[line] if line < len(self.starts) else len(self.data)

    def indent(self, offset: int) -> str:
        """The leading spaces and tabs of the line containing `offset`."""
        start = self.line_start(offset)
        end = start
        while end < len(self.data) and self.data[end] in b" \t":
            end += 1
        return self.data[start:end].decode("ascii")


def utf16_len(raw: bytes) -> int:
    """Number of UTF-16 code units of UTF-8 bytes (an invalid byte counts as one U+FFFD)."""
    # characters outside the BMP take two code units (a surrogate pair); decoding with "replace"
    # never yields a lone surrogate, so the encode cannot fail
    return len(raw.decode("utf-8", errors="replace").encode("utf-16-le")) // 2


def span(path: str, index: LineIndex, start: int, end: int) -> Span:
    """The Span of bytes [start, end) of the file `index` was built from."""
    line, col = index.position(start)
    end_line, end_col = index.position(end)
    return Span(path, start, end, line, col, end_line, end_col)
