"""Pseudonymisation of participant identifiers (HMAC-SHA256 with a secret key).

The key comes from ``COACHING_PSEUDONYM_KEY`` or from a key file outside the
repository and the warehouse: ``$XDG_CONFIG_HOME/utrecht-impact-coaching/pseudonym.key``
(``~/.config/...`` by default), created on first use with owner-only
permissions. Whoever holds the key can re-link a pseudonym to the
initiative's own code; nobody else can.
"""

from __future__ import annotations

import hashlib
import re
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

KEY_ENV = "COACHING_PSEUDONYM_KEY"
PSEUDONYM_PREFIX = "p_"


def default_key_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "utrecht-impact-coaching" / "pseudonym.key"


def load_key() -> bytes:
    """The pseudonymisation key: from the environment, else the key file (created if missing)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = default_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def pseudonymise(initiative_id: str, participant_ids: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash of ``initiative_id/participant_id``; codes are per initiative, so the pair is hashed."""

    def one(pid: object) -> object:
        if pid is None or (isinstance(pid, float) and pd.isna(pid)):
            return None
        digest = hmac.new(key, f"{initiative_id}/{pid}".encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:24]

    return participant_ids.map(one).astype("object")


# --- direct identifiers -------------------------------------------------------------------------

# Normalised column names (see impact.ingest.readers.normalise_header) that hold direct
# identifiers, in Dutch and English, by kind.
IDENTIFIER_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("naam", "voornaam", "achternaam", "roepnaam", "voorletters", "tussenvoegsel", "name",
             "first_name", "firstname", "last_name", "lastname", "surname", "full_name", "volledige_naam"),
    "e-mail address": ("email", "e_mail", "mail", "emailadres", "e_mailadres", "email_address", "mailadres"),
    "phone number": ("telefoon", "telefoonnummer", "tel", "telnr", "tel_nr", "phone", "phone_number",
                     "mobiel", "mobile", "gsm", "mobiel_nummer"),
    "address": ("adres", "straat", "straatnaam", "huisnummer", "address", "street", "house_number",
                "postcode", "zip", "zipcode", "postal_code"),
    "full birth date": ("geboortedatum", "geb_datum", "gebdatum", "birth_date", "birthdate", "date_of_birth",
                        "dob", "birthday", "geboren"),
    "BSN": ("bsn", "burgerservicenummer", "sofinummer", "sofi_nummer", "social_security_number", "ssn"),
}
_HEADER_KIND = {h: kind for kind, headers in IDENTIFIER_HEADERS.items() for h in headers}

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the separators people type in phone numbers and BSNs: spaces, dashes,
# dots, slashes, brackets, a leading + or 00 (e.g. "(030) 234 56 78", "+31 (0)6 1234 5678").
DIGIT_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s\-./()]{6,}\d(?!\w)")
PHONE = re.compile(r"^(?:\+31|0031|0)[\s\-./()]*\d(?:[\s\-./()]*\d){8}$")
NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
# Codes like participant numbers inside free text: letters, a dash, three or more digits ("ZZ-0014").
CODE_LIKE = re.compile(r"\b[A-Za-z]{1,4}-\d{3,6}\b")
FULL_DATE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/]\d{1,2}[-/]\d{4})\s*$")
REDACTED = {"e-mail address": "[e-mail verwijderd]", "phone number": "[telefoonnummer verwijderd]", "BSN": "[BSN verwijderd]"}


def is_bsn(digits: str) -> bool:
    """The eleven test ("elfproef") of a Dutch citizen service number."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def identifier_kind_of_header(column: str) -> str | None:
    """The kind of direct identifier a (normalised) column name announces, or None."""
    if column in _HEADER_KIND:
        return _HEADER_KIND[column]
    for token, kind in _HEADER_KIND.items():
        if len(token) >= 4 and (column.startswith(token + "_") or column.endswith("_" + token)):
            return kind
    return None


def identifier_kind_of_values(values: pd.Series, share: float = 0.5) -> str | None:
    """The kind of direct identifier most of a column's values look like, or None."""
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return None
    tests = {
        "e-mail address": text.str.fullmatch(EMAIL),
        "phone number": text.str.fullmatch(PHONE),
        "BSN": text.map(lambda v: is_bsn(v.replace(" ", "").replace(".", ""))),
        "full birth date": text.str.match(FULL_DATE),
    }
    for kind, hits in tests.items():
        if hits.mean() >= share:
            return kind
    return None


def _digit_run(match: re.Match) -> str:
    """A phone number (Dutch: 10 digits with a leading 0, or +31/0031 and 9 digits) or a BSN; else as it was."""
    text = match.group(0)
    digits = re.sub(r"\D", "", text.replace("(0)", ""))  # "+31 (0)6 …": the (0) is not dialled
    if text.lstrip("(").startswith("+") and digits.startswith("31"):
        digits = "0" + digits[2:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    if len(digits) == 10 and digits.startswith("0"):
        return REDACTED["phone number"]
    if len(digits) == 9 and is_bsn(digits):
        return REDACTED["BSN"]
    return text


def redact_identifiers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Replace e-mail addresses, phone numbers and BSNs inside free text; returns (text, redacted mask)."""
    present = text.notna()
    s = text.where(present, "").astype(str)
    out = s.str.replace(EMAIL, REDACTED["e-mail address"], regex=True)
    out = out.str.replace(DIGIT_RUN, _digit_run, regex=True)
    out = out.str.replace(NINE_DIGITS, lambda m: REDACTED["BSN"] if is_bsn(m.group(0)) else m.group(0), regex=True)
    changed = present & (out != s)
    return out.where(present, None).astype("object"), changed


def redact_codes(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Replace tokens that look like participant codes (``ZZ-0014``) inside free text."""
    present = text.notna()
    s = text.where(present, "").astype(str)
    out = s.str.replace(CODE_LIKE, "[code verwijderd]", regex=True)
    changed = present & (out != s)
    return out.where(present, None).astype("object"), changed


def normalise_codes(codes: pd.Series) -> pd.Series:
    """One spelling per participant code: trimmed, upper case, inner spaces removed; a purely numeric
    code without leading zeros (a spreadsheet turns ``007`` into 7, so both mean the same person)."""
    present = codes.notna()
    s = codes.where(present, "").astype(str).str.strip().str.upper().str.replace(r"\s+", "", regex=True)
    numeric = s.str.fullmatch(r"\d+")
    s = s.where(~numeric, s.str.lstrip("0").replace("", "0"))
    return s.where(present & (s != ""), None).astype("object")


# What a value typed in the wrong column may be, for the quarantine to leave it out.
NAME_LIKE = re.compile(r"^[A-Z][a-zà-ÿ'.]+(?:\s+(?:van|de|der|den|el|ten|ter|la|le)?\s*)*\s+[A-Z][a-zà-ÿ'-]+")
ADDRESS_LIKE = re.compile(r"[A-Za-zà-ÿ]{3,}\s+\d+\s?[a-zA-Z]?\b|\b\d{4}\s?[A-Za-z]{2}\b")


def looks_personal(values: pd.Series, date_column: bool = False) -> pd.Series:
    """Values that may identify a person: a name, an address or postcode, an e-mail address, a phone
    number or BSN, a full date outside a date column, or long free text."""
    text = values.where(values.notna(), "").astype(str).str.strip()
    personal = (
        text.str.match(NAME_LIKE)
        | text.str.contains(ADDRESS_LIKE)
        | text.str.contains(EMAIL)
        | (redact_identifiers(text)[1])
        | (text.str.len() > 60)
    )
    if not date_column:
        personal |= text.str.match(FULL_DATE)
    return personal & values.notna()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Prefix text that a spreadsheet would run as a formula with ``'``; returns (text, changed mask)."""
    present = text.notna()
    s = text.where(present, "").astype(str)
    risky = present & s.str.startswith(FORMULA_START)
    return text.where(~risky, "'" + s).astype("object"), risky
