""".bicepparam files: the parameter values a deployment of one .bicep file uses.

    read_bicepparam(path, *, root=None) -> (using path | None, {param name: plain value})

A .bicepparam file is read with the Bicep parser (`using './main.bicep'`, `param x = <expr>`,
`var`, `import` of exported symbols, comments) and each param's expression is evaluated with the
Bicep evaluator: literals, arrays, objects, other params and vars of the file, functions.
`readEnvironmentVariable()` and `getSecret()` are Unknown (reason "variable"): the environment of
the machine that scans is not the deployment's, and secrets are never read.

Never raises: an unreadable file gives (None, {}). A param whose declaration has a syntax error
is Unknown (not absent: absent would let the template's default stand in for a value the author
did set). The using path is returned as written; `using none` and a file without `using` give
None; `extends` (a base .bicepparam) is not followed.
"""
from __future__ import annotations

import os
import re
from typing import Any

from analyzer.model import Unknown
from parsers.bicep.evaluate import MAX_FILE, Template

_PARAM_LINE = re.compile(rb"^[ \t]*param[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.M)


def read_bicepparam(path: str, *, root: str | None = None) -> tuple[str | None, dict[str, Any]]:
    """The `using` path as written and the params' values (plain data, Unknown where they cannot
    be known). `root` bounds the files an `import` may read (default: the file's folder)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE + 1)
    except OSError:
        return None, {}
    if len(data) > MAX_FILE:
        return None, {}
    return bicepparam_values(path, data, root=root)


def bicepparam_values(path: str, data: bytes, *, root: str | None = None) -> tuple[str | None, dict[str, Any]]:
    """read_bicepparam over bytes already read (`path` names the file and its folder)."""
    try:
        from parsers.bicep.parse import parse

        parsed = parse(path, data)
        folder = os.path.dirname(os.path.abspath(path))
        template = Template(parsed, None, folder=folder, root=root if root is not None else folder)
        using = None
        for record in parsed.blocks.get("using", {}).values():
            written = record.attrs.get("path")
            if record.meta.get("keyword", "using") == "using" and written is not None \
                    and isinstance(written.raw, str) and written.raw != "none":
                using = written.raw
        values: dict[str, Any] = {}
        for name in parsed.blocks.get("param", {}):
            if "#" not in name:  # a repeated param is an error in Bicep: the first stands
                values[name] = template.param(name)
        for m in _PARAM_LINE.finditer(data):
            name = m.group(1).decode("ascii")
            values.setdefault(name, Unknown(name, "variable"))  # declared, but not readable
        return using, values
    except Exception:  # a bug of ours: no values rather than wrong ones
        return None, {}
