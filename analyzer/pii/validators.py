"""Validators for candidate values: check digits, ranges and registries, written for aiposture
(re-implemented from the published algorithms; no third-party code). Every function takes the
candidate text as matched and returns a bool; none raises on any input."""
from __future__ import annotations

import datetime
import ipaddress
import re

_NON_DIGITS = re.compile(r"\D")


def digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def _one_digit(number: str) -> bool:
    """All the same digit (000000000, 4444...): test data or filler, not an identifier."""
    return len(set(number)) <= 1


# --- Luhn: credit cards, Canadian SIN, Swedish personnummer ------------------------------------

def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = ord(ch) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# issuer prefixes (IIN ranges) and the lengths each issues: (low, high, prefix length, lengths)
_CARD_IIN = (
    (4, 4, 1, (13, 16, 19)),                    # Visa
    (51, 55, 2, (16,)),                         # Mastercard
    (2221, 2720, 4, (16,)),                     # Mastercard 2-series
    (34, 34, 2, (15,)), (37, 37, 2, (15,)),     # American Express
    (6011, 6011, 4, (16, 17, 18, 19)),          # Discover
    (644, 649, 3, (16, 17, 18, 19)),
    (65, 65, 2, (16, 17, 18, 19)),
    (3528, 3589, 4, (16, 17, 18, 19)),          # JCB
    (300, 305, 3, (14, 15, 16, 17, 18, 19)),    # Diners Club
    (36, 36, 2, (14, 15, 16, 17, 18, 19)),
    (38, 39, 2, (16, 17, 18, 19)),
    (62, 62, 2, (16, 17, 18, 19)),              # UnionPay
)


def credit_card(text: str) -> bool:
    number = digits(text)
    if not 13 <= len(number) <= 19 or _one_digit(number):
        return False
    for low, high, size, lengths in _CARD_IIN:
        if low <= int(number[:size]) <= high and len(number) in lengths:
            return luhn(number)
    return False


# --- US Social Security numbers ----------------------------------------------------------------

# numbers published in advertising and documentation: never issued to a person (SSA)
_SSN_SAMPLES = frozenset({"078051120", "219099999", "457555462", "123456789"})


def us_ssn(text: str) -> bool:
    number = digits(text)
    if len(number) != 9 or number in _SSN_SAMPLES or _one_digit(number):
        return False
    area, group, serial = number[:3], number[3:5], number[5:]
    # never issued: area 000, 666 and 900-999 (the ITIN range); group 00; serial 0000
    return area != "000" and area != "666" and area[0] != "9" and group != "00" and serial != "0000"


# --- IBAN: ISO 13616 lengths per country, ISO 7064 MOD 97-10 ------------------------------------

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


def iban(text: str) -> bool:
    code = text.replace(" ", "").upper()
    if IBAN_LENGTHS.get(code[:2]) != len(code) or not code.isalnum() or not code[2:4].isdigit():
        return False
    moved = code[4:] + code[:4]
    # letters count as 10..35, digits as themselves; Python's integers take the whole number
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


# --- IP addresses -------------------------------------------------------------------------------

def ipv4(text: str) -> bool:
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return not address.is_unspecified


def ipv6(text: str) -> bool:
    if sum(ch not in ":" for ch in text) < 2:  # "::" and "::1"-like stubs are too short to mean anything
        return False
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return not address.is_unspecified


# --- dates --------------------------------------------------------------------------------------

_MONTHS = {name: i + 1 for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}


def parse_date(text: str) -> datetime.date | None:
    """A calendar date written as ISO (1990-02-28, 1990/02/28), day-first or month-first with
    "/", "." or "-" (28/02/1990, 02/28/1990: either reading that is a real date), or with a
    month name (28 Feb 1990, Feb 28, 1990, 28-Feb-1990). None when it is not a real date."""
    parts = [p for p in re.split(r"[\s/.,-]+", text.strip()[:40]) if p]
    if len(parts) != 3:
        return None
    try:
        if parts[0].isdigit() and len(parts[0]) == 4:  # year first
            year, month, day = int(parts[0]), _month(parts[1]), int(parts[2])
            return datetime.date(year, month, day)
        if parts[2].isdigit() and len(parts[2]) == 4:
            year = int(parts[2])
            if not parts[0].isdigit():  # Feb 28 1990
                return datetime.date(year, _month(parts[0]), int(parts[1]))
            if not parts[1].isdigit():  # 28 Feb 1990
                return datetime.date(year, _month(parts[1]), int(parts[0]))
            first, second = int(parts[0]), int(parts[1])
            for month, day in ((second, first), (first, second)):  # day first, then month first
                if 1 <= month <= 12 and 1 <= day <= 31:
                    try:
                        return datetime.date(year, month, day)
                    except ValueError:
                        continue
    except (ValueError, KeyError, OverflowError):
        return None
    return None


def _month(text: str) -> int:
    if text.isdigit():
        return int(text)
    return _MONTHS[text.lower()[:3]]  # Feb, February, Sept


def birth_date(text: str) -> bool:
    """A real date a living person can have been born on: in the past, at most 120 years ago."""
    found = parse_date(text)
    if found is None:
        return False
    today = datetime.date.today()
    return today.year - 120 <= found.year and found <= today


# --- passports: the machine-readable zone (ICAO 9303) --------------------------------------------

def _mrz_value(ch: str) -> int:
    if ch == "<":
        return 0
    if ch.isdigit():
        return ord(ch) - 48
    return ord(ch) - 55  # A=10 ... Z=35


def mrz_check(field: str, check: str) -> bool:
    weights = (7, 3, 1)
    total = sum(_mrz_value(ch) * weights[i % 3] for i, ch in enumerate(field))
    return check.isdigit() and total % 10 == int(check)


def mrz_td3_line2(text: str) -> bool:
    """The second line of a passport's machine-readable zone (44 characters): the document
    number, birth date, expiry date, personal number and the whole line each carry a check digit."""
    line = text.strip()
    if len(line) != 44:
        return False
    return (mrz_check(line[0:9], line[9]) and mrz_check(line[13:19], line[19])
            and mrz_check(line[21:27], line[27])
            and (line[42] == "<" and set(line[28:42]) <= {"<"} or mrz_check(line[28:42], line[42]))
            and mrz_check(line[0:10] + line[13:20] + line[21:43], line[43]))


# --- national identity numbers -----------------------------------------------------------------

def uk_nhs(text: str) -> bool:
    number = digits(text)
    if len(number) != 10 or _one_digit(number):
        return False
    check = 11 - sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1))) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def uk_nino(text: str) -> bool:
    code = text.replace(" ", "").upper()
    return len(code) == 9 and code[:2] not in _NINO_BAD_PREFIXES


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def es_nif(text: str) -> bool:
    code = text.replace("-", "").replace(" ", "").upper()
    return len(code) == 9 and code[:8].isdigit() and _DNI_LETTERS[int(code[:8]) % 23] == code[8]


def es_nie(text: str) -> bool:
    code = text.replace("-", "").replace(" ", "").upper()
    if len(code) != 9 or code[0] not in "XYZ" or not code[1:8].isdigit():
        return False
    return _DNI_LETTERS[int(str("XYZ".index(code[0])) + code[1:8]) % 23] == code[8]


def pl_pesel(text: str) -> bool:
    number = digits(text)
    if len(number) != 11 or _one_digit(number):
        return False
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    if (10 - sum(int(d) * w for d, w in zip(number, weights)) % 10) % 10 != int(number[10]):
        return False
    # the month carries the century: +80 for the 1800s, +0, +20, +40, +60 for 1900s..2100s
    month = int(number[2:4])
    century = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 1800}[month // 20]
    try:
        datetime.date(century + int(number[:2]), month % 20, int(number[4:6]))
    except ValueError:
        return False
    return True


# Verhoeff's dihedral-group tables (Aadhaar's check digit)
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8))


def verhoeff(number: str) -> bool:
    check = 0
    for i, ch in enumerate(reversed(number)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[i % 8][ord(ch) - 48]]
    return check == 0


def in_aadhaar(text: str) -> bool:
    number = digits(text)
    return len(number) == 12 and number[0] not in "01" and not _one_digit(number) and verhoeff(number)


# Italian fiscal code: characters in odd positions (1st, 3rd...) map through this table
_CF_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20,
                    11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23)))


def it_fiscal_code(text: str) -> bool:
    code = text.upper()
    if len(code) != 16 or not code.isalnum():
        return False
    total = 0
    for i, ch in enumerate(code[:15]):
        total += _CF_ODD[ch] if i % 2 == 0 else (int(ch) if ch.isdigit() else ord(ch) - 65)
    return chr(65 + total % 26) == code[15]


_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def fi_hetu(text: str) -> bool:
    code = text.upper()
    if len(code) != 11 or not (code[:6] + code[7:10]).isdigit():
        return False
    try:
        datetime.date(2000 + int(code[4:6]), int(code[2:4]), int(code[:2]))  # a leap-safe day check
    except ValueError:
        if code[:4] != "2902":
            return False
    return _HETU_CHECK[int(code[:6] + code[7:10]) % 31] == code[10]


def se_personnummer(text: str) -> bool:
    number = digits(text)
    if len(number) != 10 or _one_digit(number):
        return False
    month, day = int(number[2:4]), int(number[4:6])
    # day + 60 marks a coordination number
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91) and luhn(number)


def ca_sin(text: str) -> bool:
    number = digits(text)
    # 0 is never issued, 8 is for business numbers
    return len(number) == 9 and number[0] not in "08" and not _one_digit(number) and luhn(number)


def passport_number(text: str) -> bool:
    """A passport number under a passport column: 6 to 9 letters and digits, with a digit."""
    code = text.strip()
    return 6 <= len(code) <= 9 and code.isalnum() and any(ch.isdigit() for ch in code) and not _one_digit(code)


# --- phone numbers (shape and length; no numbering-plan database) -------------------------------

def phone_e164(text: str) -> bool:
    """+ country code and number: 8 to 15 digits (E.164's maximum), at most one "(...)" group."""
    number = digits(text)
    return 8 <= len(number) <= 15 and text.count("(") <= 1 and text.count("(") == text.count(")") \
        and not _one_digit(number[1:])


def phone_nanp(text: str) -> bool:
    """North American numbering plan: area and exchange codes 2-9xx, and not an N11 service code."""
    number = digits(text)
    if len(number) == 11:
        number = number[1:]
    if len(number) != 10:
        return False
    area, exchange = number[:3], number[3:6]
    return area[1:] != "11" and exchange[1:] != "11" and text.count("(") == text.count(")")


def phone_national(text: str) -> bool:
    """A trunk-prefixed national number (0 then 9 or 10 digits: UK, DE, FR, IT, ...) written with
    separators: a run of plain digits is an id unless the column is named like a phone."""
    number = digits(text)
    return 10 <= len(number) <= 11 and not _one_digit(number[1:])


def phone_digits(text: str) -> bool:
    number = digits(text)
    return 10 <= len(number) <= 15 and not _one_digit(number)


# --- email ----------------------------------------------------------------------------------------

# domains reserved for documentation and tests (RFC 2606, RFC 6761) and GitHub's no-reply addresses
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "users.noreply.github.com")
_RESERVED_TLDS = ("test", "example", "invalid", "localhost", "local")


def email(text: str) -> bool:
    local, _, domain = text.rpartition("@")
    domain = domain.lower()
    if not local or local[0] == "." or local[-1] == "." or ".." in local or ".." in domain:
        return False
    labels = domain.split(".")
    if any(not label or label[0] == "-" or label[-1] == "-" for label in labels):
        return False
    if labels[-1] in _RESERVED_TLDS:
        return False
    return not any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS)
