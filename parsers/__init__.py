"""Parsers: one module (or package) per input format, each turning a file's bytes into the
resource model of `analyzer.model`.

The contract every parser module follows:

    parse(path: str, data: bytes) -> ParsedFile

- `path` is the file's repository-relative POSIX path; it is copied into every Span as is.
- `data` is the file's raw bytes. Parsers decode what they need themselves (UTF-8, invalid bytes
  replaced by U+FFFD in values) and keep byte offsets into `data` exact, so writers can edit them.
- It never raises, whatever the input (empty, binary, invalid UTF-8, truncated, deeply nested): a
  file, or part of one, that is not valid syntax yields `ParseIssue`s at the offending location
  (reported as AIP900), and every resource outside the broken part is still returned. Valid syntax
  must never produce a ParseIssue: syntax we do not read yet is our bug, not the user's error.
- Spans carry byte offsets [start, end) and 1-based lines and columns, columns in UTF-16 code
  units with `end_col` exclusive, computed with `analyzer.text.LineIndex`.
- Attributes keep their native names; values are Python data, or `Unknown` for anything that
  needs evaluation (with the source text and the reason); `Resource.insertions` says where a new
  attribute would be written, for the writers of fixes.
- Heavy imports (tree-sitter and its grammars) happen on the first parse, not at import.

The engine (analyzer/engine.py) picks the parser by file name: `*.tf.json` -> parsers.terraform.tfjson,
`*.tf` -> parsers.terraform.hcl.
"""
