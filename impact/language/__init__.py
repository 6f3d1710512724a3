"""Words and numbers in Dutch (default) or English: the reports, the contract's messages, the CLI.

Every sentence the project prints for people lives in ``locale/<language>/*.yaml``
under a dotted key (one file per domain: ``reports.yaml``, ``contract.yaml``, …; a key
is defined in one file only); templates, builders and messages ask
``Translator.t(key, **values)``. Numbers, shares
and dates are formatted by Babel for the language (``1,5`` and ``31 januari 2019``
in Dutch). A key missing from a catalogue is an error, never a silently printed
key: tests check both catalogues hold the same keys and that every key used in a
template exists.
"""

from __future__ import annotations

import decimal

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

LANGUAGES = {"nl": "nl_NL", "en": "en_GB"}
SUPPRESSED = "suppressed"  # the marker key for a cell hidden by disclosure control


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@lru_cache(maxsize=None)
def catalogue(language: str) -> dict[str, str]:
    if language not in LANGUAGES:
        raise ValueError(f"language '{language}' is not available; choose one of: {', '.join(LANGUAGES)}")
    words: dict[str, str] = {}
    folder = resources.files("impact.language").joinpath("locale", language)
    for part in sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name):
        flat = _flatten(yaml.safe_load(part.read_text(encoding="utf-8")) or {})
        twice = sorted(set(flat) & set(words))
        if twice:
            raise ValueError(f"impact/language/locale/{language}/{part.name} defines keys another file defines too: {', '.join(twice[:5])}")
        words.update(flat)
    return words


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is _NA


try:  # pandas' NA, without importing pandas at module level
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = object()


def mid_sentence(name) -> str:
    """A name (an outcome's) inside a sentence: its first letter in lower case ('gevoel van eigenwaarde'), except
    in an abbreviation ('WHO-5', 'ADL')."""
    text = str(name)
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


class Text:
    """A sentence to be written later, in the reader's language: a catalogue key and its values.

    Code that does not know the language (a reader of files, a model's column description) says
    *what* to write; the caller that knows the language renders it. A value may be a ``Text`` too.
    """

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values) -> None:
        self.key = key
        self.values = values

    def render(self, tr: "Translator") -> str:
        return tr.t(self.key, **{k: render(v, tr) for k, v in self.values.items()})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Text({self.key!r}, {self.values!r})"

    def __str__(self) -> str:  # where no reader's language is known (a log line, an exception's repr): English
        return self.render(Translator("en"))


class Joined:
    """Items joined once the language is known: by 'and' ('A and B and C', ``how="and"``) or as
    alternatives ('A, B or C', ``how="or"``)."""

    __slots__ = ("items", "how")

    def __init__(self, items, how: str = "and") -> None:
        self.items = tuple(items)
        self.how = how

    def render(self, tr: "Translator") -> str:
        items = [render(i, tr) for i in self.items]
        return tr.both(items) if self.how == "and" else tr.alternatives(items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (self.items, self.how) == (other.items, other.how)

    def __hash__(self) -> int:
        return hash(self.items)


def render(value, tr: "Translator"):
    """A value for a sentence: a :class:`Text` (or :class:`Joined`) in the translator's language, anything else as it is."""
    return value.render(tr) if isinstance(value, (Text, Joined)) else value


@dataclass(frozen=True)
class Translator:
    """``t`` for sentences, ``num``/``pct``/``date`` for values, in one language."""

    language: str
    threshold: int = 10
    _words: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_words", catalogue(self.language))

    @property
    def locale(self) -> str:
        return LANGUAGES[self.language]

    def has(self, key: str) -> bool:
        return key in self._words

    def t(self, key: str, /, **values) -> str:
        try:
            text = self._words[key]
        except KeyError:
            raise KeyError(f"no text for '{key}' in the {self.language} catalogue (impact/language/locale/{self.language}/)") from None
        return text.format(**values) if values else text

    def listing(self, items: list[str]) -> str:
        """Items as a sentence lists them: 'A', 'A en B', 'A, B en C' (``recommendation.list``)."""
        items = [str(i) for i in items]
        if len(items) <= 1:
            return "".join(items)
        return self.t("recommendation.list", items=", ".join(items[:-1]), last=items[-1])

    def alternatives(self, items) -> str:
        """Items as alternatives: 'A', 'A or B', 'A, B or C' (``language.or_list``)."""
        items = [str(i) for i in items]
        if len(items) <= 1:
            return "".join(items)
        return self.t("language.or_list", items=", ".join(items[:-1]), last=items[-1])

    def both(self, items) -> str:
        """Items joined by 'and' without a serial comma: 'A and B and C' (``language.and_join``)."""
        return self.t("language.and_join").join(str(i) for i in items)

    def quarantine_reason(self, rule: str) -> str:
        """Why a row was set aside, in words; a rule without words yet is named as it is."""
        key = f"quarantine_rule.{rule}"
        return self.t(key) if self.has(key) else self.t("quarantine_rule.other", rule=rule)

    def num(self, x, digits: int = 2, signed: bool = False) -> str:
        """A number with ``digits`` decimals; '–' when missing."""
        if _missing(x):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        # rounded half away from zero, as a reader rounds by hand (3,25 → 3,3; 752,5 → 753), from the number as
        # written (repr: 1.005 is 1.005, not 1.00499…); Babel would round half to even
        if math.isfinite(float(x)):
            exact = decimal.Decimal(repr(float(x))).quantize(decimal.Decimal(1).scaleb(-digits),
                                                             rounding=decimal.ROUND_HALF_UP)
            exact = exact.copy_abs() if exact.is_zero() else exact     # no "−0,00"
            text = format_decimal(exact, format=pattern, locale=self.locale)
        else:
            text = format_decimal(float(x), format=pattern, locale=self.locale)
        if signed and float(x) > 0 and text.strip("0,.") != "":
            text = "+" + text
        return text.replace("-", "−")

    def units(self, key: str, x, digits: int = 2, signed: bool = False) -> str:
        """A number with its unit: '1,10 punten', '10 procentpunten', and the singular ``<key>_one`` ('1 punt')
        where the catalogue has one and the number as shown is exactly 1 (or −1)."""
        one = not _missing(x) and abs(round(float(x), digits)) == 1 and self.has(f"{key}_one")
        return self.t(f"{key}_one" if one else key, value=self.num(x, digits, signed))

    def count(self, x) -> str:
        """A count of people: below the disclosure threshold it reads 'fewer than 10'."""
        if _missing(x):
            return self.t("common.suppressed")
        if 0 < int(x) < self.threshold:
            return self.t("common.fewer_than", threshold=self.threshold)
        return self.num(int(x), 0)

    def pct(self, x, digits: int = 0) -> str:
        """A share as a percentage; a missing share (hidden by disclosure control) reads 'afgeschermd'."""
        if _missing(x):
            return self.t("common.suppressed_cell")
        return self.num(float(decimal.Decimal(repr(float(x))) * 100), digits) + "%"

    def p(self, x) -> str:
        """A p-value as reports print it: 'p < 0,001', 'p = 0,004', 'p = 0,31'."""
        if _missing(x):
            return "–"
        from impact.statistics.attrition import format_p

        return format_p(float(x), "," if self.language == "nl" else ".")

    def p_value(self, x) -> str:
        """A p-value for a table column headed 'p': '0,004', '< 0,001'."""
        text = self.p(x)
        return text.removeprefix("p = ").removeprefix("p ").replace("< ", "<\u00a0")

    def date(self, d: dt.date | dt.datetime | str) -> str:
        if isinstance(d, str):
            d = dt.date.fromisoformat(d[:10])
        if isinstance(d, dt.datetime):
            d = d.date()
        return format_date(d, format="long", locale=self.locale)

    def short_date(self, d) -> str:
        if isinstance(d, str):
            d = dt.date.fromisoformat(d[:10])
        if isinstance(d, dt.datetime):
            d = d.date()
        return format_date(d, format="d MMM", locale=self.locale).rstrip(".")

    def short_month(self, d: dt.date) -> str:
        """A month on a time axis: 'jan 2019' for January, otherwise 'feb', 'mrt', …"""
        text = format_date(d, format="LLL", locale=self.locale).rstrip(".")
        return f"{text} {d.year}" if d.month == 1 else text
