"""Validators, detectors, column-name hints, the rules' table and which files are training data."""
from __future__ import annotations

import re

import pytest

from analyzer.pii import detectors as d
from analyzer.pii import is_training_data
from analyzer.pii import validators as v
from checks.pii import CHECKS, RULE_FOR_ENTITY

try:
    from re import _parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse


@pytest.mark.parametrize("func, good, bad", [
    (v.credit_card, ["4111111111111111", "5500 0000 0000 0004", "378282246310005", "6011111111111117",
                     "2221000000000009", "3530111333300000"],
     ["4111111111111112", "1234567812345670", "0000000000000000", "4111", "9999999999999995"]),
    (v.us_ssn, ["123-45-6788", "001-01-0001", "899-99-9999", "665 12 3456"],
     ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "078-05-1120",
      "123-45-6789", "111-11-1111", "12-345-6789"]),
    (v.iban, ["GR1601101050000010547023795", "BE31435411161155", "DE89 3704 0044 0532 0130 00",
              "GB82WEST12345698765432"],
     ["GR1601101050000010547023796", "DE8937040044053201300", "XX89370400440532013000", "BE3143541116115"]),
    (v.ipv4, ["203.0.113.9", "10.0.0.1"], ["0.0.0.0", "256.1.1.1", "1.2.3"]),
    (v.ipv6, ["2001:db8::1", "fe80::1ff:fe23:4567:890a"], ["::", "12:30:45", "abc:def", "::1:"]),
    (v.birth_date, ["1990-02-28", "28/02/1990", "02/28/1990", "Feb 28, 1990", "14 Jul 1961"],
     ["1990-02-30", "2999-01-01", "1850-01-01", "13/13/1990", "hello"]),
    (v.mrz_td3_line2, ["L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
     ["L898902C36UTO7408122F1204159ZE184226B<<<<<11", "L898902C35UTO7408122F1204159ZE184226B<<<<<10"]),
    (v.uk_nhs, ["943 476 5919", "9434765919"], ["943 476 5918", "0000000000"]),
    (v.uk_nino, ["AB123456C", "JG 10 37 46 D"], ["GB123456C", "AB12345C"]),
    (v.es_nif, ["12345678Z", "12345678-Z"], ["12345678A"]),
    (v.es_nie, ["X1234567L", "Y-1234567-X"], ["X1234567A", "A1234567L"]),
    (v.it_fiscal_code, ["RSSMRA85T10A562S"], ["RSSMRA85T10A562T"]),
    (v.pl_pesel, ["44051401359", "02270803624"], ["44051401358", "44151401356"]),
    (v.in_aadhaar, ["234123412346", "2341 2341 2346"], ["234123412347", "123412341234"]),
    (v.fi_hetu, ["131052-308T"], ["131052-308U", "321352-308T"]),
    (v.se_personnummer, ["811218-9876"], ["811218-9875", "811318-9876"]),
    (v.ca_sin, ["130 692 544"], ["130 692 545", "046 454 286"]),
    (v.email, ["jane@mail-gen.io", "a.b+c@sub.corp-synth.co.uk"],
     ["x@example.com", "x@sub.example.org", "x@host.test", "1+x@users.noreply.github.com", ".a@b.io", "a..b@c.io"]),
    (v.phone_e164, ["+1 212 555 0134", "+44 20 7946 0958", "+4915112345678"], ["+1234567", "+1 111 111 1111"]),
    (v.phone_nanp, ["(212) 555-0134", "1-212-555-0134"], ["(211) 555-0134", "212-911-0134"]),
])
def test_validators(func, good, bad):
    for value in good:
        assert func(value), value
    for value in bad:
        assert not func(value), value


def _repeats(items):
    for op, av in items:
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) or str(op) == "POSSESSIVE_REPEAT":
            lo, hi, sub = av
            yield hi
            yield from _repeats(sub)
        elif op == sre_parse.SUBPATTERN:
            yield from _repeats(av[-1])
        elif op == sre_parse.BRANCH:
            for branch in av[1]:
                yield from _repeats(branch)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            yield from _repeats(av[1])


@pytest.mark.parametrize("det", [det for det in d.DETECTORS if det.pattern], ids=lambda det: det.id)
def test_patterns_are_bounded(det):
    # every quantifier has an upper bound and cells are cut at MAX_CELL, so matching is linear in the budget
    assert all(hi != sre_parse.MAXREPEAT for hi in _repeats(sre_parse.parse(det.pattern))), det.id
    pattern = d.compiled(det.id)
    for text in ("a@" * 4000, "1" * 8000, "1-" * 4000, "+1 " * 2600, "<" * 8000, ":" * 8000, "a." * 4000,
                 "DOB " * 2000, "1 Ab " * 1600, "Mar 1, " * 1100):
        sum(1 for _ in pattern.finditer(text))


def test_every_entity_has_a_rule_and_ids_are_in_the_block():
    assert set(RULE_FOR_ENTITY) == set(d.ENTITIES) == set(d.LABELS)
    assert {det.entity for det in d.DETECTORS} == set(d.ENTITIES)
    ids = [c.id for c in CHECKS]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"AIP7[0-4]\d", i) for i in ids)
    assert len({c.name for c in CHECKS}) == len(CHECKS)
    assert all(c.kinds == () and c.secret and c.description for c in CHECKS)


@pytest.mark.parametrize("column, entities, sensitive", [
    ("email", {d.EMAIL}, False), ("customerEmail", {d.EMAIL, d.PERSON}, False), ("Phone Number", {d.PHONE}, False),
    ("ssn", {d.US_SSN}, True), ("date_of_birth", {d.DATE_OF_BIRTH}, True), ("DOB", {d.DATE_OF_BIRTH}, True),
    ("first_name", {d.PERSON}, False), ("file_name", set(), False), ("model_name", set(), False),
    ("ip_address", {d.IP_ADDRESS}, False), ("street_address", {d.ADDRESS}, False), ("domain", set(), False),
    ("messages[*].content", set(), False), ("user.email", {d.EMAIL}, False), ("passport_no", {d.PASSPORT}, True),
    ("diagnosis", set(), True), ("username", set(), False),
])
def test_column_name_hints(column, entities, sensitive):
    assert d.hints(column) == (frozenset(entities), sensitive)


def test_person_names_need_a_known_given_name_and_surname():
    assert d.person_name("Maria Garcia") == (True, False)
    assert d.person_name("Garcia, Maria") == (True, False)
    assert d.person_name("John Q. Smith") == (True, False)
    assert d.person_name("Maria") == (False, True)
    assert d.person_name("San Antonio") == (False, False)
    assert d.person_name("maria garcia") == (False, False)
    assert d.person_name("Quarterly Revenue Report") == (False, False)
    assert len(d.name_list("first")) >= 250 and len(d.name_list("last")) >= 250


@pytest.mark.parametrize("path, expected", [
    ("data/customers.csv", True), ("src/datasets/x/part-0001.parquet", True), ("Data/Train.JSONL", True),
    ("fine-tune/chat.jsonl", True), ("corpus/a.ndjson", True), ("samples/x.tsv", True),
    ("train.csv", True), ("ml/sft-v2.jsonl", True), ("ml/customer_train.csv", True), ("eval.jsonl", True),
    ("config/settings.json", False), ("src/app.py", False), ("data/README.md", False), ("data/notes.txt", False),
    ("package.json", False), ("trainer.json", False), ("infra/main.tf", False), ("./data/x.csv", True),
])
def test_training_data_by_folder_and_name(path, expected):
    assert is_training_data(path) is expected


def test_training_data_by_glob_and_reference():
    assert is_training_data("exports/users.csv", globs=("exports/**",))
    assert is_training_data("x/y/dump.jsonl", globs=("*.jsonl",))
    assert not is_training_data("exports/users.csv", globs=("other/**",))
    assert is_training_data("pipelines/input/users.csv", referenced=frozenset({"pipelines/input/users.csv"}))
    assert is_training_data("pipelines/input/users.csv", referenced=frozenset({"./pipelines/input/users.csv"}))
    assert is_training_data("corpus.txt", referenced=frozenset({"corpus.txt"}))
    assert not is_training_data("pipelines/run.py", referenced=frozenset({"pipelines/run.py"}))
