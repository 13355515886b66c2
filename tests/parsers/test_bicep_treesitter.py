"""Cross-check against tree-sitter-bicep (a test-only dependency): every fixture it parses
without error parses without issue here, with the same resource symbols and types."""
from pathlib import Path

import pytest

from parsers.bicep import syntax as S
from parsers.bicep.syntax import parse_syntax

tree_sitter = pytest.importorskip("tree_sitter")
tree_sitter_bicep = pytest.importorskip("tree_sitter_bicep")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bicep"
FILES = sorted(p for p in FIXTURES.rglob("*.bicep"))

# Snippets beyond the fixtures, in the syntax tree-sitter-bicep 1.1.0 knows.
SNIPPETS = [
    b"resource a 'Microsoft.X/y@2024-01-01' = {\n  name: 'a'\n  properties: {\n    b: [\n      1\n    ]\n  }\n}\n",
    b"resource a 'Microsoft.X/y@1' existing = {\n  name: 'a'\n}\nresource b 'Microsoft.X/y/z@1' = {\n  parent: a\n"
    b"  name: 'b'\n}\n",
    b"param xs array\nresource r 'Microsoft.X/y@1' = [for (x, i) in xs: if (i > 0) {\n  name: x\n}]\n",
    b"param c bool\nmodule m './m.bicep' = if (c) {\n  name: 'm'\n}\nresource r 'A.B/c@1' = if (!c) {\n  name: 'r'\n"
    b"}\n",
    b"resource p 'A.B/c@1' = {\n  name: 'p'\n  resource c1 'd@1' = {\n    name: 'c1'\n    resource g 'e' = {\n"
    b"      name: 'g'\n    }\n  }\n}\n",
]


def ts_resources(data: bytes):
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))
    tree = parser.parse(data)
    found = []

    def walk(node, prefix):
        for child in node.named_children:
            if child.type == "resource_declaration":
                names = [c for c in child.named_children if c.type == "identifier"]
                strings = [c for c in child.named_children if c.type == "string"]
                symbol = data[names[0].start_byte:names[0].end_byte].decode()
                type_ = data[strings[0].start_byte + 1:strings[0].end_byte - 1].decode()
                found.append((prefix + symbol, type_))
                walk(child, prefix + symbol + "::")
            else:
                walk(child, prefix)

    walk(tree.root_node, "")
    return tree.root_node.has_error, found


def our_resources(data: bytes):
    program, issues = parse_syntax(data)
    found = []

    def add(decl, prefix):
        found.append((prefix + decl.name.name, decl.type.value))
        body = decl.body
        if isinstance(body, S.ForExpr):
            body = body.body
        if isinstance(body, S.IfExpr):
            body = body.body
        if isinstance(body, S.Object):
            for child in body.resources:
                add(child, prefix + decl.name.name + "::")

    for decl in program.declarations:
        if isinstance(decl, S.ResourceDecl):
            add(decl, "")
    return issues, found


@pytest.mark.parametrize("data", [p.read_bytes() for p in FILES] + SNIPPETS,
                         ids=[p.name for p in FILES] + [f"snippet{i}" for i in range(len(SNIPPETS))])
def test_agrees_with_tree_sitter_where_it_parses(data):
    ts_error, ts_found = ts_resources(data)
    if ts_error:
        pytest.skip("tree-sitter-bicep 1.1.0 does not parse this modern Bicep")
    issues, found = our_resources(data)
    assert issues == []
    assert found == ts_found


def test_most_fixtures_are_cross_checked():
    parsed = [p for p in FILES if "errors" not in p.parts and not ts_resources(p.read_bytes())[0]]
    assert len(parsed) >= 7
