"""Names as people say them: every form issue 20 lists finds its entity with kg describe."""

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.names import fold, person_surnames
from kg.workspace import Workspace


def describe(name):
    return CliRunner().invoke(cli, ["describe", name])


@pytest.mark.parametrize("name, entity", [
    # rounds: "Round N", any case, the ordinal, "Astana N" and "Astana-N", the meeting name of the time
    ("Round 7", "res:round-07"),
    ("round 7", "res:round-07"),
    ("7th round", "res:round-07"),
    ("Astana 7", "res:round-07"),
    ("Astana-7", "res:round-07"),
    ("7th international high-level meeting on Syria", "res:round-07"),
    ("Round 1", "res:round-01"),
    ("Round 8", "res:round-08"),
    ("Round 20", "res:round-20"),
    ("21st round", "res:round-21"),
    ("Astana 22", "res:round-22"),
    ("22nd High-Level Meeting on Syria in the Astana format", "res:round-22"),
    ("8th High Level Astana Meeting", "res:round-08"),
    # people: full name, surname alone, an alternative label, with or without diacritics
    ("Geir Pedersen", "res:geir-pedersen"),
    ("Pedersen", "res:geir-pedersen"),
    ("Geir O. Pedersen", "res:geir-pedersen"),
    ("Akcapar", "res:burak-akcapar"),
    ("Akçapar", "res:burak-akcapar"),
    ("Burak Akcapar", "res:burak-akcapar"),
    ("Sedat Onal", "res:sedat-onal"),
    ("Sedat Önal", "res:sedat-onal"),
    ("Onal", "res:sedat-onal"),
    ("Onal Sedat", "res:sedat-onal"),
    ("Ahmet Yildiz", "res:ahmet-yildiz"),
    ("de Mistura", "res:staffan-de-mistura"),
    ("Jaafari", "res:bashar-al-jaafari"),
    ("Lavrentiev", "res:alexander-lavrentyev"),
    # countries and organisations by their short names
    ("US", "res:united-states"),
    ("USA", "res:united-states"),
    ("United States", "res:united-states"),
    ("United States of America", "res:united-states"),
    ("Turkey", "res:turkey"),
    ("Türkiye", "res:turkey"),
    ("Turkiye", "res:turkey"),
    ("UN", "res:united-nations"),
    ("ICRC", "res:icrc"),
    ("Red Cross", "res:icrc"),
])
def test_describe_finds_each_form_of_a_name(name, entity):
    result = describe(name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split()[0] == entity


def test_a_name_of_two_entities_lists_them_and_exits_1():
    result = describe("International Meeting on Syrian Settlement")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 'International Meeting on Syrian Settlement' names 2 entities: "
        "res:round-01 (International meeting on Syria in Astana, January 2017), res:round-03 (Round 3); "
        "give one of them\n")


def test_a_label_wins_over_a_surname():
    # "Sedat" is no one's surname: document 004's "Onal Sedat" puts the surname first.
    result = describe("Sedat")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no entity is named 'Sedat'")


def test_fold_ignores_case_diacritics_and_spacing():
    assert fold("  Sedat   ÖNAL ") == fold("sedat onal") == "sedat onal"
    assert fold("Akçapar") == "akcapar"
    assert fold("Yıldız") == "yildiz"
    assert fold("İhsan") == "ihsan"


def test_surnames_come_from_names_in_given_name_order():
    assert person_surnames("Sedat Önal", ["Onal Sedat"]) == {"Önal"}
    assert person_surnames("Staffan de Mistura", []) == {"de Mistura", "Mistura"}
    assert person_surnames("Alexander Lavrentyev", ["Alexander Lavrentiev"]) == {"Lavrentyev", "Lavrentiev"}
    assert person_surnames("Bashar al-Jaafari", []) == {"al-Jaafari", "Jaafari"}


@pytest.mark.parametrize("damage", ["missing", "not a database", "cut short"])
def test_a_missing_or_damaged_name_index_is_written_again(damage):
    from kg.build import ensure_built
    from kg.text_index import FILE

    describe("Pedersen")  # the first search writes the index
    index = ensure_built(Workspace.from_environment()).directory / FILE
    if damage == "missing":
        index.unlink()
    elif damage == "not a database":
        index.write_bytes(b"not a database")
    else:
        index.write_bytes(index.read_bytes()[:4096])
    result = describe("Pedersen")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split()[0] == "res:geir-pedersen"
    assert describe("Akcapar").stdout.split()[0] == "res:burak-akcapar"
