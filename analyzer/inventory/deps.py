"""Dependency declarations, read statically from every file format that holds them.

Each reader takes a file's scan-root relative path and bytes and returns every package it
declares (AI or not: the supply-chain checks judge all names) with its line, and the package
indexes it names. Nothing is executed: setup.py is read with `ast`, TOML with tomllib, YAML with
the safe loader; a file that does not parse yields what could be read before the error, or
nothing.
"""
from __future__ import annotations

import ast
import json
import posixpath
import re
import warnings
from typing import Callable, Optional

from analyzer.inventory.catalog import CONDA_TO_PYPI, normalize, npm_category, pypi_category
from analyzer.inventory.items import IndexUrl, Package

Reader = Callable[[str], Optional[bytes]]  # scan-root relative path -> bytes, None when unreadable
Found = tuple[list[Package], list[IndexUrl]]

MAX_INCLUDE_DEPTH = 10

_REQUIREMENTS = re.compile(r"(^|.*[-_.])(requirements|constraints|requires)([-_.].*)?\.(txt|in|pip)$")
_DOCKERFILE = re.compile(r"^(dockerfile|containerfile)([-_.].*)?$|.*\.(dockerfile|containerfile)$")
_CONDA = re.compile(r"^(environment|conda|env)([-_.].*)?\.ya?ml$")

# file name -> reader name (the exact names); the patterns above cover the rest
_EXACT = {"pyproject.toml": "pyproject", "pipfile": "pipfile", "pipfile.lock": "pipfile.lock",
          "poetry.lock": "poetry.lock", "uv.lock": "uv.lock", "pdm.lock": "pdm.lock", "setup.cfg": "setup.cfg",
          "setup.py": "setup.py", "package.json": "package.json", "package-lock.json": "package-lock.json",
          "npm-shrinkwrap.json": "package-lock.json", "yarn.lock": "yarn.lock", "pnpm-lock.yaml": "pnpm-lock.yaml",
          "pip.conf": "pip.conf", "pip.ini": "pip.conf"}


def dependency_source(path: str) -> str:
    """Which reader a file needs, from its name ("" when it declares no dependencies)."""
    name = posixpath.basename(path).lower()
    if name in _EXACT:
        return _EXACT[name]
    if _DOCKERFILE.match(name):
        return "dockerfile"
    if _REQUIREMENTS.match(name) or (posixpath.basename(posixpath.dirname(path)).lower() == "requirements"
                                     and name.endswith((".txt", ".in"))):
        return "requirements"
    if _CONDA.match(name):
        return "conda"
    return ""


def read_dependencies(path: str, data: bytes, read: Reader | None = None) -> Found:
    """The packages and indexes a dependency file declares. `read` opens a file a requirements
    file includes (-r, -c); without it includes are not followed."""
    source = dependency_source(path)
    text = data.decode("utf-8", "replace")
    try:
        if source == "requirements":
            return read_requirements(path, text, read)
        if source == "dockerfile":
            from analyzer.inventory.docker import read_dockerfile

            found = read_dockerfile(path, text, read)
            return found.packages, found.indexes
        reader = _READERS.get(source)
        return reader(path, text) if reader else ([], [])
    except RecursionError:
        return [], []


# --- PEP 508 ----------------------------------------------------------------------------------

_PEP508 = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$", re.S)


def parse_requirement(text: str) -> tuple[str, str, str] | None:
    """(name as written, exact version or "", specifier) of a PEP 508 requirement, or None."""
    match = _PEP508.match(text)
    if not match:
        return None
    name, rest = match.group(1), match.group(3)
    rest = rest.split(";", 1)[0].strip()
    if rest.startswith("@"):
        return name, "", rest  # a direct URL reference
    rest = rest.strip("() ")
    if rest and not re.match(r"^(===?|~=|!=|<=?|>=?)", rest):
        return None  # not a requirement (prose, a path)
    exact = re.fullmatch(r"===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)", rest)
    return name, exact.group(1) if exact else "", rest


def _pypi(name: str, version: str, spec: str, file: str, line: int, source: str, scope: str = "") -> Package:
    return Package("pypi", normalize(name), version, spec, file, line, source, scope, name, pypi_category(name))


# --- requirements files ---------------------------------------------------------------------

def _logical_lines(text: str):
    """(first line number, text) of each logical line: `\\` continues, comments dropped."""
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw)
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        if buffer.strip():
            yield start, buffer.strip()
        buffer = ""
    if buffer.strip():
        yield start, buffer.strip()


_OPTION = re.compile(r"^(-[a-zA-Z]|--[a-z-]+)(?:[= ]\s*(\S+))?")


def read_requirements(path: str, text: str, read: Reader | None = None, scope: str = "",
                      seen: set[str] | None = None, depth: int = 0) -> Found:
    seen = seen if seen is not None else set()
    seen.add(path)
    packages: list[Package] = []
    indexes: list[IndexUrl] = []
    for number, line in _logical_lines(text):
        if line.startswith("-"):
            match = _OPTION.match(line)
            if not match:
                continue
            option, value = match.group(1), match.group(2) or ""
            if option in ("-i", "--index-url", "--extra-index-url"):
                indexes.append(IndexUrl(value, option == "--extra-index-url", path, number, "requirements"))
            elif option in ("-r", "--requirement", "-c", "--constraint") and value and read and depth < MAX_INCLUDE_DEPTH:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), value))
                if target.startswith("../") or target in seen:
                    continue
                data = read(target)
                if data is not None:
                    more, more_indexes = read_requirements(
                        target, data.decode("utf-8", "replace"), read,
                        "constraint" if option in ("-c", "--constraint") else scope, seen, depth + 1)
                    packages += more
                    indexes += more_indexes
            elif option in ("-e", "--editable") and value:
                egg = re.search(r"#egg=([A-Za-z0-9._-]+)", value)
                if egg:
                    packages.append(_pypi(egg.group(1), "", value, path, number, "requirements", scope))
            continue
        if "://" in line.split("@")[0] or line.startswith((".", "/")):
            egg = re.search(r"#egg=([A-Za-z0-9._-]+)", line)
            if egg:
                packages.append(_pypi(egg.group(1), "", line.split("#", 1)[0], path, number, "requirements", scope))
            continue
        requirement = line.split(" --", 1)[0]  # per-requirement options (--hash) follow
        parsed = parse_requirement(requirement)
        if parsed:
            packages.append(_pypi(parsed[0], parsed[1], parsed[2], path, number, "requirements", scope))
    return packages, indexes


def read_pip_conf(path: str, text: str) -> Found:
    indexes = []
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^\s*(index-url|extra-index-url)\s*[=:]\s*(\S+)", line)
        if match:
            indexes.append(IndexUrl(match.group(2), match.group(1) == "extra-index-url", path, number, "pip.conf"))
    return [], indexes


# --- TOML files -----------------------------------------------------------------------------

def _toml(text: str):
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except (ValueError, TypeError):
        return None


class _Lines:
    """Line numbers of what a TOML or JSON parser found (those parsers give no positions): the
    first match at or after a table's header."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def table(self, *names: str) -> int:
        """The 0-based line of the header of the first table named (dotted, unquoted), or 0."""
        wanted = set(names)
        for index, line in enumerate(self.lines):
            stripped = line.strip()
            if stripped.startswith("[") and "]" in stripped:
                header = re.sub(r"[\s\"']", "", stripped.strip("[]").split("]")[0])
                if header in wanted:
                    return index
        return 0

    def find(self, pattern: str, after: int = 0) -> int:
        """The 1-based line of the first match of a regular expression at or after a 0-based line."""
        compiled = re.compile(pattern)
        for index in range(after, len(self.lines)):
            if compiled.search(self.lines[index]):
                return index + 1
        for index in range(0, min(after, len(self.lines))):
            if compiled.search(self.lines[index]):
                return index + 1
        return after + 1

    def string(self, value: str, after: int = 0) -> int:
        return self.find("[\"']" + re.escape(value) + "[\"']", after)

    def key(self, key: str, after: int = 0) -> int:
        return self.find(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*[=:]", after)

    def json_key(self, key: str, after: int = 0) -> int:
        return self.find('"' + re.escape(key) + r'"\s*:', after)


def read_pyproject(path: str, text: str) -> Found:
    data = _toml(text)
    if not isinstance(data, dict):
        return [], []
    lines = _Lines(text)
    packages: list[Package] = []

    def strings(values, table_line: int, scope: str) -> None:
        for value in values if isinstance(values, list) else []:
            if isinstance(value, str):
                parsed = parse_requirement(value)
                if parsed:
                    packages.append(_pypi(parsed[0], parsed[1], parsed[2], path, lines.string(value, table_line),
                                          "pyproject", scope))

    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    strings(project.get("dependencies"), lines.table("project"), "")
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        start = lines.table("project.optional-dependencies") or lines.table("project")
        for extra, values in optional.items():
            strings(values, lines.key(extra, start) - 1, f"optional:{extra}")
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        start = lines.table("dependency-groups")
        for group, values in groups.items():
            strings(values, lines.key(group, start) - 1, f"group:{group}")
    build = data.get("build-system")
    if isinstance(build, dict):
        strings(build.get("requires"), lines.table("build-system"), "build")
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    tables = [("tool.poetry.dependencies", poetry.get("dependencies"), ""),
              ("tool.poetry.dev-dependencies", poetry.get("dev-dependencies"), "dev")]
    group_tables = poetry.get("group") if isinstance(poetry.get("group"), dict) else {}
    for group, body in group_tables.items():
        if isinstance(body, dict):
            tables.append((f"tool.poetry.group.{group}.dependencies", body.get("dependencies"), f"group:{group}"))
    for header, table, scope in tables:
        if isinstance(table, dict):
            packages += _poetry_table(path, table, lines, lines.table(header), scope, "pyproject")
    for name in ("uv", "pdm"):
        section = tool.get(name) if isinstance(tool.get(name), dict) else {}
        dev = section.get("dev-dependencies")
        if isinstance(dev, list):
            strings(dev, lines.table(f"tool.{name}"), "dev")
        elif isinstance(dev, dict):
            for group, values in dev.items():
                strings(values, lines.table(f"tool.{name}.dev-dependencies"), f"group:{group}")
    return packages, []


def _poetry_table(path: str, table: dict, lines: _Lines, start: int, scope: str, source: str) -> list[Package]:
    found = []
    for name, spec in table.items():
        if not isinstance(name, str) or name.lower() == "python":
            continue
        if isinstance(spec, list):  # multiple constraints by marker: the first
            spec = spec[0] if spec else ""
        if isinstance(spec, dict):
            spec = spec.get("version", "") if isinstance(spec.get("version", ""), str) else ""
        spec = spec if isinstance(spec, str) else ""
        spec = "" if spec.strip() == "*" else spec.strip()
        exact = re.fullmatch(r"(?:==)?\s*(\d[A-Za-z0-9.+!_-]*)", spec)
        found.append(Package("pypi", normalize(name), exact.group(1) if exact else "", spec, path,
                             lines.key(name, start), source, scope, name, pypi_category(name)))
    return found


def read_pipfile(path: str, text: str) -> Found:
    data = _toml(text)
    if not isinstance(data, dict):
        return [], []
    lines = _Lines(text)
    packages: list[Package] = []
    for section, scope in (("packages", ""), ("dev-packages", "dev")):
        table = data.get(section)
        if isinstance(table, dict):
            packages += _poetry_table(path, table, lines, lines.table(section), scope, "pipfile")
    indexes = []
    sources = data.get("source")
    if isinstance(sources, list):
        after = 0
        for index, source in enumerate(sources):
            if isinstance(source, dict) and isinstance(source.get("url"), str):
                line = lines.string(source["url"], after)
                after = line
                indexes.append(IndexUrl(source["url"], index > 0, path, line, "pipfile"))
    return packages, indexes


def read_pipfile_lock(path: str, text: str) -> Found:
    data = _json(text)
    if not isinstance(data, dict):
        return [], []
    lines = _Lines(text)
    packages = []
    for section, scope in (("default", ""), ("develop", "dev")):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        start = lines.json_key(section) - 1
        for name, entry in table.items():
            version = entry.get("version", "") if isinstance(entry, dict) else ""
            version = version if isinstance(version, str) else ""
            exact = version[2:] if version.startswith("==") else ""
            packages.append(Package("pypi", normalize(name), exact, version, path, lines.json_key(name, start),
                                    "pipfile.lock", scope, name, pypi_category(name)))
    return packages, []


def read_lock_packages(path: str, text: str) -> Found:
    """poetry.lock, uv.lock, pdm.lock: `[[package]]` tables with name and version."""
    source = posixpath.basename(path).lower()
    packages = []
    name, line, version, inside = "", 0, "", False

    def flush() -> None:
        if name:
            packages.append(Package("pypi", normalize(name), version, f"=={version}" if version else "", path,
                                    line, source, "", name, pypi_category(name)))

    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("["):
            if inside:
                flush()
            inside = stripped == "[[package]]"
            name, version = "", ""
            continue
        if not inside:
            continue
        match = re.match(r'^(name|version)\s*=\s*"([^"]*)"', stripped)
        if match and match.group(1) == "name" and not name:
            name, line = match.group(2), number
        elif match and match.group(1) == "version" and not version:
            version = match.group(2)
    if inside:
        flush()
    return packages, []


# --- setup.cfg and setup.py -----------------------------------------------------------------

def read_setup_cfg(path: str, text: str) -> Found:
    packages = []
    section, key = "", ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            continue
        header = re.match(r"^\[(.+)\]\s*$", line)
        if header:
            section, key = header.group(1).strip().lower(), ""
            continue
        continued = raw[:1] in (" ", "\t")
        if not continued:
            match = re.match(r"^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$", line)
            if not match:
                key = ""
                continue
            key, value = match.group(1).lower(), match.group(2)
        else:
            value = line
        if section == "options" and key in ("install_requires", "setup_requires", "tests_require"):
            scope = {"install_requires": "", "setup_requires": "build", "tests_require": "test"}[key]
        elif section == "options.extras_require" and key:
            scope = f"optional:{key}"
        else:
            continue
        # one requirement per line (a `;` starts a PEP 508 marker, not another requirement)
        parsed = parse_requirement(value.strip()) if value.strip() else None
        if parsed:
            packages.append(_pypi(parsed[0], parsed[1], parsed[2], path, number, "setup.cfg", scope))
    return packages, []


def read_setup_py(path: str, text: str) -> Found:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in someone's setup.py are not ours to report
            tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return [], []
    # module-level `NAME = [...]` lists, for `install_requires=NAME`
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            names[node.targets[0].id] = node.value
    packages: list[Package] = []

    def strings(node: ast.AST | None, scope: str, depth: int = 0) -> None:
        if isinstance(node, ast.Name) and node.id in names and depth < 3:
            strings(names[node.id], scope, depth + 1)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    parsed = parse_requirement(element.value)
                    if parsed:
                        packages.append(_pypi(parsed[0], parsed[1], parsed[2], path, element.lineno, "setup.py", scope))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            strings(node.left, scope, depth + 1)
            strings(node.right, scope, depth + 1)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg in ("install_requires", "setup_requires", "tests_require"):
                strings(keyword.value, {"install_requires": "", "setup_requires": "build"}.get(keyword.arg, "test"))
            elif keyword.arg == "extras_require":
                value = keyword.value
                if isinstance(value, ast.Name) and value.id in names:
                    value = names[value.id]
                if isinstance(value, ast.Dict):
                    for key, item in zip(value.keys, value.values):
                        extra = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else "?"
                        strings(item, f"optional:{extra}")
    return packages, []


# --- conda ----------------------------------------------------------------------------------

_CONDA_SPEC = re.compile(r"^\s*(?:([A-Za-z0-9_.-]+)::)?([A-Za-z0-9_.-]+)\s*(.*)$")


def read_conda(path: str, text: str) -> Found:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError):
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [], []
    packages = []
    indexes = []
    for key, value in root.value:
        if getattr(key, "value", None) == "channels" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if isinstance(item, yaml.ScalarNode) and "://" in str(item.value):
                    indexes.append(IndexUrl(str(item.value), False, path, item.start_mark.line + 1, "conda"))
        if getattr(key, "value", None) != "dependencies" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if isinstance(item, yaml.ScalarNode):
                match = _CONDA_SPEC.match(str(item.value))
                if not match:
                    continue
                name, rest = match.group(2), match.group(3).strip()
                version = ""
                exact = re.match(r"^=?=?\s*([0-9][A-Za-z0-9.+_]*)(?:=[^=]*)?$", rest)
                if exact and not rest.startswith((">", "<", "!", "~")) and "*" not in rest:
                    version = exact.group(1)
                pypi = CONDA_TO_PYPI.get(name.lower(), normalize(name))
                packages.append(Package("conda", name.lower(), version, rest, path, item.start_mark.line + 1,
                                        "conda", "", name, pypi_category(pypi), pypi))
            elif isinstance(item, yaml.MappingNode):
                for inner_key, inner in item.value:
                    if getattr(inner_key, "value", None) != "pip" or not isinstance(inner, yaml.SequenceNode):
                        continue
                    for entry in inner.value:
                        if not isinstance(entry, yaml.ScalarNode):
                            continue
                        line = str(entry.value).strip()
                        number = entry.start_mark.line + 1
                        if line.startswith("-"):
                            option = _OPTION.match(line)
                            if option and option.group(1) in ("-i", "--index-url", "--extra-index-url"):
                                indexes.append(IndexUrl(option.group(2) or "", option.group(1) == "--extra-index-url",
                                                        path, number, "conda"))
                            continue
                        parsed = parse_requirement(line)
                        if parsed:
                            packages.append(_pypi(parsed[0], parsed[1], parsed[2], path, number, "conda", "pip"))
    return packages, indexes


# --- npm ------------------------------------------------------------------------------------

def _json(text: str):
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _npm(name: str, version: str, spec: str, file: str, line: int, source: str, scope: str = "") -> Package:
    return Package("npm", name, version, spec, file, line, source, scope, name, npm_category(name))


_SEMVER = re.compile(r"^=?v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$")


def read_package_json(path: str, text: str) -> Found:
    data = _json(text)
    if not isinstance(data, dict):
        return [], []
    lines = _Lines(text)
    packages = []
    for section, scope in (("dependencies", ""), ("devDependencies", "dev"), ("peerDependencies", "peer"),
                           ("optionalDependencies", "optional")):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        start = lines.json_key(section) - 1
        for name, spec in table.items():
            spec = spec if isinstance(spec, str) else ""
            exact = _SEMVER.match(spec.strip())
            packages.append(_npm(name, exact.group(1) if exact else "", spec, path, lines.json_key(name, start),
                                 "package.json", scope))
    return packages, []


def read_package_lock(path: str, text: str) -> Found:
    data = _json(text)
    if not isinstance(data, dict):
        return [], []
    lines = _Lines(text)
    packages = []
    table = data.get("packages")
    if isinstance(table, dict):
        start = lines.json_key("packages") - 1
        for key, entry in table.items():
            if not key or "node_modules/" not in key or not isinstance(entry, dict):
                continue
            name = entry.get("name") if isinstance(entry.get("name"), str) else key.rsplit("node_modules/", 1)[1]
            version = entry.get("version") if isinstance(entry.get("version"), str) else ""
            packages.append(_npm(name, version, version, path, lines.string(key, start), "package-lock.json",
                                 "dev" if entry.get("dev") else ""))
        return packages, []

    def walk(deps, depth: int, after: int) -> None:  # lockfile v1: nested "dependencies"
        if not isinstance(deps, dict) or depth > 32:
            return
        for name, entry in deps.items():
            if isinstance(entry, dict):
                version = entry.get("version") if isinstance(entry.get("version"), str) else ""
                line = lines.json_key(name, after)
                packages.append(_npm(name, version, version, path, line, "package-lock.json",
                                     "dev" if entry.get("dev") else ""))
                walk(entry.get("dependencies"), depth + 1, line - 1)

    walk(data.get("dependencies"), 0, lines.json_key("dependencies") - 1)
    return packages, []


def _npm_spec_name(spec: str) -> str:
    spec = spec.strip().strip('"').strip("'")
    at = spec.find("@", 1)
    return spec[:at] if at > 0 else spec


def read_yarn_lock(path: str, text: str) -> Found:
    packages = []
    pending: list[tuple[str, int]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace():
            header = raw.rstrip().rstrip(":")
            if header == "__metadata":
                pending = []
                continue
            names = {_npm_spec_name(part) for part in header.split(",") if part.strip()}
            pending = [(name, number) for name in sorted(names) if name]
            continue
        match = re.match(r'^\s+version:?\s+"?([^"\s]+)"?', raw)
        if match and pending:
            for name, line in pending:
                packages.append(_npm(name, match.group(1), match.group(1), path, line, "yarn.lock"))
            pending = []
    return packages, []


def read_pnpm_lock(path: str, text: str) -> Found:
    packages = []
    section = ""
    for number, raw in enumerate(text.splitlines(), 1):
        if raw and not raw[0].isspace():
            section = raw.split(":", 1)[0].strip()
            continue
        if section != "packages":
            continue
        match = re.match(r"^  (['\"]?)(/?[^\s'\"]+?)\1:\s*$", raw)
        if not match:
            continue
        key = match.group(2).lstrip("/").split("(", 1)[0]
        at = key.find("@", 1)
        if at > 0:
            name, version = key[:at], key[at + 1:]
        elif "/" in key:  # lockfile v5: /name/1.2.3
            name, _, version = key.rpartition("/")
        else:
            continue
        packages.append(_npm(name, version, version, path, number, "pnpm-lock.yaml"))
    return packages, []


_READERS = {
    "pyproject": read_pyproject, "pipfile": read_pipfile, "pipfile.lock": read_pipfile_lock,
    "poetry.lock": read_lock_packages, "uv.lock": read_lock_packages, "pdm.lock": read_lock_packages,
    "setup.cfg": read_setup_cfg, "setup.py": read_setup_py, "conda": read_conda,
    "package.json": read_package_json, "package-lock.json": read_package_lock, "yarn.lock": read_yarn_lock,
    "pnpm-lock.yaml": read_pnpm_lock, "pip.conf": read_pip_conf,
}

__all__ = ["dependency_source", "read_dependencies", "parse_requirement", "read_requirements"]
