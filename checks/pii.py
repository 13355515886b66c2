"""Personal data in training data (AIP7xx): reported by the data scanner (analyzer.pii) for data
files in the repository (data folders, files pipelines and notebooks read, configured globs), one
finding per file, column and kind of data, never by a resource rule."""
from __future__ import annotations

from analyzer.check import Check, Severity

OWASP_LLM = "owasp-llm"
OWASP_ML = "owasp-ml"
CWE = "cwe"


def _reported_by_the_data_scanner(resource, context):
    return ()  # personal data is found in the rows of data files (analyzer.pii)


_REMEDY = ("Remove or pseudonymise the column before training (drop it, replace values with "
           "tokens or synthetic values, or run a de-identification step in the pipeline), keep raw "
           "personal data out of the repository (a governed bucket with access logging instead), "
           "and record the lawful basis if it must stay. A model trained on personal data can "
           "repeat it verbatim.")
_REFERENCES = ("https://owasp.org/www-project-top-10-for-large-language-model-applications/",
               "https://cwe.mitre.org/data/definitions/359.html")


def _rule(id: str, name: str, title: str, severity: Severity, description: str, cwe: str = "CWE-359") -> Check:
    # secret=True: a report that shows the finding's source line masks it (a headerless file's first line is data)
    return Check(id=id, name=name, title=title, severity=severity, kinds=(), rule=_reported_by_the_data_scanner,
                 description=f"{description} {_REMEDY}", references=_REFERENCES,
                 compliance={CWE: (cwe,), OWASP_LLM: ("LLM02",), OWASP_ML: ("ML03",)}, secret=True)


EMAIL = _rule("AIP700", "pii-email-in-training-data", "Training data holds no email addresses", Severity.MEDIUM,
              "A column of a training data file holds email addresses (validated: a public domain, not "
              "an example or test domain). Emails identify people directly and are a common target "
              "of training-data extraction attacks.")
PHONE = _rule("AIP701", "pii-phone-number-in-training-data", "Training data holds no phone numbers",
              Severity.MEDIUM,
              "A column holds phone numbers: international (+ and country code), North American "
              "or trunk-prefixed national formats; plain digit runs only in a column named like a phone.")
US_SSN = _rule("AIP702", "pii-us-ssn-in-training-data", "Training data holds no US Social Security numbers",
               Severity.HIGH,
               "A column holds US Social Security numbers in the ranges the SSA issues (area not 000, "
               "666 or 9xx, group not 00, serial not 0000; published sample numbers excluded). An SSN "
               "enables identity theft and is regulated almost everywhere.")
CREDIT_CARD = _rule("AIP703", "pii-payment-card-in-training-data", "Training data holds no payment card numbers",
                    Severity.HIGH,
                    "A column holds payment card numbers: a known issuer prefix and length, and a valid "
                    "Luhn check digit. Card numbers in a repository put it in PCI DSS scope.")
IBAN = _rule("AIP704", "pii-iban-in-training-data", "Training data holds no bank account numbers (IBAN)",
             Severity.HIGH,
             "A column holds IBANs with the country's length and a valid ISO 7064 mod-97 check.")
IP_ADDRESS = _rule("AIP705", "pii-ip-address-in-training-data", "Training data holds no IP addresses",
                   Severity.LOW,
                   "A column holds IPv4 or IPv6 addresses. An address can identify a household or a "
                   "device and counts as personal data under the GDPR.")
DATE_OF_BIRTH = _rule("AIP706", "pii-date-of-birth-in-training-data", "Training data holds no dates of birth",
                      Severity.MEDIUM,
                      "A column named like a birth date holds plausible birth dates (in the past, at "
                      "most 120 years ago), or text gives a date after \"DOB\", \"born\" or \"date of "
                      "birth\". With a name or a postcode, a birth date singles out most people.")
PASSPORT = _rule("AIP707", "pii-passport-number-in-training-data", "Training data holds no passport numbers",
                 Severity.HIGH,
                 "A column holds passport machine-readable zones (every check digit valid), or "
                 "passport numbers in a column named like a passport.")
NATIONAL_ID = _rule("AIP708", "pii-national-id-in-training-data", "Training data holds no national identity numbers",
                    Severity.HIGH,
                    "A column holds national identity numbers with a valid check digit or format: UK NHS "
                    "and National Insurance numbers, Spanish DNI/NIE, Italian fiscal codes, Polish "
                    "PESEL, Indian Aadhaar, Finnish and Swedish personal identity codes, Canadian SIN. "
                    "Numeric formats need half the column to pass (or a column name saying so), since "
                    "random numbers pass a check digit by chance.")
PERSON = _rule("AIP709", "pii-person-name-in-training-data", "Training data holds no person names",
               Severity.MEDIUM,
               "A column holds person names: a known given name followed by a known surname (from "
               "lists bundled with aiposture), or single known names in a column named like a name. "
               "Names in free text are not detected without a language model.")
ADDRESS = _rule("AIP710", "pii-postal-address-in-training-data", "Training data holds no postal addresses",
                Severity.MEDIUM,
                "A column holds street addresses (a number, a name and a street type), UK postcodes, "
                "or ZIP codes in a column named like one.")
SECRET = _rule("AIP711", "key-in-training-data", "Training data holds no AI provider or cloud keys",
               Severity.HIGH,
               "A data file holds an AI provider or cloud key (found by the same detectors as AIP501). "
               "Scraped code and chat logs carry real keys; a model trained on them can repeat them. "
               "Rotate the key, then remove it from the data.", cwe="CWE-798")
SENSITIVE_COLUMN = _rule(
    "AIP712", "sensitive-column-in-training-data", "Training data has no columns named as sensitive personal data",
    Severity.LOW,
    "A column is named like sensitive personal data (SSN, passport, date of birth, diagnosis, "
    "medical record, religion, ethnicity...) and holds values, but none of them was recognised: "
    "they may be tokenised or hashed, or in a format aiposture does not know. Check what the "
    "column holds.")

CHECKS = (EMAIL, PHONE, US_SSN, CREDIT_CARD, IBAN, IP_ADDRESS, DATE_OF_BIRTH, PASSPORT, NATIONAL_ID, PERSON,
          ADDRESS, SECRET, SENSITIVE_COLUMN)

# the rule each entity of analyzer.pii.detectors is reported under (plain strings: importing the
# catalog must not import the data scanner)
RULE_FOR_ENTITY = {
    "EMAIL_ADDRESS": EMAIL, "PHONE_NUMBER": PHONE, "US_SSN": US_SSN, "CREDIT_CARD": CREDIT_CARD, "IBAN_CODE": IBAN,
    "IP_ADDRESS": IP_ADDRESS, "DATE_OF_BIRTH": DATE_OF_BIRTH, "PASSPORT": PASSPORT, "NATIONAL_ID": NATIONAL_ID,
    "PERSON": PERSON, "ADDRESS": ADDRESS, "SECRET": SECRET,
}
