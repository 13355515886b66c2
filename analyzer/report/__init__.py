"""Reporters: a ScanResult rendered as text, JSON, SARIF, Markdown or GitHub workflow commands.

Each format lives in its own module and is imported only when asked for, so a scan that prints
text never loads the SARIF code. Every reporter is a pure function of the ScanResult (plus the
scanned files' text for snippets and line hashes).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyzer.findings import ScanResult

FORMATS = ("text", "json", "sarif", "markdown", "github")
_MODULES = {"text": "text", "json": "jsonout", "sarif": "sarif", "markdown": "markdown", "github": "github"}


def render(result: "ScanResult", fmt: str, *, color: bool = False, show_unknown: bool = False,
           quiet: bool = False) -> str:
    """The report in format `fmt` (one of FORMATS), ending with a newline (or empty for "github"
    when there is nothing to annotate).

    `color` adds ANSI colours (text only). `show_unknown` adds the UNKNOWN results: their own
    section in text and Markdown, the `unknowns` array in JSON, `kind: "review"` results in SARIF.
    `quiet` leaves out the text report's summary and skipped-files list (other formats ignore it).
    """
    try:
        module_name = _MODULES[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    module = importlib.import_module(f"analyzer.report.{module_name}")
    return module.render(result, color=color, show_unknown=show_unknown, quiet=quiet)
