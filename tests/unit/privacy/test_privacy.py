"""Privacy helpers: pseudonyms, identifiers in free text, codes in one spelling, personal-looking values."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from impact import privacy

pytestmark = pytest.mark.unit


def test_pseudonyms_are_keyed_hashes_of_initiative_and_code():
    out = privacy.pseudonymise("demo", pd.Series(["A1", None]), b"key")
    assert out.tolist() == ["p_" + hmac.new(b"key", b"demo/A1", hashlib.sha256).hexdigest()[:24], None]
    assert privacy.pseudonymise("other", pd.Series(["A1"]), b"key")[0] != out[0]  # codes are per initiative


def test_key_file_is_created_once_with_owner_only_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    key = privacy.load_key()
    path = tmp_path / "utrecht-impact-coaching" / "pseudonym.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert privacy.load_key() == key and len(key) == 64


@pytest.mark.parametrize(("text", "expected"), [
    ("bel 06-12345678", "bel [telefoonnummer verwijderd]"),
    ("(030) 2345678 of +31 (0)6 1234 5678", "[telefoonnummer verwijderd] of [telefoonnummer verwijderd]"),
    ("030 - 123 45 67", "[telefoonnummer verwijderd]"),
    ("0031 6 12345678", "[telefoonnummer verwijderd]"),
    ("mail ria@example.nl", "mail [e-mail verwijderd]"),
    ("bsn 111222333 en 1234.56.782", "bsn [BSN verwijderd] en [BSN verwijderd]"),
    ("kosten 1.234.567,89 op 2018-03-01 t/m 2018-04-01", "kosten 1.234.567,89 op 2018-03-01 t/m 2018-04-01"),
    ("123456789 is geen BSN", "123456789 is geen BSN"),  # fails the eleven test
])
def test_identifiers_in_free_text_are_redacted(text, expected):
    assert privacy.redact_identifiers(pd.Series([text]))[0][0] == expected


def test_bsn_eleven_test():
    assert privacy.is_bsn("111222333") and privacy.is_bsn("123456782")
    assert not privacy.is_bsn("123456789") and not privacy.is_bsn("000000000")


def test_codes_in_one_spelling():
    assert privacy.normalise_codes(pd.Series([" db-007 ", "007", "7", "0", None, "A 12"])).tolist() == [
        "DB-007", "7", "7", "0", None, "A12"]


def test_values_that_look_personal():
    values = pd.Series(["Fatima Bakkali", "Kanaalstraat 12", "3532 AB", "12-03-1941", "jan@x.nl", "Overvect", "99", "ca. 20"])
    assert privacy.looks_personal(values).tolist() == [True, True, True, True, True, False, False, False]
    assert not privacy.looks_personal(pd.Series(["12-03-2018"]), date_column=True)[0]


def test_direct_identifier_columns_by_header_and_content():
    assert privacy.identifier_kind_of_header("e_mail") == "e-mail address"
    assert privacy.identifier_kind_of_header("naam_deelnemer") == "name"
    assert privacy.identifier_kind_of_header("wijk") is None
    assert privacy.identifier_kind_of_values(pd.Series(["a@b.nl", "c@d.nl", None])) == "e-mail address"
    assert privacy.identifier_kind_of_values(pd.Series(["12-03-1941", "01-01-1950"])) == "full birth date"


def test_formulas_are_neutralised():
    out, changed = privacy.neutralise_formulas(pd.Series(["=HYPERLINK(\"x\")", "+31", "@SUM", "gewoon", None]))
    assert out.tolist() == ["'=HYPERLINK(\"x\")", "'+31", "'@SUM", "gewoon", None]
    assert changed.tolist() == [True, True, True, False, False]
