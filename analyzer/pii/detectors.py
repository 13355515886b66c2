"""What counts as personal data in a cell: one explicit table of detectors (entity -> pattern ->
validator -> how much of a column it takes to report), the column-name hints, and the person-name
lists. Plain data; the patterns compile on first use.

Decisions per column (see scan.py): a detector reports when its share of the column's non-empty
sampled rows reaches `min_share`, or `hinted_share` when the column's name hints at its entity;
`needs_hint` detectors (a bare date, a passport number, digits without separators) report only
under such a name; `in_text` detectors (a validated value that is rare by chance: an email, a
card passing Luhn, an IBAN passing mod-97) report even one hit in a free-text column (prompts,
chat transcripts). The shares are set above what random look-alikes reach: about 4% of random
16-digit numbers pass the card checks, 9% of random 10-digit numbers the NHS check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Callable

from analyzer.pii import validators as v

# entity ids (the finding's entity; checks/pii.py maps each to its rule)
EMAIL = "EMAIL_ADDRESS"
PHONE = "PHONE_NUMBER"
US_SSN = "US_SSN"
CREDIT_CARD = "CREDIT_CARD"
IBAN = "IBAN_CODE"
IP_ADDRESS = "IP_ADDRESS"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
PASSPORT = "PASSPORT"
NATIONAL_ID = "NATIONAL_ID"
PERSON = "PERSON"
ADDRESS = "ADDRESS"
SECRET = "SECRET"

ENTITIES = (EMAIL, PHONE, US_SSN, CREDIT_CARD, IBAN, IP_ADDRESS, DATE_OF_BIRTH, PASSPORT, NATIONAL_ID,
            PERSON, ADDRESS, SECRET)

# how a finding names the entity
LABELS = {
    EMAIL: "an email address", PHONE: "a phone number", US_SSN: "a US Social Security number",
    CREDIT_CARD: "a payment card number", IBAN: "an IBAN", IP_ADDRESS: "an IP address",
    DATE_OF_BIRTH: "a date of birth", PASSPORT: "a passport number", NATIONAL_ID: "a national identity number",
    PERSON: "a person's name", ADDRESS: "a postal address", SECRET: "an AI or cloud key",
}


@dataclass(frozen=True)
class Detector:
    id: str                 # "us-ssn"
    entity: str             # one of ENTITIES
    pattern: str            # regex source; every quantifier bounded, none nested (linear time)
    validator: Callable[[str], bool] | None
    prefilter: str = ""     # a character the cell must hold for the pattern to run ("@", ".")
    min_share: float = 0.3  # of the column's non-empty rows
    hinted_share: float = 0.05
    needs_hint: bool = False
    in_text: bool = False   # one validated hit in a free-text column is reported
    group: int = 0          # the pattern's group that is the value (0: the whole match)
    label: str = ""         # the format, in messages ("UK NHS number")


_DATE = (r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
         r"|\d{1,2}[ -](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?[ -]\d{4}"
         r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.? \d{1,2},? \d{4})")
_WORD_EDGE_L = r"(?<![\w.+-])"
_DIGIT_EDGE_L, _DIGIT_EDGE_R = r"(?<![\w-])", r"(?![\w-])"
_STREET_TYPES = ("St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|Dr|Drive|Ct|Court|Way|Pl|Place|Ter|"
                 "Terrace|Pkwy|Parkway|Cir|Circle|Hwy|Highway|Sq|Square")

DETECTORS: tuple[Detector, ...] = (
    Detector("email", EMAIL,
             _WORD_EDGE_L + r"[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,63}(?![\w-])",
             v.email, prefilter="@", min_share=0.05, hinted_share=0.01, in_text=True),
    Detector("phone-e164", PHONE, r"(?<![\w+])\+[1-9][\d ().-]{6,20}\d(?![\w])", v.phone_e164, prefilter="+",
             in_text=True, label="international phone number"),
    Detector("phone-nanp", PHONE,
             r"(?<![\w+])(?:1[ .-]?)?(?:\([2-9]\d\d\) ?|[2-9]\d\d[ .-])[2-9]\d\d[ .-]\d{4}(?![\w-])",
             v.phone_nanp, in_text=True, label="North American phone number"),
    Detector("phone-national", PHONE, r"(?<![\w+])0[1-9]\d{0,4}(?:[ ./-]\d{2,5}){1,4}(?![\w-])", v.phone_national,
             label="national phone number"),
    Detector("phone-digits", PHONE, r"^(?:\+?\d{10,15})$", v.phone_digits, needs_hint=True, label="phone number"),
    Detector("us-ssn", US_SSN, _DIGIT_EDGE_L + r"\d{3}([- ])\d{2}\1\d{4}" + _DIGIT_EDGE_R, v.us_ssn,
             min_share=0.05, in_text=True),
    Detector("us-ssn-digits", US_SSN, r"^\d{9}$", v.us_ssn, needs_hint=True),
    Detector("credit-card", CREDIT_CARD, _DIGIT_EDGE_L + r"\d(?:[ -]?\d){12,18}" + _DIGIT_EDGE_R,
             v.credit_card, min_share=0.1, in_text=True),
    Detector("iban", IBAN, r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])",
             v.iban, min_share=0.05, hinted_share=0.01, in_text=True),
    Detector("ipv4", IP_ADDRESS,
             r"(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w.])",
             v.ipv4, prefilter="."),
    Detector("ipv6", IP_ADDRESS, r"(?<![\w:.])[0-9A-Fa-f:]{2,39}(?![\w:.])", v.ipv6, prefilter=":"),
    Detector("dob-in-text", DATE_OF_BIRTH,
             r"(?i:\b(?:dob|d\.o\.b\.?|date of birth|birth ?date|birthday|born(?: on)?)\b)[ \t]{0,3}[:=-]?[ \t]{0,3}"
             r"(" + _DATE + r")(?!\d)", v.birth_date, min_share=0.05, in_text=True, group=1),
    Detector("dob-column", DATE_OF_BIRTH, r"^(" + _DATE + r")(?:[T ]\d\d:\d\d(?::\d\d)?[^ ]{0,12})?$",
             v.birth_date, needs_hint=True, group=1),
    Detector("passport-mrz", PASSPORT, r"(?<![A-Z0-9<])[A-Z0-9<]{9}\d[A-Z<]{3}\d{7}[MFX<]\d{7}[A-Z0-9<]{14}[0-9<]\d(?![A-Z0-9<])",
             v.mrz_td3_line2, prefilter="<", min_share=0.05, in_text=True, label="passport machine-readable zone"),
    Detector("passport-number", PASSPORT, r"^[A-Za-z0-9]{6,9}$", v.passport_number, needs_hint=True),
    Detector("uk-nhs", NATIONAL_ID, _DIGIT_EDGE_L + r"\d{3}[ -]?\d{3}[ -]?\d{4}" + _DIGIT_EDGE_R, v.uk_nhs,
             min_share=0.5, label="UK NHS number"),
    Detector("uk-nino", NATIONAL_ID,
             r"(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])",
             v.uk_nino, min_share=0.1, label="UK National Insurance number"),
    Detector("es-nif", NATIONAL_ID, r"(?<![A-Za-z0-9])\d{8}-?[A-Z](?![A-Za-z0-9])", v.es_nif, min_share=0.1,
             in_text=True, label="Spanish DNI/NIF"),
    Detector("es-nie", NATIONAL_ID, r"(?<![A-Za-z0-9])[XYZ]-?\d{7}-?[A-Z](?![A-Za-z0-9])", v.es_nie,
             min_share=0.1, in_text=True, label="Spanish NIE"),
    Detector("it-fiscal-code", NATIONAL_ID,
             r"(?<![A-Za-z0-9])[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?![A-Za-z0-9])", v.it_fiscal_code,
             min_share=0.1, in_text=True, label="Italian fiscal code"),
    Detector("pl-pesel", NATIONAL_ID, _DIGIT_EDGE_L + r"\d{11}" + _DIGIT_EDGE_R, v.pl_pesel, min_share=0.5,
             label="Polish PESEL"),
    Detector("in-aadhaar", NATIONAL_ID, _DIGIT_EDGE_L + r"[2-9]\d{3} ?\d{4} ?\d{4}" + _DIGIT_EDGE_R, v.in_aadhaar,
             min_share=0.5, label="Indian Aadhaar number"),
    Detector("fi-hetu", NATIONAL_ID, r"(?<![A-Za-z0-9])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?![A-Za-z0-9])", v.fi_hetu,
             min_share=0.1, in_text=True, label="Finnish personal identity code"),
    Detector("se-personnummer", NATIONAL_ID, _DIGIT_EDGE_L + r"\d{6}[-+]\d{4}" + _DIGIT_EDGE_R, v.se_personnummer,
             min_share=0.3, label="Swedish personnummer"),
    Detector("ca-sin", NATIONAL_ID, _DIGIT_EDGE_L + r"\d{3}[ -]?\d{3}[ -]?\d{3}" + _DIGIT_EDGE_R, v.ca_sin,
             min_share=0.5, label="Canadian SIN"),
    Detector("street-address", ADDRESS,
             r"\b\d{1,6} (?:[A-Z][a-z]{1,20}\.? ){1,4}(?:" + _STREET_TYPES + r")\b\.?", None,
             label="street address"),
    Detector("uk-postcode", ADDRESS,
             r"^(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$", None, label="UK postcode"),
    Detector("us-zip", ADDRESS, r"^\d{5}(?:-\d{4})?$", None, needs_hint=True, label="ZIP code"),
    # PERSON and SECRET are not patterns: scan.py asks the name lists and analyzer.secrets
    Detector("person-name", PERSON, "", None),
    Detector("person-name-part", PERSON, "", None, needs_hint=True),
    Detector("ai-or-cloud-key", SECRET, "", None, min_share=0.0, in_text=True),
)

DETECTOR_BY_ID = {d.id: d for d in DETECTORS}

# Column-name hints: words of the column's name (split at "_", "-", ".", spaces and camelCase),
# or two-word phrases, that say what the column holds. Matched on whole words only, so
# "domain" is no "ip" and "username" is one word (a login, reported as no entity).
HINTS: dict[str, str] = {
    "email": EMAIL, "emails": EMAIL, "e_mail": EMAIL, "mail": EMAIL, "emailaddress": EMAIL,
    "phone": PHONE, "mobile": PHONE, "telephone": PHONE, "tel": PHONE, "cell": PHONE, "fax": PHONE,
    "msisdn": PHONE, "phonenumber": PHONE,
    "ssn": US_SSN, "social_security": US_SSN, "socialsecurity": US_SSN,
    "card": CREDIT_CARD, "cc": CREDIT_CARD, "pan": CREDIT_CARD, "ccn": CREDIT_CARD, "creditcard": CREDIT_CARD,
    "iban": IBAN, "bank_account": IBAN,
    "ip": IP_ADDRESS, "ipv4": IP_ADDRESS, "ipv6": IP_ADDRESS, "ipaddress": IP_ADDRESS, "ip_address": IP_ADDRESS,
    "dob": DATE_OF_BIRTH, "birth": DATE_OF_BIRTH, "birthday": DATE_OF_BIRTH, "birthdate": DATE_OF_BIRTH,
    "born": DATE_OF_BIRTH, "date_of_birth": DATE_OF_BIRTH,
    "passport": PASSPORT, "passport_no": PASSPORT, "passportnumber": PASSPORT,
    "nhs": NATIONAL_ID, "nino": NATIONAL_ID, "national_id": NATIONAL_ID, "nationalid": NATIONAL_ID,
    "nif": NATIONAL_ID, "nie": NATIONAL_ID, "dni": NATIONAL_ID, "pesel": NATIONAL_ID, "aadhaar": NATIONAL_ID,
    "aadhar": NATIONAL_ID, "codice_fiscale": NATIONAL_ID, "fiscal_code": NATIONAL_ID, "hetu": NATIONAL_ID,
    "personnummer": NATIONAL_ID, "sin": NATIONAL_ID, "tax_id": NATIONAL_ID, "id_number": NATIONAL_ID,
    "name": PERSON, "names": PERSON, "firstname": PERSON, "first_name": PERSON, "lastname": PERSON,
    "last_name": PERSON, "surname": PERSON, "forename": PERSON, "given_name": PERSON, "family_name": PERSON,
    "fullname": PERSON, "full_name": PERSON, "middle_name": PERSON, "customer": PERSON, "patient": PERSON,
    "author": PERSON, "contact": PERSON, "employee": PERSON,
    "address": ADDRESS, "addr": ADDRESS, "street": ADDRESS, "zip": ADDRESS, "zipcode": ADDRESS,
    "postcode": ADDRESS, "postal_code": ADDRESS, "postalcode": ADDRESS,
}
# names of things that are not people although a hint word is in them ("file_name", "model_name")
NOT_PERSON = frozenset({"file", "filename", "model", "product", "host", "hostname", "domain", "user", "username",
                        "dataset", "column", "field", "table", "class", "label", "task", "project", "company",
                        "org", "organization", "brand", "city", "country", "state", "street", "display",
                        "key", "bucket", "service", "app", "package", "tool", "function", "type", "event"})
# columns whose name alone says they hold special-category or identifying data (AIP712) when
# none of their values was recognised (tokenised, hashed, or a format we do not know)
SENSITIVE_NAMES = frozenset({"ssn", "social_security", "passport", "dob", "date_of_birth", "birthdate",
                             "diagnosis", "mrn", "medical_record", "health", "religion", "ethnicity",
                             "race", "sexual_orientation", "salary", "national_id", "nino", "nhs", "pesel",
                             "aadhaar", "tax_id", "biometric", "genetic", "criminal"})

_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")


def name_words(column: str) -> list[str]:
    """The words of a column name: "customerEmail" -> ["customer", "email"]; a JSON path's
    last two keys only ("messages[*].content" -> ["messages", "content"])."""
    tail = re.sub(r"\[\*\]", "", column).split(".")[-2:]
    text = _CAMEL.sub(r"\1_\2", " ".join(tail)[:200]).lower()
    return [w for w in _SPLIT.split(text) if w]


def hints(column: str) -> tuple[frozenset[str], bool]:
    """(the entities the column's name hints at, whether the name says sensitive data)."""
    words = name_words(column)
    phrases = words + [a + "_" + b for a, b in zip(words, words[1:])] + ["_".join(words)]
    found = {HINTS[p] for p in phrases if p in HINTS}
    if PERSON in found and any(w in NOT_PERSON for w in words):
        found.discard(PERSON)
    if ADDRESS in found and "ip" in words:  # "ip_address" is not a postal address
        found.discard(ADDRESS)
    sensitive = any(p in SENSITIVE_NAMES for p in phrases)
    return frozenset(found), sensitive


@lru_cache(maxsize=None)
def compiled(detector_id: str) -> re.Pattern | None:
    source = DETECTOR_BY_ID[detector_id].pattern
    return re.compile(source) if source else None


@lru_cache(maxsize=None)
def name_list(which: str) -> frozenset[str]:
    """The bundled given names ("first") or surnames ("last"), lower case."""
    file = "first_names.txt" if which == "first" else "surnames.txt"
    try:
        text = resources.files("analyzer.pii").joinpath("names", file).read_text("utf-8")
    except (OSError, ModuleNotFoundError):  # an install without the package data: no name detection
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


_NAME_TOKEN = re.compile(r"[A-Z][a-z]{1,20}(?:['-][A-Z]?[a-z]{1,20})?|[A-Z]\.?|O'[A-Z][a-z]{1,20}")


def person_name(cell: str) -> tuple[bool, bool]:
    """(a full name: a known given name followed by a known surname, or "Surname, Given";
    a single known name). Capitalised words only, 1 to 4 of them."""
    text = cell.strip()
    if not 2 <= len(text) <= 60:
        return False, False
    comma = "," in text
    tokens = text.replace(",", " ").split()
    if not 1 <= len(tokens) <= 4 or not all(_NAME_TOKEN.fullmatch(t) for t in tokens):
        return False, False
    first, last = name_list("first"), name_list("last")
    words = [t.lower() for t in tokens if len(t.rstrip(".")) > 1]
    if len(words) == 1:
        return False, words[0] in first or words[0] in last
    if comma:  # "Smith, John"
        return words[0] in last and words[1] in first, False
    return words[0] in first and words[-1] in last, False
