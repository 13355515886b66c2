"""Bicep tokens: bytes -> a flat list of (kind, start, end, value) tuples, one pass, no backtracking.

Kinds:
- "id" (identifiers and keywords alike: Bicep keywords are contextual), "int" (value: int),
- strings: "str" (a complete '...' string, value: the unescaped text), "strl" / "strm" / "strr"
  (the left `'...${`, middle `}...${` and right `}...'` pieces of an interpolated string, value:
  the unescaped text of the piece), "mstr" (a multi-line '''...''' string, value: its text),
- "nl" (a line break: Bicep is newline-sensitive; comments are dropped, the newline after a line
  comment stays), "eof" (always last, empty),
- punctuation and operators as themselves: "{", "}", "[", "]", "(", ")", ",", ".", ".?", ":",
  "::", "?", "??", "!", "=", "==", "!=", "=~", "!~", "<", "<=", ">", ">=", "+", "-", "*", "/",
  "%", "&&", "||", "|", "@", "=>", "...", ";",
- "error" (a character Bicep does not have, value: a message).

Offsets are byte offsets into the input; `end` is exclusive. Problems (unterminated strings and
comments, unknown characters) come back as (start, end, message) issues; the lexer never raises.
"""
from __future__ import annotations

import re

Token = tuple  # (kind: str, start: int, end: int, value: object)

# One alternation with disjoint first characters: each token is matched in one step, never
# backtracked. Strings, block comments and multi-line strings are scanned by hand after their
# opening characters.
_TOKEN = re.compile(
    rb"(?P<ws>[ \t\r\f\v]+)"
    rb"|(?P<nl>\n)"
    rb"|(?P<lc>//[^\n]*)"
    rb"|(?P<bc>/\*)"
    rb"|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    rb"|(?P<int>[0-9]+)"
    rb"|(?P<ml>''')"
    rb"|(?P<sq>')"
    rb"|(?P<op>\.\.\.|\.\?|::|=>|==|!=|=~|!~|<=|>=|&&|\|\||\?\?|[{}\[\]().,:?!=<>+\-*/%@|;])"
)
# The body of a one-line string piece: anything but a quote, backslash, `$` before `{`, or newline.
_STRING_BODY = re.compile(rb"(?:[^'\\$\n]+|\\[^\n]|\$(?!\{))*")
_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]{1,6}\}|.)", re.S)
_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}
_MAX_ISSUES = 10


def _unescape(raw: bytes) -> tuple[str, str | None]:
    """The text of a string piece, and a problem message for an invalid escape (or None)."""
    text = raw.decode("utf-8", errors="replace")
    if "\\" not in text:
        return text, None
    problem: list[str] = []

    def one(m: re.Match) -> str:
        body = m.group(1)
        if body.startswith("u{"):
            code = int(body[2:-1], 16)
            if code > 0x10FFFF:
                problem.append("a unicode escape beyond U+10FFFF")
                return "\ufffd"
            return chr(code)
        if body in _ESCAPES:
            return _ESCAPES[body]
        problem.append(f"unknown escape sequence '\\{body}' (Bicep knows \\\\ \\' \\n \\r \\t \\$ \\u{{...}})")
        return body

    return _ESCAPE.sub(one, text), (problem[0] if problem else None)


def tokenize(data: bytes) -> tuple[list[Token], list[tuple[int, int, str]]]:
    """Tokens of `data` (see the module docstring) and lexical issues, in order."""
    tokens: list[Token] = []
    issues: list[tuple[int, int, str]] = []
    append = tokens.append
    match = _TOKEN.match
    size = len(data)
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    # One counter per open `${`: the `{`s opened inside it, so that its own `}` resumes the string.
    interpolations: list[int] = []

    def issue(start: int, end: int, message: str) -> None:
        if len(issues) < _MAX_ISSUES:
            issues.append((start, end, message))

    def string_piece(start: int, body_start: int, opener: str) -> int:
        """Scan a string piece whose body starts at `body_start`; emit it; return the new pos."""
        m = _STRING_BODY.match(data, body_start)
        end = m.end()
        text, problem = _unescape(data[body_start:end])
        if problem:
            issue(start, end, problem)
        if end < size and data[end] == 0x27:  # '
            append(("str" if opener == "'" else "strr", start, end + 1, text))
            return end + 1
        if end < size and data[end] == 0x24:  # ${
            append(("strl" if opener == "'" else "strm", start, end + 2, text))
            interpolations.append(0)
            return end + 2
        issue(start, end, "unterminated string: a quote ' is missing before the end of the line")
        append(("str" if opener == "'" else "strr", start, end, text))
        return end

    while pos < size:
        m = match(data, pos)
        if m is None:
            # a byte no token starts with: report the whole (UTF-8) character once
            end = pos + 1
            while end < size and 0x80 <= data[end] < 0xC0:
                end += 1
            char = data[pos:end].decode("utf-8", errors="replace")
            message = f"unexpected character {char!r}"
            if char == '"':
                message += " (Bicep strings use single quotes)"
            issue(pos, end, message)
            append(("error", pos, end, message))
            pos = end
            continue
        kind = m.lastgroup
        end = m.end()
        if kind == "ws" or kind == "lc":
            pos = end
        elif kind == "id":
            append(("id", pos, end, data[pos:end].decode("ascii")))
            pos = end
        elif kind == "nl":
            # a string cannot span lines: an interpolation still open here was never closed, and
            # forgetting it keeps the `}`s of the lines below what they are
            interpolations.clear()
            append(("nl", pos, end, None))
            pos = end
        elif kind == "op":
            op = data[pos:end].decode("ascii")
            if interpolations:
                if op == "{":
                    interpolations[-1] += 1
                elif op == "}":
                    if interpolations[-1] == 0:
                        interpolations.pop()
                        pos = string_piece(pos, end, "}")
                        continue
                    interpolations[-1] -= 1
            append((op, pos, end, None))
            pos = end
        elif kind == "int":
            append(("int", pos, end, int(data[pos:end])))
            pos = end
        elif kind == "sq":
            pos = string_piece(pos, end, "'")
        elif kind == "ml":
            close = data.find(b"'''", end)
            if close < 0:
                issue(pos, size, "unterminated multi-line string: ''' is missing")
                close = size
                stop = size
            else:
                # `''''abc''''` is "'abc'": the string ends at the last quote of the run
                stop = close + 3
                while stop < size and data[stop] == 0x27:
                    stop += 1
                close = stop - 3
            body = data[end:close]
            # the line break right after the opening quotes is not part of the string
            if body.startswith(b"\r\n"):
                body = body[2:]
            elif body.startswith(b"\n"):
                body = body[1:]
            append(("mstr", pos, stop, body.decode("utf-8", errors="replace")))
            pos = stop
        else:  # block comment
            close = data.find(b"*/", end)
            if close < 0:
                issue(pos, size, "unterminated comment: */ is missing")
                pos = size
            else:
                pos = close + 2
    append(("eof", size, size, None))
    return tokens, issues
