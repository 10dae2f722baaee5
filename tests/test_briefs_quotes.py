"""Quotations and who said them (briefs/quotes.py)."""

from __future__ import annotations

from storyline.briefs.quotes import article_quotes


def _speakers(text: str) -> list[tuple[str, str | None]]:
    """(quoted text, speaker) of each quote segment of one article."""
    return [(s.text, s.speaker) for s in article_quotes("a", text)]


def test_speakers_from_attribution_and_pronouns():
    text = ('"The crack is growing," said chief engineer Paul Okafor.\n\n'
            '"No vamos a correr riesgos", dijo la gobernadora Lucía Moreno. "Es grave", añadió.\n\n'
            "« Tout le monde part », a déclaré Marc Petit.\n\n"
            'Anna Berg said: "We are ready to help the families."')
    got = _speakers(text)
    assert got == [("The crack is growing", "Paul Okafor"), ("No vamos a correr riesgos", "Lucía Moreno"),
                   ("Tout le monde part", "Marc Petit"), ("We are ready to help the families.", "Anna Berg")]


def test_speaker_is_the_name_in_the_attribution_clause_without_glued_words():
    text = ('"We will fight this ruling," a Lumora spokeswoman, Clara Voss, said, adding that it "acted in good faith".'
            '\n\n„Der Markt braucht klare Regeln“, sagte die für Finanzen zuständige '
            'Exekutiv-Vizepräsidentin Maria Lind.'
            '\n\n„Wir prüfen alle Optionen“, sagte Unternehmenssprecher Clara Voss.'
            '\n\nLa Commissione europea ha deciso. «Le regole valgono per tutti», ha dichiarato la vicepresidente '
            'della Commissione Maria Lind, responsabile per la finanza.'
            '\n\n«No estamos de acuerdo con la multa», dijo su portavoz, Clara Voss.'
            '\n\n"As regras valem para todos", afirmou a presidente da Agência para o clima, Maria Lind.')
    got = _speakers(text)
    assert got == [("We will fight this ruling", "Clara Voss"), ("acted in good faith", "Clara Voss"),
                   ("Der Markt braucht klare Regeln", "Maria Lind"), ("Wir prüfen alle Optionen", "Clara Voss"),
                   ("Le regole valgono per tutti", "Maria Lind"), ("No estamos de acuerdo con la multa", "Clara Voss"),
                   ("As regras valem para todos", "Maria Lind")]


def test_quote_with_an_unnamed_speaker_does_not_inherit_the_last_name():
    text = ('"We will rebuild the bridge," said Mayor Ana Ruiz.\n\n'
            '"It will take a year," she added.\n\n'
            'In Lyon, the transport ministry said the city "had not been consulted".\n\n'
            "À Paris, la ministre a salué « un signal fort pour la ville ».")
    got = _speakers(text)
    assert got == [("We will rebuild the bridge", "Ana Ruiz"), ("It will take a year", "Ana Ruiz"),
                   ("had not been consulted", None), ("un signal fort pour la ville", None)]
