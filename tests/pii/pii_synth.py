"""Generated test data with known rates: no real people. Every value comes from a seeded
random generator; valid identifiers are built to pass their checks, look-alikes to fail them."""
from __future__ import annotations

import functools
import random
import string

from analyzer.pii import validators as v

WORDS = ("alpha", "bravo", "delta", "orbit", "lumen", "quartz", "ember", "vector", "nimbus", "cobalt")
DOMAINS = ("mailbox-gen.net", "corp-synth.io", "datafab.org", "qmail-test.co")


def email(rng: random.Random) -> str:
    local = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
    return f"{local}.{rng.randint(1, 999)}@{rng.choice(DOMAINS)}"


def ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        if area != 666:
            break
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def invalid_ssn(rng: random.Random) -> str:
    """SSN-shaped, in ranges never issued (area 000, 666, 9xx; group 00; serial 0000)."""
    kind = rng.randrange(5)
    area = (0, 666, rng.randint(900, 999), rng.randint(1, 665), rng.randint(1, 665))[kind]
    group = 0 if kind == 3 else rng.randint(1, 99)
    serial = 0 if kind == 4 else rng.randint(1, 9999)
    return f"{area:03d}-{group:02d}-{serial:04d}"


def _luhn_digit(body: str) -> str:
    for check in "0123456789":
        if v.luhn(body + check):
            return check
    raise AssertionError


def card(rng: random.Random) -> str:
    prefix = rng.choice(("4", "51", "55", "37", "6011"))
    length = 15 if prefix == "37" else 16
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + _luhn_digit(body)


def order_id_failing_luhn(rng: random.Random) -> str:
    body = "4" + "".join(rng.choice(string.digits) for _ in range(14))
    good = _luhn_digit(body)
    return body + str((int(good) + rng.randint(1, 9)) % 10)


def iban(rng: random.Random, country: str = "DE") -> str:
    bban = "".join(rng.choice(string.digits) for _ in range(v.IBAN_LENGTHS[country] - 4))
    # ISO 7064: the check digits make the rearranged number 1 modulo 97
    number = int("".join(str(int(ch, 36)) for ch in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


def iban_failing_mod97(rng: random.Random, country: str = "DE") -> str:
    code = iban(rng, country)
    wrong = (int(code[2:4]) + rng.randint(1, 50)) % 100
    bad = f"{code[:2]}{wrong:02d}{code[4:]}"
    return bad if not v.iban(bad) else iban_failing_mod97(rng, country)


def word(rng: random.Random) -> str:
    return rng.choice(WORDS) + str(rng.randint(0, 99))


def phone_nanp(rng: random.Random) -> str:
    return f"({rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(2, 9)}) {rng.randint(2, 9)}{rng.randint(20, 99)}-{rng.randint(0, 9999):04d}"


def full_name(rng: random.Random) -> str:
    """A given name and a surname drawn independently from the bundled lists (a combination,
    not a person)."""
    return f"{rng.choice(_names('first')).title()} {rng.choice(_names('last')).title()}"


@functools.lru_cache(maxsize=None)
def _names(which: str) -> list[str]:
    from analyzer.pii.detectors import name_list

    return sorted(name_list(which))


def birth_date(rng: random.Random) -> str:
    return f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def random_digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choice(string.digits) for _ in range(n - 1))


# the known-rate table: column -> (how row i gets its value, or None for empty)
def known_rows(n: int = 1000, seed: int = 7) -> tuple[list[str], list[dict[str, str]]]:
    rng = random.Random(seed)
    columns = ["id", "contact", "b", "payment", "account", "phone", "customer_name", "date_of_birth",
               "created_at", "order_id", "ref_code", "iban_like", "random_id", "note"]
    rows = []
    for i in range(n):
        rows.append({
            "id": str(i),
            "contact": email(rng) if i % 10 < 3 else word(rng),          # 30% emails
            "b": ssn(rng) if i % 10 == 0 else word(rng),                # 10% valid SSNs
            "payment": card(rng) if i % 5 == 0 else "",                 # 20% cards, else empty
            "account": iban(rng, rng.choice(("DE", "FR", "GB", "NL"))) if i % 20 < 3 else word(rng),  # 15%
            "phone": phone_nanp(rng) if i % 5 < 2 else "",              # 40% phones
            "customer_name": full_name(rng) if i % 2 == 0 else word(rng),  # 50% names
            "date_of_birth": birth_date(rng) if i % 4 == 0 else "",     # 25% birth dates
            "created_at": birth_date(rng),                              # dates, but not of birth
            "order_id": order_id_failing_luhn(rng),                     # card-shaped, Luhn fails
            "ref_code": invalid_ssn(rng),                               # SSN-shaped, never-issued ranges
            "iban_like": iban_failing_mod97(rng),                       # IBAN-shaped, mod-97 fails
            "random_id": random_digits(rng, 16),                        # ~4% pass the card checks by chance
            "note": "Order shipped to the warehouse on time",
        })
    return columns, rows


KNOWN = {  # (column, entity) -> rows of the 1000 holding it
    ("contact", "EMAIL_ADDRESS"): 300,
    ("b", "US_SSN"): 100,
    ("payment", "CREDIT_CARD"): 200,
    ("account", "IBAN_CODE"): 150,
    ("phone", "PHONE_NUMBER"): 400,
    ("customer_name", "PERSON"): 500,
    ("date_of_birth", "DATE_OF_BIRTH"): 250,
}


def example_files() -> dict[str, bytes]:
    """fixtures/pii/example: a small project with generated training data (regenerate with
    `python tests/pii/pii_synth.py`; a test checks the files equal this output)."""
    import csv
    import io
    import json

    columns, rows = known_rows(40, seed=21)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    rng = random.Random(22)
    chat = []
    for i in range(30):
        text = "Please summarise the attached release notes for the team."
        if i == 5:
            text = f"Update my record: my SSN is {ssn(rng)} and my email is {email(rng)}."
        chat.append(json.dumps({"messages": [{"role": "user", "content": text},
                                             {"role": "assistant", "content": "Done."}]}))
    return {"data/customers.csv": buffer.getvalue().encode(),
            "finetune/chat.jsonl": ("\n".join(chat) + "\n").encode()}


if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "pii", "example")
    for name, data in example_files().items():
        os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(data)
