"""ARM (Azure Resource Manager) JSON deployment templates: parse.py (positioned JSON -> the
resource model; its docstring is the contract), expressions.py (the template expression
language: lexer and parser), evaluate.py (parameters, variables, functions, conditions, copy
loops and inline nested deployments).

`parse` is deliberately not re-exported: `parsers.arm.parse` must stay the module (the fixer
imports parser modules by name). Use `from parsers.arm.parse import parse, looks_like`.
Importing this package is cheap: no third-party module is imported.
"""
from __future__ import annotations

from parsers.arm.parse import FRAMEWORK, looks_like, looks_like_parameters

__all__ = ["FRAMEWORK", "looks_like", "looks_like_parameters"]
