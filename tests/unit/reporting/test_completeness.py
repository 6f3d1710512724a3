"""Who the programme expected, who its reports include, and why one is left out."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from impact.language import Translator
from impact.reporting.completeness import LeftOut, completeness, roster, title_notice
from impact.reporting.delivery import Refusal, deliver, refusal_text

pytestmark = pytest.mark.unit

FOLDERS = pd.DataFrame(
    [("digitale-buddies", "digitale-buddies", "Digitale Buddies", None),
     ("evil name; rm -rf", None, "Zus&Zo", "not_a_slug"),
     ("food-for-good", "food-for-good", "Food for Good", None),
     ("nieuw", "nieuw", None, None),
     ("zus-en-zo", "zus-en-zo", "Zus&Zo", None)],
    columns=["folder", "initiative_id", "name", "problem"])
UNUSABLE = pd.DataFrame({"initiative_id": ["food-for-good"]})


def test_each_expected_initiative_left_out_has_one_reason():
    whole = completeness(FOLDERS, ["digitale-buddies", "zus-en-zo"], UNUSABLE)
    assert whole.expected == ("digitale-buddies", "evil name; rm -rf", "food-for-good", "nieuw", "zus-en-zo")
    assert whole.included == ("digitale-buddies", "zus-en-zo")
    assert whole.left_out == (LeftOut("evil name; rm -rf", "Zus&Zo", "not_a_slug"),
                              LeftOut("food-for-good", "Food for Good", "theory_of_change"),
                              LeftOut("nieuw", None, "not_built"))
    assert not whole.complete


def test_the_reasons_read_as_the_municipality_reads_them():
    tr = Translator("nl")
    whole = completeness(FOLDERS, ["digitale-buddies", "zus-en-zo"], UNUSABLE)
    assert [x.sentence(tr) for x in whole.left_out] == [
        "Zus&Zo (map 'evil name; rm -rf'): de naam van de map is geen geldige naam voor een initiatief "
        "(details: datakwaliteitspagina van de coaches)",
        "Food for Good: de Theory of Change kon niet worden gebruikt, want er staat een fout in (details: datakwaliteitspagina van de coaches)",
        "map 'nieuw': de gegevens zijn nog niet verwerkt (de Theory of Change is in deze build nog niet gelezen)",
    ]
    notice = title_notice(whole, tr, delivered_anyway=True)
    assert notice["heading"] == "Onvolledig: 3 van de 5 initiatieven ontbreken in dit rapport"
    assert notice["consequence"] == ("Alle cijfers, totalen en de Holm-correctie in dit rapport gaan alleen over de 2 "
                                     "initiatieven die er wel in staan.")
    assert notice["delivered_anyway"] == "Toch aan de gemeente geleverd, onvolledig, op uitdrukkelijk verzoek van het programmateam:"
    assert title_notice(whole, tr)["delivered_anyway"] is None


def test_one_left_out_is_singular_and_a_complete_programme_has_no_notice():
    tr = Translator("nl")
    one = completeness(FOLDERS.iloc[[0, 2]], ["digitale-buddies"], UNUSABLE)
    assert title_notice(one, tr)["heading"] == "Onvolledig: 1 van de 2 initiatieven ontbreekt in dit rapport"
    assert refusal_text(one) == (
        "De levering voor de gemeente is niet gemaakt, want het programma is onvolledig: 1 van de 2 initiatieven "
        "ontbreekt. Food for Good: de Theory of Change kon niet worden gebruikt, want er staat een fout in (details: datakwaliteitspagina van de coaches). Los dit "
        "op en bouw opnieuw, of lever het programma toch, als onvolledig, met coaching deliver --incomplete (de "
        "titelpagina's van het overzicht en de lessen zeggen dat dan).")
    whole = completeness(FOLDERS.iloc[[0]], ["digitale-buddies"], UNUSABLE.iloc[0:0])
    assert whole.complete and title_notice(whole, tr) is None
    assert whole.as_json(tr) == {"complete": True, "expected": ["digitale-buddies"], "included": ["digitale-buddies"],
                                 "left_out": []}


def test_a_warehouse_without_the_folder_list_does_not_know_who_is_expected_and_delivers_nothing(tmp_path):
    """A warehouse written before the folder table existed (and not built since): who is expected is unknown, so
    the delivery is refused until a build has looked, rather than called complete."""
    whole = completeness(FOLDERS.iloc[0:0], ["digitale-buddies"], UNUSABLE.iloc[0:0])
    assert whole.expected == ("digitale-buddies",) and not whole.known
    assert refusal_text(whole) == (
        "De levering voor de gemeente is niet gemaakt: de warehouse is geschreven door een oudere versie en weet niet "
        "welke initiatieven het programma verwacht. Bouw eerst opnieuw met coaching build.")
    refused = deliver(tmp_path, {}, 2018, dt.date(2019, 1, 31), "nl", whole, allow_incomplete=True)
    assert isinstance(refused, Refusal) and refused.removed == [] and not (tmp_path / "levering").exists()
    assert completeness(FOLDERS.iloc[0:0], [], UNUSABLE.iloc[0:0]).known   # nothing built, nothing expected


def test_the_roster_names_who_the_report_is_about():
    tr = Translator("nl")
    names = {"digitale-buddies": "Digitale Buddies", "zus-en-zo": "Zus&Zo"}
    whole = completeness(FOLDERS, ["digitale-buddies", "zus-en-zo"], UNUSABLE)
    assert roster(whole, names, tr) == (
        "Het programma verwachtte 5 initiatieven (elke map met een Theory of Change). Dit rapport gaat over 2 van hen: "
        "Digitale Buddies, Zus&Zo. Niet in dit rapport: Zus&Zo (map 'evil name; rm -rf'), Food for Good, map 'nieuw'; "
        "waarom, staat op de titelpagina.")
    complete = completeness(FOLDERS.iloc[[0, 4]], ["digitale-buddies", "zus-en-zo"], UNUSABLE.iloc[0:0])
    assert roster(complete, names, tr) == ("Dit rapport gaat over alle 2 initiatieven die het programma verwachtte (elke "
                                           "map met een Theory of Change): Digitale Buddies, Zus&Zo.")
