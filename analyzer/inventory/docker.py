"""Dockerfiles: base images, `pip install` / `conda install` / `npm install` lines, model ids in
ENV and download commands. Read line by line (continuations joined, each word keeping the
physical line it is on), never built."""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Callable, Optional

from analyzer.inventory import images, models
from analyzer.inventory.catalog import CONDA_TO_PYPI, normalize, npm_category, pypi_category
from analyzer.inventory.items import Image, IndexUrl, ModelRef, Package

Reader = Callable[[str], Optional[bytes]]


@dataclass
class DockerFound:
    packages: list[Package] = field(default_factory=list)
    indexes: list[IndexUrl] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)  # AI base images
    models: list[ModelRef] = field(default_factory=list)


def _instructions(text: str):
    """(instruction, [(line, words)]) per logical instruction; comments dropped."""
    parts: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not parts and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        if parts and raw.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        body = raw.rstrip()
        more = body.endswith("\\")
        parts.append((number, body[:-1] if more else body))
        if not more:
            yield _split(parts)
            parts = []
    if parts:
        yield _split(parts)


def _split(parts: list[tuple[int, str]]):
    words: list[tuple[int, str]] = []
    for number, text in parts:
        try:
            tokens = shlex.split(text, comments=False, posix=True)
        except ValueError:  # an unbalanced quote across lines: split on spaces
            tokens = text.split()
        words += [(number, token) for token in tokens]
    if not words:
        return "", []
    return words[0][1].upper(), words[1:]


_ARG = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}?")


def _substitute(text: str, args: dict[str, str]) -> str:
    return _ARG.sub(lambda m: args.get(m.group(1), m.group(2) or m.group(0)), text)


def read_dockerfile(path: str, text: str, read: Reader | None = None) -> DockerFound:
    found = DockerFound()
    args: dict[str, str] = {}
    stages: set[str] = set()
    for instruction, words in _instructions(text):
        if instruction == "ARG" and words:
            name, _, value = words[0][1].partition("=")
            args.setdefault(name, value)
        elif instruction == "FROM" and words:
            rest = [w for w in words if not w[1].startswith("--")]
            if not rest:
                continue
            line, reference = rest[0][0], _substitute(rest[0][1], args)
            if len(rest) >= 3 and rest[1][1].lower() == "as":
                stages.add(rest[2][1].lower())
            if reference.lower() in stages:
                continue
            classified = images.classify_image(reference)
            if classified:
                found.images.append(Image(reference, classified[1], classified[2], classified[3], classified[0],
                                          path, line, "dockerfile"))
        elif instruction == "ENV":
            for line, word in _env_pairs(words):
                name, _, value = word.partition("=")
                value = _substitute(value, args)
                if name in models.MODEL_ENV and models.is_hf_id(value):
                    base, revision = models.hf_version(value)
                    found.models.append(ModelRef("huggingface", base, revision, path, line, "dockerfile", name))
        elif instruction in ("CMD", "ENTRYPOINT"):
            # a serving image's model: `--model org/name` (vLLM), `--model-id org/name` (TGI)
            for (_, flag), (line, value) in zip(words, words[1:]):
                if flag.strip('[]",') in ("--model", "--model-id") and models.is_hf_id(value.strip('[]",')):
                    base, revision = models.hf_version(value.strip('[]",'))
                    found.models.append(ModelRef("huggingface", base, revision, path, line, "dockerfile", flag.strip('[]",')))
        elif instruction == "RUN":
            _run(path, [(n, _substitute(w, args)) for n, w in words], found, read)
    return found


def _env_pairs(words: list[tuple[int, str]]):
    if words and "=" not in words[0][1] and len(words) >= 2:  # legacy `ENV NAME value`
        yield words[0][0], f"{words[0][1]}={' '.join(w for _, w in words[1:])}"
        return
    yield from words


_SEPARATORS = {"&&", "||", ";", "|", "&"}
_PIP_VALUE_OPTIONS = {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-c", "--constraint",
                      "-r", "--requirement", "--trusted-host", "--target", "-t", "--prefix", "--root", "--platform",
                      "--python-version", "--implementation", "--abi", "--cache-dir", "--src", "-e", "--editable",
                      "--progress-bar", "--log", "--timeout", "--retries", "--proxy", "--upgrade-strategy"}


def _commands(words: list[tuple[int, str]]):
    command: list[tuple[int, str]] = []
    for number, word in words:
        if word in _SEPARATORS:
            if command:
                yield command
            command = []
            continue
        if word.endswith(";") and len(word) > 1:
            command.append((number, word[:-1]))
            yield command
            command = []
            continue
        command.append((number, word))
    if command:
        yield command


def _run(path: str, words: list[tuple[int, str]], found: DockerFound, read: Reader | None) -> None:
    for command in _commands(words):
        names = [w for _, w in command]
        # `python -m pip install`, `pip3 install`, `uv pip install`
        start = None
        for index, word in enumerate(names[:-1]):
            if re.fullmatch(r"(?:.*/)?pip[0-9.]*", word) and names[index + 1] == "install":
                start = index + 2
                break
        if start is not None:
            _pip(path, command[start:], found, read)
            continue
        if names[:1] and re.fullmatch(r"(?:.*/)?(?:conda|mamba|micromamba)", names[0]) and "install" in names[1:3]:
            _conda(path, command[names.index("install") + 1:], found)
        elif names[:1] and names[0] in ("npm", "pnpm", "yarn") and len(names) > 1 and names[1] in (
                "install", "i", "add"):
            for number, word in command[2:]:
                if word.startswith("-"):
                    continue
                name, version = _npm_split(word)
                found.packages.append(Package("npm", name, version, word[len(name) + 1:] if version else "", path,
                                              number, "dockerfile", "", name, npm_category(name)))
        elif names[:2] in (["huggingface-cli", "download"], ["hf", "download"]) and len(names) > 2:
            repo = next(((n, w) for n, w in command[2:] if not w.startswith("-")), None)
            if repo and models.is_hf_id(repo[1], bare=True):
                found.models.append(ModelRef("huggingface", repo[1], "", path, repo[0], "dockerfile", names[0]))
        elif names[:1] == ["ollama"] and len(names) > 2 and names[1] in ("pull", "run"):
            name, _, tag = command[2][1].partition(":")
            found.models.append(ModelRef("ollama", name, tag, path, command[2][0], "dockerfile", "ollama " + names[1]))


def _npm_split(word: str) -> tuple[str, str]:
    at = word.find("@", 1)
    return (word[:at], word[at + 1:]) if at > 0 else (word, "")


def _pip(path: str, words: list[tuple[int, str]], found: DockerFound, read: Reader | None) -> None:
    from analyzer.inventory.deps import parse_requirement, read_requirements

    index = 0
    while index < len(words):
        number, word = words[index]
        option, _, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if word.startswith("-"):
            value = inline
            if option in _PIP_VALUE_OPTIONS and not inline:
                index += 1
                value = words[index][1] if index < len(words) else ""
            if option in ("-i", "--index-url", "--extra-index-url"):
                found.indexes.append(IndexUrl(value, option == "--extra-index-url", path, number, "dockerfile"))
            elif option in ("-r", "--requirement") and value and read:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), value.lstrip("/")))
                data = read(target) if not target.startswith("../") else None
                if data is not None:
                    more, more_indexes = read_requirements(target, data.decode("utf-8", "replace"), read)
                    found.packages += more
                    found.indexes += more_indexes
            index += 1
            continue
        index += 1
        if "://" in word or word.startswith((".", "/")):
            continue
        parsed = parse_requirement(word)
        if parsed:
            found.packages.append(Package("pypi", normalize(parsed[0]), parsed[1], parsed[2], path, number,
                                          "dockerfile", "", parsed[0], pypi_category(parsed[0])))


def _conda(path: str, words: list[tuple[int, str]], found: DockerFound) -> None:
    skip = False
    for number, word in words:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in ("-c", "--channel", "-n", "--name", "-p", "--prefix")
            continue
        name, _, version = word.partition("=")
        name = name.split("::")[-1].lower()
        pypi = CONDA_TO_PYPI.get(name, normalize(name))
        exact = version.lstrip("=").split("=")[0]
        found.packages.append(Package("conda", name, exact if re.match(r"^\d[\w.+]*$", exact) else "", version,
                                      path, number, "dockerfile", "", name, pypi_category(pypi), pypi))


__all__ = ["read_dockerfile", "DockerFound"]
