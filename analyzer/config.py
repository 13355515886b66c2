"""Configuration: `.aiposture.toml` (keys at the top level) or `[tool.aiposture]` in pyproject.toml.

    [tool.aiposture]
    select = ["AIP1"]
    ignore = ["AIP111"]
    fail-on = "medium"
    exclude = ["examples/**", "vendor/", "*.tf.json"]
    training-data = ["ml/corpus/*.txt"]   # also training data (besides data/, datasets/, train/...)

    [tool.aiposture.per-path-ignores]
    "legacy/**" = ["AIP104"]

    [tool.aiposture.severity-overrides]
    AIP104 = "high"

Keys are kebab-case; snake_case spellings (`fail_on`) are accepted too. Every problem is a
UsageError of one line naming the file and the key, so the command line exits 2 with it.
Paths in `exclude` and `per-path-ignores` are gitignore-like globs over POSIX paths relative to
the scan root (see `compile_globs`).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from analyzer.errors import UsageError

CONFIG_FILE = ".aiposture.toml"
PYPROJECT = "pyproject.toml"
SEVERITIES = ("critical", "high", "medium", "low", "info")
KEYS = ("select", "ignore", "per-path-ignores", "fail-on", "exclude", "severity-overrides", "training-data")


@dataclass(frozen=True)
class Config:
    path: str | None = None  # the file it was read from; None when there is none
    select: tuple[str, ...] = ()  # rule selectors: ids, id prefixes, names, name globs
    ignore: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, rule selectors)
    fail_on: str | None = None  # a severity label or "never"
    exclude: tuple[str, ...] = ()  # globs of files and folders not to scan
    severity_overrides: Mapping[str, str] = field(default_factory=dict)  # rule selector -> severity label
    training_data: tuple[str, ...] = ()  # globs of files read for personal data, besides the usual data folders


def load(paths: Sequence[str], explicit: str | None = None) -> Config:
    """The configuration for a scan of `paths`: the file given with --config, else the first
    `.aiposture.toml`, or pyproject.toml with a `[tool.aiposture]` table, found from the scan
    root upward (stopping at the filesystem root or the folder that holds `.git`)."""
    if explicit is not None:
        if not os.path.isfile(explicit):
            raise UsageError(f"no such configuration file: {explicit}")
        document = _read(explicit)
        if os.path.basename(explicit) == PYPROJECT:
            table = _tool_table(document)
            if table is None:
                raise UsageError(f"{_shown(explicit)}: has no [tool.aiposture] table")
            return _validate(table, explicit, "tool.aiposture")
        return _validate(document, explicit, "")
    found = find(paths)
    if found is None:
        return Config()
    path, table, where = found
    return _validate(table, path, where)


def find(paths: Sequence[str]) -> tuple[str, dict, str] | None:
    """(file, its aiposture table, the table's name for messages) of the nearest configuration."""
    from analyzer.engine import scan_root

    folder = scan_root(list(paths) or ["."])
    while True:
        candidate = os.path.join(folder, CONFIG_FILE)
        if os.path.isfile(candidate):
            return candidate, _read(candidate), ""
        candidate = os.path.join(folder, PYPROJECT)
        if os.path.isfile(candidate):
            table = _tool_table(_read(candidate))
            if table is not None:
                return candidate, table, "tool.aiposture"
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            return None
        folder = parent


def _tool_table(document: dict) -> Any:
    tool = document.get("tool")
    return tool.get("aiposture") if isinstance(tool, dict) else None


def _read(path: str) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise UsageError(f"{_shown(path)}: cannot be read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{_shown(path)}: not valid TOML: {error}") from None


def _shown(path: str) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative


def _validate(table: Any, path: str, where: str) -> Config:
    """Check every key and value of the table; `where` is the table's name ("tool.aiposture" in
    pyproject.toml, "" for the top level of .aiposture.toml), for messages."""
    import difflib

    from analyzer.engine import select_checks
    from checks import ALL_CHECKS

    def fail(key: str, message: str, table: str = "") -> UsageError:
        """`pyproject.toml: [tool.aiposture.per-path-ignores] "legacy/**": message`."""
        key = key if table else written.get(key, key)
        table = written.get(table, table)
        name = ".".join(part for part in (where, table) if part)
        header = f"[{name}] " if name else ""
        return UsageError(f"{_shown(path)}: {header}{_key(key)}: {message}")

    def rules(key: str, value: Any, table: str = "") -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise fail(key, f"must be a list of rule ids or names, not {_type(value)}", table)
        for selector in value:
            try:
                if not selector.strip():  # a prefix of every id: it would match every rule
                    raise UsageError(selector)
                select_checks(ALL_CHECKS, [selector])
            except UsageError:
                raise fail(key, f"unknown rule {selector!r} (see `aiposture rules`)", table) from None
        return tuple(value)

    def globs(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise fail(key, f"must be a list of path globs, not {_type(value)}")
        return tuple(value)

    def table_of(key: str, value: Any) -> dict:
        if not isinstance(value, dict):
            raise fail(key, f"must be a table, not {_type(value)}")
        return value

    if not isinstance(table, dict):
        raise UsageError(f"{_shown(path)}: [{where}] must be a table, not {_type(table)}")
    written: dict[str, str] = {}  # canonical key -> the key as written, for messages
    values: dict[str, Any] = {}  # canonical key -> value
    for key, value in table.items():
        canonical = key.replace("_", "-")
        if canonical not in KEYS:
            hint = difflib.get_close_matches(canonical, KEYS, n=1)
            advice = (f"did you mean {hint[0]!r}?" if hint else
                      f"write the keys at the top level of {CONFIG_FILE}" if key == "tool" and not where else
                      f"known keys: {', '.join(KEYS)}")
            raise fail(key, f"unknown key; {advice}")
        if canonical in values:
            raise fail(key, f"given twice (as {canonical!r} and {canonical.replace('-', '_')!r})")
        values[canonical], written[canonical] = value, key

    config: dict[str, Any] = {"path": path}
    if "select" in values:
        config["select"] = rules("select", values["select"])
    if "ignore" in values:
        config["ignore"] = rules("ignore", values["ignore"])
    if "exclude" in values:
        config["exclude"] = globs("exclude", values["exclude"])
    if "training-data" in values:
        config["training_data"] = globs("training-data", values["training-data"])
    if "fail-on" in values:
        fail_on = values["fail-on"]
        if not isinstance(fail_on, str) or fail_on.strip().lower() not in SEVERITIES + ("never",):
            raise fail("fail-on", f"{fail_on!r} is not a severity ({', '.join(SEVERITIES + ('never',))})")
        config["fail_on"] = fail_on.strip().lower()
    if "per-path-ignores" in values:
        ignores = table_of("per-path-ignores", values["per-path-ignores"])
        config["per_path_ignores"] = tuple((glob, rules(glob, selectors, "per-path-ignores"))
                                           for glob, selectors in ignores.items())
    if "severity-overrides" in values:
        overrides = {}
        for selector, label in table_of("severity-overrides", values["severity-overrides"]).items():
            rules(selector, [selector], "severity-overrides")
            if not isinstance(label, str) or label.strip().lower() not in SEVERITIES:
                raise fail(selector, f"{label!r} is not a severity ({', '.join(SEVERITIES)})", "severity-overrides")
            overrides[selector] = label.strip().lower()
        config["severity_overrides"] = overrides
    return Config(**config)


def _key(key: str) -> str:
    """A TOML key as written: bare when it can be, else quoted."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'


def _type(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "a list",
             dict: "a table"}
    return names.get(type(value), type(value).__name__)


# --- gitignore-like globs ------------------------------------------------------------------------


def compile_globs(patterns: Sequence[str]) -> Callable[[str, bool], bool]:
    """A test `(path, is_dir) -> bool` for root-relative POSIX paths, with gitignore's rules:
    a pattern without a slash matches a name at any depth (`*.tf.json`, `vendor`); one with a
    slash is anchored at the root (`examples/**`, `/build`); a trailing slash matches folders
    only (`vendor/`); `*` and `?` stay within a name, `**` crosses folders. A path also matches
    when one of its parent folders does, so `legacy/` covers every file under it."""
    compiled = []
    for pattern in patterns:
        text = pattern.strip()
        folders_only = text.endswith("/")
        anchored = "/" in text.rstrip("/")
        text = text.strip("/")
        regex = _translate(text)
        if not anchored:
            regex = "(?:.*/)?" + regex
        compiled.append((re.compile(regex + r"\Z"), folders_only))

    def matches(path: str, is_dir: bool = False) -> bool:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            candidate = "/".join(parts[:depth])
            candidate_is_dir = depth < len(parts) or is_dir
            for regex, folders_only in compiled:
                if (candidate_is_dir or not folders_only) and regex.match(candidate):
                    return True
        return False

    return matches


def _translate(glob: str) -> str:
    """A glob as a regular expression: `**/` any folders, `**` anything, `*` and `?` within a
    name, `[...]` a character class."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[" and "]" in glob[i + 2:]:
            end = glob.index("]", i + 2)
            body = glob[i + 1:end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body[0] in "!^" else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)
