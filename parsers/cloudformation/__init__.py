"""CloudFormation and SAM templates, YAML and JSON: reader.py (positioned, safe YAML/JSON),
parse.py (templates -> the resource model; its docstring is the contract), write.py (fixes as
minimal text edits). evaluate.py resolves parameters, conditions and intrinsic functions.

`parse` is deliberately not re-exported here: `parsers.cloudformation.parse` must stay the
module (the fixer imports parser and writer modules by name). Use
`from parsers.cloudformation.parse import parse, detect`.

Importing this package is cheap: PyYAML and tree-sitter are imported on the first parse.
"""
from __future__ import annotations

from parsers.cloudformation.parse import FRAMEWORK, detect

__all__ = ["FRAMEWORK", "detect"]
