"""Personal data in data files: known rates reported exactly in every format, look-alikes not
reported, free text, keys, and no report of any format showing a value in full."""
from __future__ import annotations

import csv
import io
import json
import os
import random
import sys

import pytest

import pii_synth as synth
from analyzer.findings import ScanResult
from analyzer.pii import mask, pii_findings, scan_data
from analyzer.report import FORMATS, render
from checks.pii import CHECKS, RULE_FOR_ENTITY

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "secrets"))
from secret_tokens import openai  # noqa: E402  (generated key-shaped values, never real keys)


def _csv(columns, rows, *, delimiter=",", header=True, quoting=csv.QUOTE_MINIMAL, newline="\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _jsonl(columns, rows) -> bytes:
    return "".join(json.dumps({k: r[k] for k in columns if r[k]}) + "\n" for r in rows).encode()


def _json_array(columns, rows) -> bytes:
    return json.dumps([{k: r[k] for k in columns if r[k]} for r in rows], indent=2).encode()


def _parquet(columns, rows) -> bytes:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({c: [r[c] or None for r in rows] for c in columns})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=300)
    return sink.getvalue()


FORMAT_CASES = {
    "csv": ("data/train.csv", lambda c, r: _csv(c, r)),
    "csv-crlf-quoted": ("data/train.csv", lambda c, r: _csv(c, r, quoting=csv.QUOTE_ALL, newline="\r\n")),
    "semicolon": ("data/train.csv", lambda c, r: _csv(c, r, delimiter=";")),
    "pipe": ("data/train.psv", lambda c, r: _csv(c, r, delimiter="|")),
    "tsv": ("data/train.tsv", lambda c, r: _csv(c, r, delimiter="\t")),
    "tsv-as-csv": ("data/train.csv", lambda c, r: _csv(c, r, delimiter="\t")),
    "jsonl": ("data/train.jsonl", _jsonl),
    "json-lines-named-json": ("data/train.json", _jsonl),
    "json-array": ("data/train.json", _json_array),
    "parquet": ("data/train.parquet", _parquet),
}


@pytest.mark.parametrize("case", sorted(FORMAT_CASES))
def test_known_rates_are_reported_exactly_in_every_format(case):
    path, build = FORMAT_CASES[case]
    columns, rows = synth.known_rows()
    data = build(columns, rows)
    outcome = scan_data(path, data, CHECKS)
    assert outcome.complete and outcome.note == ""
    assert outcome.rows_read == outcome.rows_sampled == 1000
    # a file that fits the budget is read once (pyarrow reads a Parquet footer more than once)
    assert outcome.bytes_read == len(data) if case != "parquet" else outcome.bytes_read <= 4 * 1024 * 1024
    found = {(c.column, c.entity): c.rows for c in outcome.columns}
    assert found == synth.KNOWN  # and nothing for the look-alike columns
    for finding in outcome.findings:
        column = finding.attribute.removeprefix("column:")
        entity = next(e for (c, e) in synth.KNOWN if c == column)
        count = synth.KNOWN[(column, entity)]
        assert finding.rule_id == RULE_FOR_ENTITY[entity].id and finding.framework == "data"
        assert f"in {count} of 1000 sampled rows ({count / 10:.1f}%)" in finding.message
        assert "every row of the file was read (1000)" in finding.message


def test_a_header_cell_is_the_span_of_its_column():
    columns, rows = synth.known_rows(100)
    data = _csv(columns, rows, quoting=csv.QUOTE_ALL)
    findings = pii_findings("data/train.csv", data, CHECKS)
    assert findings
    for finding in findings:
        column = finding.attribute.removeprefix("column:")
        start = data.index(f'"{column}"'.encode())
        span = finding.span
        assert (span.path, span.line, span.end_line) == ("data/train.csv", 1, 1)
        assert (span.start, span.end) == (start, start + len(column) + 2)
        assert (span.col, span.end_col) == (start + 1, start + len(column) + 3)


def test_a_headerless_file_is_reported_per_column_number_at_its_first_line():
    columns, rows = synth.known_rows()
    data = _csv(columns, rows, header=False)
    outcome = scan_data("data/train.csv", data, CHECKS)
    number = {c: f"column {i + 1}" for i, c in enumerate(columns)}
    # a bare date is a birth date only under a column named so: without a header, not reported
    expected = {(number[c], e): n for (c, e), n in synth.KNOWN.items() if e != "DATE_OF_BIRTH"}
    assert {(c.column, c.entity): c.rows for c in outcome.columns} == expected
    first_line = data.split(b"\n", 1)[0]
    for finding in outcome.findings:
        assert (finding.span.start, finding.span.end, finding.span.line, finding.span.col) == (0, len(first_line), 1, 1)


def test_dialects_with_quoted_delimiters_and_newlines_in_fields():
    rng = random.Random(5)
    rows = [{"comment": f'said "hi"; then, left\nline two {i}', "email": synth.email(rng)} for i in range(60)]
    for delimiter in (",", ";", "\t", "|"):
        data = _csv(["comment", "email"], rows, delimiter=delimiter, quoting=csv.QUOTE_ALL)
        outcome = scan_data("data/x.csv", data, CHECKS)
        assert {(c.column, c.entity, c.rows) for c in outcome.columns} == {("email", "EMAIL_ADDRESS", 60)}, delimiter


def test_free_text_reports_a_single_validated_value():
    rng = random.Random(11)
    lines = []
    for i in range(500):
        prompt = "Summarise the meeting notes about the quarterly roadmap and hiring plan for the team."
        if i == 123:
            prompt = f"My social security number is {synth.ssn(rng)}, please update my file before Friday."
        if i == 321:
            prompt = f"Card {synth.card(rng)} was declined twice at the checkout page, what should I do?"
        if i == 400:
            prompt = "Patient notes: DOB: 1961-07-14, complains about recurring headaches since spring."
        lines.append({"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": "Sure."}]})
    data = "".join(json.dumps(r) + "\n" for r in lines).encode()
    outcome = scan_data("finetune/chat.jsonl", data, CHECKS)
    found = {(c.column, c.entity): c.rows for c in outcome.columns}
    assert found == {("messages[*].content", "US_SSN"): 1, ("messages[*].content", "CREDIT_CARD"): 1,
                     ("messages[*].content", "DATE_OF_BIRTH"): 1}


def test_sparse_values_in_a_structured_column_stay_below_the_thresholds():
    rng = random.Random(3)
    rows = [{"code": synth.ssn(rng) if i % 25 == 0 else synth.word(rng),   # 4% SSNs: under 5%
             "num": synth.random_digits(rng, 16),                           # ~3% pass the card checks
             "ten": synth.random_digits(rng, 10),                           # ~9% pass the NHS check
             "nine": synth.random_digits(rng, 9),                           # SSN-valid without dashes
             "eleven": synth.random_digits(rng, 11),
             "twelve": synth.random_digits(rng, 12),
             "version": f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}"}
            for i in range(1000)]
    outcome = scan_data("data/x.csv", _csv(list(rows[0]), rows), CHECKS)
    assert outcome.columns == []


def test_column_name_hints_lower_the_threshold_and_enable_bare_formats():
    rng = random.Random(4)
    rows = [{"ssn": f"{synth.ssn(rng).replace('-', '')}" if i % 10 == 0 else "",
             "mobile_phone": synth.random_digits(rng, 10) if i % 10 < 5 else "",
             "passport_no": "C" + synth.random_digits(rng, 8),
             "nhs_number": synth.random_digits(rng, 10),
             "zip": f"{rng.randint(10000, 99999)}",
             "first_name": synth.full_name(rng).split()[0],
             "city": rng.choice(("Jackson", "Austin", "Houston", "Charlotte", "Denver"))}
            for i in range(200)]
    outcome = scan_data("data/people.csv", _csv(list(rows[0]), rows), CHECKS)
    found = {(c.column, c.entity) for c in outcome.columns}
    assert {("ssn", "US_SSN"), ("mobile_phone", "PHONE_NUMBER"), ("passport_no", "PASSPORT"),
            ("nhs_number", "NATIONAL_ID"), ("zip", "ADDRESS"), ("first_name", "PERSON")} <= found
    assert not any(c == "city" for c, _ in found)


def test_national_ids_passports_addresses_and_ips():
    rows = [{"mrz": "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
             "nif": "12345678Z", "nie": "X1234567L", "cf": "RSSMRA85T10A562S", "hetu": "131052-308T",
             "nino": "AB 12 34 56 C", "street": f"{100 + i} Maple Avenue", "pc": "SW1A 1AA",
             "ip": f"203.0.113.{i % 250 + 1}", "v6": f"2001:db8::{i + 1:x}"} for i in range(50)]
    outcome = scan_data("data/ids.csv", _csv(list(rows[0]), rows), CHECKS)
    found = {(c.column, c.entity): c.rows for c in outcome.columns}
    assert found == {("mrz", "PASSPORT"): 50, ("nif", "NATIONAL_ID"): 50, ("nie", "NATIONAL_ID"): 50,
                     ("cf", "NATIONAL_ID"): 50, ("hetu", "NATIONAL_ID"): 50, ("nino", "NATIONAL_ID"): 50,
                     ("street", "ADDRESS"): 50, ("pc", "ADDRESS"): 50, ("ip", "IP_ADDRESS"): 50,
                     ("v6", "IP_ADDRESS"): 50}


def test_keys_in_data_are_found_with_the_key_scanner_and_only_redacted():
    rng = random.Random(9)
    key = openai(rng, "proj")
    rows = [{"text": f"import openai\nclient = openai.OpenAI(api_key=\"{key}\")\n" if i == 7 else "print('hello world')"}
            for i in range(40)]
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    outcome = scan_data("corpus/code.jsonl", data, CHECKS)
    [found] = outcome.columns
    assert (found.column, found.entity, found.rows) == ("text", "SECRET", 1)
    assert key not in repr(outcome) and found.examples[0].startswith(key[:4]) and len(found.examples[0]) <= 7


def test_a_sensitive_column_name_without_recognised_values():
    rows = [{"diagnosis": f"code-{i % 7}", "mrn": f"tok_{i:08x}"} for i in range(30)]
    findings = pii_findings("data/health.csv", _csv(["diagnosis", "mrn"], rows), CHECKS)
    assert sorted((f.rule_id, f.attribute) for f in findings) == [("AIP712", "column:diagnosis"), ("AIP712", "column:mrn")]


def test_only_the_selected_rules_are_reported():
    columns, rows = synth.known_rows(200)
    data = _csv(columns, rows)
    selected = [c for c in CHECKS if c.id == "AIP702"]
    assert {f.rule_id for f in pii_findings("data/x.csv", data, selected)} == {"AIP702"}
    assert pii_findings("data/x.csv", data, []) == []


def test_masks_show_no_value_in_full():
    assert mask("EMAIL_ADDRESS", "jane.doe@example-mail.com") == "j***@e***.com"
    assert mask("US_SSN", "123-45-6789") == "***-**-6789"
    assert mask("CREDIT_CARD", "4111 1111 1111 1111") == "************1111"
    assert mask("IBAN_CODE", "DE89370400440532013000") == "DE****************3000"
    assert mask("PHONE_NUMBER", "(212) 555-0134") == "(***) ***-**34"
    assert mask("IP_ADDRESS", "203.0.113.9") == "203.*.*.*"
    assert mask("DATE_OF_BIRTH", "14 Jul 1961") == "** *** ****"
    assert mask("PERSON", "Ada Lovelace") == "A*** L***"
    assert mask("NATIONAL_ID", "12345678Z") == "*******8Z"
    assert mask("NATIONAL_ID", "AB") == "**"


def _values(rows, columns):
    return {r[c] for r in rows for c in columns if r[c]}


@pytest.mark.parametrize("header", [True, False])
def test_no_report_of_any_format_shows_a_value_in_full(tmp_path, header):
    from analyzer.baseline import create
    from checks import ALL_CHECKS

    columns, rows = synth.known_rows(300)
    data = _csv(columns, rows, header=header)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_bytes(data)
    (tmp_path / "data" / "chat.jsonl").write_bytes(_jsonl(columns, rows))
    findings = (pii_findings("data/train.csv", str(tmp_path / "data" / "train.csv"), CHECKS)
                + pii_findings("data/chat.jsonl", str(tmp_path / "data" / "chat.jsonl"), CHECKS))
    assert len(findings) >= 12
    rules = tuple(ALL_CHECKS) + tuple(c for c in CHECKS if c not in ALL_CHECKS)
    result = ScanResult(root=str(tmp_path), files=["data/chat.jsonl", "data/train.csv"],
                        findings=sorted(findings, key=lambda f: f.sort_key()), rules=rules)
    outputs = [render(result, fmt, show_unknown=True) for fmt in FORMATS]
    outputs.append(json.dumps(create(result)))
    sensitive = ("contact", "b", "payment", "account", "phone", "customer_name", "date_of_birth")
    values = _values(rows, sensitive)
    assert len(values) > 1000
    for output in outputs:
        assert "***" in output or output.startswith("::")
        leaked = [value for value in values if value in output]
        assert not leaked, leaked[:3]


EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "pii", "example")


def test_the_example_fixture_is_generated_and_reported():
    from analyzer.pii import is_training_data

    found = {}
    for name, data in synth.example_files().items():
        with open(os.path.join(EXAMPLE, name), "rb") as handle:
            assert handle.read() == data, f"regenerate with: python tests/pii/pii_synth.py ({name})"
        assert is_training_data(name)
        for finding in pii_findings(name, os.path.join(EXAMPLE, name), CHECKS):
            found.setdefault(name, set()).add((finding.rule_id, finding.attribute))
    assert found == {
        "data/customers.csv": {("AIP700", "column:contact"), ("AIP702", "column:b"), ("AIP703", "column:payment"),
                               ("AIP704", "column:account"), ("AIP701", "column:phone"),
                               ("AIP709", "column:customer_name"), ("AIP706", "column:date_of_birth")},
        "finetune/chat.jsonl": {("AIP700", "column:messages[*].content"), ("AIP702", "column:messages[*].content")},
    }


def test_configured_globs_make_training_data(tmp_path, monkeypatch):
    from analyzer.engine import scan

    rows = "".join(f"client{i}@orchard-mail.net,{i}\n" for i in range(30))
    (tmp_path / "ml").mkdir()
    (tmp_path / "ml" / "dump.csv").write_text("contact,n\n" + rows)
    (tmp_path / ".aiposture.toml").write_text('training-data = ["ml/*.csv"]\n')
    monkeypatch.chdir(tmp_path)
    assert scan(["."], select=["AIP7"]).findings == []  # not a data folder, not named like a data set
    from analyzer import config

    globs = config.load(["."]).training_data
    assert [f.rule_id for f in scan(["."], select=["AIP7"], training_data=globs).findings] == ["AIP700"]
