"""Rule documentation, generated only from a Check's metadata.

`rule_markdown` is the rule's help in SARIF (`help.markdown`) and in the docs; `rule_text` is the
same for a terminal (`aiposture explain`); `rules_table` and `rules_json` list the catalog
(`aiposture rules`).
"""
from __future__ import annotations

import json
import textwrap
from typing import Any, Iterable

from analyzer import kinds
from analyzer.check import Applicability, Check, Example, Placeholder, RemoveAttr, SetAttr

FIX_SAFETY = {
    Applicability.SAFE: "needs no input and cannot break the workload",
    Applicability.UNSAFE: "may change the workload's behaviour; review it before applying",
    Applicability.SUGGESTION: "needs a value only you know; shown with a placeholder, never applied",
}

_FENCE_LANGUAGES = {".tf": "hcl", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".bicep": "bicep",
                    ".py": "python", ".bicepparam": "bicep", ".template": "yaml"}
_FRAMEWORK_LANGUAGES = {"terraform": "hcl", "cloudformation": "yaml", "bicep": "bicep", "arm": "json",
                        "sagemaker": "python"}


# --- small pieces, shared with the reporters ----------------------------------------------------


def frameworks_of(check: Check) -> tuple[str, ...]:
    """The frameworks the check runs on, in kinds.FRAMEWORKS order (an ARM type is also Terraform
    through azapi)."""
    found = {fw for kind in check.kinds if kind in kinds.BY_NAME for fw in kinds.BY_NAME[kind].native}
    if "arm" in found:
        found.add("terraform")
    return tuple(fw for fw in kinds.FRAMEWORKS if fw in found)


def _plain_value(value: Any) -> Any:
    if isinstance(value, Placeholder):
        return f"<{value.name}>"
    if isinstance(value, dict):
        return {str(k): _plain_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_value(v) for v in value]
    return value


def show_value(value: Any) -> str:
    """A canonical value as people read it: true, 1, "Disabled", <kms-key-arn>, JSON for lists."""
    if isinstance(value, Placeholder):
        return f"<{value.name}>"
    return json.dumps(_plain_value(value), ensure_ascii=False)


def default_text(kind: str, path: str, framework: str) -> str | None:
    """How the provider default of an absent attribute reads ("\"Enabled\""), or None."""
    default = kinds.default_for(kind, path, framework)
    if default is None:
        return None
    return show_value(kinds.native_value(kind, path, default.value, framework))


def remediation_text(check: Check, kind: str = "", framework: str = "") -> str | None:
    """What to change, in one phrase: 'set `x` to false' / 'remove `y`'. With a kind and
    framework, native attribute names and values are used."""
    remedy = check.remediation
    if remedy is None:
        return None
    path = kinds.native_path(kind, remedy.path, framework) if kind and framework else remedy.path
    if isinstance(remedy, RemoveAttr):
        return f"remove `{path}`"
    value = kinds.native_value(kind, remedy.path, remedy.value, framework) if kind and framework else remedy.value
    text = f"set `{path}` to `{show_value(value)}`"
    if _has_placeholder(remedy.value):
        text += " (a value you supply)"
    return text


def _has_placeholder(value: Any) -> bool:
    if isinstance(value, Placeholder):
        return True
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_placeholder(v) for v in value)
    return False


def _native_remediations(check: Check) -> list[tuple[str, str]]:
    """(framework, phrase) where the native spelling differs from the canonical one."""
    canonical = remediation_text(check)
    rows = []
    for kind in check.kinds:
        spec = kinds.BY_NAME.get(kind)
        for framework in (spec.native if spec else ()):
            text = remediation_text(check, kind, framework)
            if text and text != canonical and (framework, text) not in rows:
                rows.append((framework, text))
    return rows


def _defaults(check: Check) -> list[tuple[str, str, str, str]]:
    """(kind title, framework, value, source) of the provider defaults of the remediated attribute."""
    if check.remediation is None:
        return []
    rows = []
    for kind in check.kinds:
        for default in kinds.DEFAULTS.get(kind, {}).get(check.remediation.path, ()):
            title = kinds.BY_NAME[kind].title if kind in kinds.BY_NAME else kind
            for framework in default.frameworks:
                value = show_value(kinds.native_value(kind, check.remediation.path, default.value, framework))
                rows.append((title, framework, value, default.source))
    return rows


def _applies_to(check: Check) -> list[tuple[str, str, str, str]]:
    """(kind, kind title, framework, native type) rows."""
    rows = []
    for kind in check.kinds:
        spec = kinds.BY_NAME.get(kind)
        if spec is None:
            rows.append((kind, kind, "", ""))
            continue
        for framework in kinds.FRAMEWORKS:
            if framework in spec.native:
                rows.append((kind, spec.title, framework, spec.native[framework]))
    return rows


def fence(source: str, language: str) -> str:
    """A fenced code block, its fence longer than any run of backticks in `source`."""
    ticks = "```"
    while ticks in source:
        ticks += "`"
    body = source.rstrip("\n")  # newlines only: a diff's last context line may be a lone space
    return f"{ticks}{language}\n{body}\n{ticks}"


def _language(example: Example) -> str:
    for suffix, language in _FENCE_LANGUAGES.items():
        if example.filename.endswith(suffix):
            return language
    return _FRAMEWORK_LANGUAGES.get(example.framework, "")


def _examples_in_order(check: Check) -> list[Example]:
    """Per framework, the non-compliant examples first."""
    order = {fw: i for i, fw in enumerate(kinds.FRAMEWORKS)}
    return sorted(check.examples, key=lambda e: (order.get(e.framework, len(order)), not e.expect_fail))


# --- Markdown -----------------------------------------------------------------------------------


def rule_markdown(check: Check) -> str:
    """The rule's help page in (GitHub-flavoured) Markdown."""
    out = [f"## {check.id}: {check.title}", ""]
    facts = [f"`{check.name}`", f"severity **{check.severity.label}**"]
    if check.remediation is not None:
        facts.append(f"fix: {check.fix_safety.label}")
    out += [" · ".join(facts), ""]
    if check.description:
        out += [check.description.strip(), ""]

    out += ["### Applies to", ""]
    rows = _applies_to(check)
    if rows:
        out += ["| Resource | Framework | Native type |", "|---|---|---|"]
        for kind, title, framework, native in rows:
            out.append(f"| {title} (`{kind}`) | {framework or '-'} | {f'`{native}`' if native else '-'} |")
    else:
        out.append("Every file aiposture reads (this rule is not tied to a resource kind).")
    out.append("")

    defaults = _defaults(check)
    if defaults:
        path = check.remediation.path
        out += ["### Provider default", "", f"When `{path}` is not set, the provider default applies:", ""]
        for title, framework, value, source in defaults:
            out.append(f"- {title}, {framework}: `{value}` ({source})")
        out.append("")

    remedy = remediation_text(check)
    if remedy:
        out += ["### Remediation", "", remedy[0].upper() + remedy[1:] + "."]
        natives = _native_remediations(check)
        if natives:
            out.append("")
            out += [f"- {framework}: {text}" for framework, text in natives]
        out += ["", f"Fix safety: **{check.fix_safety.label}**: {FIX_SAFETY[check.fix_safety]}.", ""]

    if check.compliance:
        out += ["### Compliance", ""]
        out += [f"- {framework}: {', '.join(controls)}" for framework, controls in check.compliance.items()]
        out.append("")
    if check.anchors:
        out += ["### Same control in other tools", ""]
        out += [f"- {anchor}" for anchor in check.anchors]
        out.append("")
    if check.references:
        out += ["### References", ""]
        out += [f"- <{url}>" for url in check.references]
        out.append("")
    if check.examples:
        out += ["### Examples", ""]
        for example in _examples_in_order(check):
            verdict = "Non-compliant" if example.expect_fail else "Compliant"
            out += [f"{verdict} ({example.framework}, `{example.filename}`):", "",
                    fence(example.source, _language(example)), ""]
            if example.fixed is not None:
                out += ["The fix:", "", fence(_example_diff(example), "diff"), ""]
    return "\n".join(out).rstrip() + "\n"


def _example_diff(example) -> str:
    """The example's fix as a diff (headers dropped: the file is named above it)."""
    from analyzer.fix import unified_diff

    diff = unified_diff(example.filename, example.source.encode(), example.fixed.encode())
    return "".join(diff.splitlines(keepends=True)[2:])


# --- terminal text ------------------------------------------------------------------------------

_WIDTH = 88


def _wrap(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.strip().split("\n\n"):
        if lines:
            lines.append("")
        lines += textwrap.wrap(" ".join(paragraph.split()), _WIDTH, initial_indent=indent,
                               subsequent_indent=indent) or [indent.rstrip()]
    return lines


def rule_text(check: Check) -> str:
    """The rule's help for a terminal (`aiposture explain ID`): plain text, no colour."""
    out = [f"{check.id}  {check.name}", check.title, ""]
    out.append(f"Severity:    {check.severity.label}")
    rows = _applies_to(check)
    if rows:
        for i, (kind, title, framework, native) in enumerate(rows):
            label = "Applies to:  " if i == 0 else "             "
            out.append(f"{label}{title} ({kind})" + (f": {framework} {native}" if framework else ""))
    else:
        out.append("Applies to:  every file aiposture reads")
    remedy = remediation_text(check)
    if remedy:
        out.append(f"Fix:         {remedy}")
        for framework, text in _native_remediations(check):
            out.append(f"             {framework}: {text}")
        out.append(f"Fix safety:  {check.fix_safety.label}: {FIX_SAFETY[check.fix_safety]}")
    else:
        out.append("Fix:         none automatic")
    out.append("")
    if check.description:
        out += ["Why", *_wrap(check.description), ""]
    defaults = _defaults(check)
    if defaults:
        out.append(f"Provider default when `{check.remediation.path}` is not set")
        for title, framework, value, source in defaults:
            out += _wrap(f"{title}, {framework}: {value} ({source})")
        out.append("")
    if check.compliance:
        out.append("Compliance")
        out += [f"  {framework}: {', '.join(controls)}" for framework, controls in check.compliance.items()]
        out.append("")
    if check.anchors:
        out += ["Same control in other tools", *[f"  {anchor}" for anchor in check.anchors], ""]
    if check.references:
        out += ["References", *[f"  {url}" for url in check.references], ""]
    if check.examples:
        out.append("Examples")
        for example in _examples_in_order(check):
            verdict = "Non-compliant" if example.expect_fail else "Compliant"
            out += [f"  {verdict} ({example.framework}, {example.filename}):",
                    textwrap.indent(example.source.rstrip(), "      "), ""]
            if example.fixed is not None:
                out += ["  The fix:", textwrap.indent(_example_diff(example).rstrip(), "      "), ""]
    return "\n".join(out).rstrip() + "\n"


# --- catalog listings ---------------------------------------------------------------------------


def rules_table(checks: Iterable[Check]) -> str:
    """A plain text table of the catalog: id, severity, name, frameworks, fix safety, title (in
    the given order)."""
    header = ("ID", "SEVERITY", "NAME", "FRAMEWORKS", "FIX", "TITLE")
    rows = [header] + [
        (c.id, c.severity.label, c.name, ",".join(frameworks_of(c)) or "-",
         c.fix_safety.label if c.remediation is not None else "-", c.title) for c in checks
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(checks: Iterable[Check]) -> str:
    """The catalog as Markdown: one row per rule with where it runs, its fix and the same control
    in other tools (docs/rules.md is this, regenerated by the tests' --update-goldens)."""
    lines = [
        "# Rules",
        "",
        "Generated by `aiposture rules --format markdown`; `aiposture explain ID` documents one rule.",
        "\"Same control elsewhere\" maps each rule to checkov, KICS, cdk-nag, Prowler and AWS Security",
        "Hub ids; \"(runtime)\" marks a check made on the deployed account rather than on code.",
        "",
        "| ID | Severity | Name | Frameworks | Fix | Same control elsewhere | Compliance |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in checks:
        compliance = "; ".join(f"{k}: {', '.join(v)}" for k, v in c.compliance.items())
        lines.append("| " + " | ".join(_cell(cell) for cell in (
            c.id, c.severity.label, f"`{c.name}`", ", ".join(frameworks_of(c)) or "-",
            c.fix_safety.label if c.remediation is not None else "-",
            "; ".join(c.anchors) or "-", compliance or "-")) + " |")
    return "\n".join(lines) + "\n"


def _remediation_json(check: Check) -> dict | None:
    remedy = check.remediation
    if isinstance(remedy, SetAttr):
        return {"action": "set", "path": remedy.path, "value": _plain_value(remedy.value)}
    if isinstance(remedy, RemoveAttr):
        return {"action": "remove", "path": remedy.path}
    return None


def rules_json(checks: Iterable[Check]) -> list[dict]:
    """The catalog as JSON-ready dicts (`aiposture rules --format json`)."""
    return [
        {
            "id": c.id,
            "name": c.name,
            "title": c.title,
            "severity": c.severity.label,
            "description": c.description,
            "kinds": list(c.kinds),
            "frameworks": list(frameworks_of(c)),
            "remediation": _remediation_json(c),
            "fix_safety": c.fix_safety.label if c.remediation is not None else None,
            "references": list(c.references),
            "compliance": {k: list(v) for k, v in c.compliance.items()},
            "anchors": list(c.anchors),
            "examples": [
                {"framework": e.framework, "expect_fail": e.expect_fail, "filename": e.filename,
                 "source": e.source, "fixed": e.fixed}
                for e in c.examples
            ],
        }
        for c in checks
    ]
