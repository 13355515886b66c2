"""ARM parser, expression parser and evaluator never raise: every fixture truncated at many
points and with bytes flipped, random expression texts; and every issue lies inside the file."""
import glob
import os
import json
import random

from parsers.arm.evaluate import evaluate
from parsers.arm.expressions import parse as parse_expression
from parsers.arm.parse import looks_like, parse

FIXTURES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "arm", "*.json")))


def _check(data: bytes) -> None:
    parsed = parse("f.json", data)
    for issue in parsed.issues:
        assert 0 <= issue.span.start <= issue.span.end <= len(data)
    for resource in parsed.resources:
        assert 0 <= resource.span.start < resource.span.end <= len(data)
    evaluate(parsed)
    looks_like(data)


def test_truncations_never_raise():
    for path in FIXTURES:
        data = open(path, "rb").read()
        for cut in range(0, len(data), max(1, len(data) // 60)):
            _check(data[:cut])


def test_byte_flips_never_raise():
    rng = random.Random(20240611)
    for path in FIXTURES:
        data = open(path, "rb").read()
        for _ in range(40):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 4)):
                mutated[rng.randrange(len(mutated))] = rng.choice(b"{}[]\",:'()0a\\\n\xff")
            _check(bytes(mutated))


def test_random_expressions_never_raise():
    rng = random.Random(7)
    pieces = ["concat(", "parameters('p')", "'a''b'", ")", "(", ",", "[", "]", ".x", "1", "-", "if(", "copyIndex(",
              "variables('v')", "json('{}')", "lambda('x', ", "map(", "createArray(", "''", " "]
    for _ in range(2000):
        text = "[" + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) + "]"
        parse_expression(text)
    template = ('{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
                ' "parameters": {"p": {"type": "string"}}, "variables": {"v": [1]}, "resources": ['
                '{"type": "A.B/c", "name": "n", "properties": {"x": %s}}]}')
    for _ in range(300):
        text = "[" + "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) + "]"
        evaluate(parse("t.json", (template % json.dumps(text)).encode()))
