"""Generate the sample input files in this folder (deterministic, seeded).

    /work/venv/bin/python samples/make_samples.py

Writes, next to this script:
  jobmesse_leipzig_2026.xlsx     job-fair list typed into Excel by the organisers
  arbeitgeberservice_2026-11.csv list handed over by the public employer service (cp1252, ';', CRLF)
  firmenliste_hwk_ihk.csv        company list typed up from paper (UTF-8 with BOM, ',')
  ihk_lehrstellen.jsonl          apprenticeship offers exported from a chamber board
  README.md                      what the files imitate, their planted quirks and the ground truth

Standard library + openpyxl, and resque's umlaut table for web addresses. Everything is drawn from one random.Random(2026), so a re-run
reproduces the files byte for byte (the XLSX zip timestamps and document dates are pinned too).
All company names are fictional, all web addresses use "-example.de" domains, and the files hold
no personal data (no contact persons, no e-mail addresses, no phone numbers).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import textwrap
import zipfile
from pathlib import Path


from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from resque.matching.normalise import lower_umlauts

HERE = Path(__file__).resolve().parent
RNG = random.Random(2026)

FAIR_FILE = "jobmesse_leipzig_2026.xlsx"
BA_FILE = "arbeitgeberservice_2026-11.csv"
FIRMS_FILE = "firmenliste_hwk_ihk.csv"
APPR_FILE = "ihk_lehrstellen.jsonl"
FAIR_STAND = dt.date(2026, 11, 12)
PINNED_TIMESTAMP = dt.datetime(2026, 11, 12, 9, 30, 0)

# ---------------------------------------------------------------------------------------------
# Places: real towns / Leipzig districts and their real postcodes
# ---------------------------------------------------------------------------------------------
# plz -> (town, district or None, sampling weight)
PLACES: dict[str, tuple[str, str | None, int]] = {
    "04103": ("Leipzig", "Zentrum-Ost", 2),
    "04105": ("Leipzig", "Zentrum-Nord", 2),
    "04109": ("Leipzig", "Zentrum", 3),
    "04129": ("Leipzig", "Eutritzsch", 3),
    "04155": ("Leipzig", "Gohlis", 2),
    "04158": ("Leipzig", "Wiederitzsch", 4),
    "04159": ("Leipzig", "Wahren", 3),
    "04177": ("Leipzig", "Lindenau", 2),
    "04179": ("Leipzig", "Leutzsch", 2),
    "04209": ("Leipzig", "Grünau", 2),
    "04229": ("Leipzig", "Plagwitz", 3),
    "04249": ("Leipzig", "Knautkleeberg", 2),
    "04275": ("Leipzig", "Südvorstadt", 2),
    "04277": ("Leipzig", "Connewitz", 2),
    "04279": ("Leipzig", "Lößnig", 1),
    "04288": ("Leipzig", "Holzhausen", 1),
    "04299": ("Leipzig", "Stötteritz", 2),
    "04315": ("Leipzig", "Volkmarsdorf", 1),
    "04316": ("Leipzig", "Mölkau", 1),
    "04317": ("Leipzig", "Reudnitz", 2),
    "04318": ("Leipzig", "Sellerhausen", 2),
    "04319": ("Leipzig", "Engelsdorf", 3),
    "04328": ("Leipzig", "Paunsdorf", 3),
    "04347": ("Leipzig", "Schönefeld", 2),
    "04349": ("Leipzig", "Thekla", 3),
    "04356": ("Leipzig", "Seehausen", 4),
    "04357": ("Leipzig", "Mockau", 2),
    "04416": ("Markkleeberg", None, 4),
    "04420": ("Markranstädt", None, 4),
    "04425": ("Taucha", None, 4),
    "04435": ("Schkeuditz", None, 9),
    "04509": ("Delitzsch", None, 4),
    "04552": ("Borna", None, 4),
    "04668": ("Grimma", None, 4),
    "04808": ("Wurzen", None, 4),
    "04838": ("Eilenburg", None, 4),
    "06108": ("Halle (Saale)", None, 3),
    "06112": ("Halle (Saale)", None, 3),
}

STREETS: dict[str, list[str]] = {
    "04103": ["Dresdner Straße", "Prager Straße"],
    "04105": ["Gerberstraße", "Pfaffendorfer Straße"],
    "04109": ["Grimmaische Straße", "Petersstraße"],
    "04129": ["Delitzscher Straße", "Theresienstraße"],
    "04155": ["Georg-Schumann-Straße", "Lützowstraße"],
    "04177": ["Lützner Straße", "Merseburger Straße"],
    "04229": ["Karl-Heine-Straße", "Zschochersche Straße"],
    "04275": ["Karl-Liebknecht-Straße", "Kochstraße"],
    "04277": ["Bornaische Straße", "Wolfgang-Heinze-Straße"],
    "04299": ["Holzhäuser Straße", "Naunhofer Straße"],
    "04315": ["Eisenbahnstraße", "Hermann-Liebmann-Straße"],
    "04317": ["Riebeckstraße", "Dresdner Straße"],
    "04318": ["Permoserstraße", "Torgauer Straße"],
    "04356": ["Messe-Allee", "Am Gewerbegebiet"],
    "04357": ["Mockauer Straße", "Volbedingstraße"],
}
GENERIC_STREETS = ["Industriestraße", "Gewerbestraße", "Leipziger Straße", "Bahnhofstraße",
                   "Am Gewerbepark", "Handwerkerhof", "Hauptstraße", "Mühlweg", "Lindenallee",
                   "Am Güterbahnhof", "Gewerbering", "Dieselstraße"]


def street_for(plz: str, rng: random.Random = RNG) -> str:
    base = rng.choice(STREETS.get(plz, GENERIC_STREETS))
    number = str(rng.randint(1, 128))
    if rng.random() < 0.12:
        number += rng.choice("abc")
    return f"{base} {number}"


def town_of(plz: str) -> str:
    return PLACES[plz][0]


def town_display(plz: str, rng: random.Random, style: str = "fair") -> str:
    """How a town is typed: 'Leipzig', 'Leipzig-Plagwitz', 'Halle/Saale' ..."""
    town, district, _ = PLACES[plz]
    if town == "Leipzig" and district:
        r = rng.random()
        if style == "fair":
            if r < 0.55:
                return "Leipzig"
            if r < 0.85:
                return f"Leipzig-{district}"
            return f"Leipzig ({district})"
        if style == "text":
            return "Leipzig" if r < 0.6 else f"Leipzig-{district}"
        return "Leipzig" if r < 0.85 else f"Leipzig, {district}"
    if town == "Halle (Saale)":
        return rng.choice(["Halle (Saale)", "Halle (Saale)", "Halle/Saale", "Halle"])
    return town


PLZ_KEYS = list(PLACES)
PLZ_WEIGHTS = [PLACES[p][2] for p in PLZ_KEYS]


def pick_plz(rng: random.Random = RNG) -> str:
    return rng.choices(PLZ_KEYS, weights=PLZ_WEIGHTS)[0]


# ---------------------------------------------------------------------------------------------
# Occupations
# ---------------------------------------------------------------------------------------------
# forms: title stems as ads write them; tasks: noun phrases; reqs: requirement keys typical for
# the job; wage: hourly range (or monthly if 'monthly'); aus: name used in "Ausbildung als ...";
# quer: open for career changers; sector: Branche label of the job.
OCC: dict[str, dict] = {
    "lagerhelfer": dict(
        sector="Logistik", forms=["Lagerhelfer", "Lagerhelfer*in", "Lagerhelfer/-in", "Helfer:in im Lager",
                                  "Lagermitarbeiter", "Mitarbeiter/-in Lager", "Lagerarbeiter",
                                  "Helfer Lager und Logistik"],
        tasks=["Kommissionierung von Waren per Handscanner", "Be- und Entladen von LKW",
               "Verpackung und Versandvorbereitung", "Wareneingangskontrolle",
               "Einlagerung von Paletten und Kleinteilen"],
        reqs=["de_a2", "schicht", "koerper", "fs_b"], wage=(13.90, 15.20), quer=True),
    "fachkraft_lager": dict(
        sector="Logistik", forms=["Fachkraft für Lagerlogistik", "Fachkraft Lagerlogistik",
                                  "Fachlagerist / Fachkraft für Lagerlogistik", "Lagerfachkraft"],
        tasks=["Annahme und Prüfung von Wareneingängen", "Bestandsführung im Warenwirtschaftssystem",
               "Steuerung der Kommissionier- und Versandprozesse", "Inventurarbeiten"],
        reqs=["ausbildung", "stapler", "de_b1", "edv"], wage=(15.00, 17.50),
        aus="Fachkraft für Lagerlogistik oder Fachlagerist"),
    "kommissionierer": dict(
        sector="Logistik", forms=["Kommissionierer", "Kommissionierer*in", "Kommissionierer/-in",
                                  "Mitarbeiter Kommissionierung", "Kommissionierhelfer",
                                  "Picker / Kommissionierer"],
        tasks=["Kommissionierung nach Pick-by-Voice", "Zusammenstellen von Aufträgen mit dem Handscanner",
               "Verpacken und Etikettieren von Sendungen"],
        reqs=["de_a2", "schicht", "koerper"], wage=(13.90, 15.00), quer=True),
    "staplerfahrer": dict(
        sector="Logistik", forms=["Staplerfahrer", "Gabelstaplerfahrer", "Staplerfahrer*in",
                                  "Staplerfahrer/-in", "Lagermitarbeiter mit Staplerschein",
                                  "Flurförderzeugführer"],
        tasks=["Be- und Entladen von LKW mit dem Frontstapler", "Ein- und Auslagerung im Hochregal",
               "Versorgung der Produktionslinien mit Material"],
        reqs=["stapler", "schicht", "de_a2"], wage=(14.50, 16.50)),
    "berufskraftfahrer": dict(
        sector="Logistik", forms=["Berufskraftfahrer CE", "Berufskraftfahrer (CE)", "LKW-Fahrer CE",
                                  "Kraftfahrer Klasse CE", "Berufskraftfahrer*in CE",
                                  "Fahrer:in CE Nahverkehr"],
        tasks=["Nahverkehrstouren im Raum Leipzig/Halle", "Belieferung von Filialen mit dem Sattelzug",
               "Be- und Entladen mit Hebebühne"],
        reqs=["fs_ce", "fahrerkarte", "de_b1"], wage=(15.50, 18.50)),
    "produktionshelfer": dict(
        sector="Metall/Elektro", forms=["Produktionshelfer", "Produktionshelfer*in", "Produktionsmitarbeiter",
                                        "Helfer:in Produktion", "Mitarbeiter/-in Produktion",
                                        "Produktionshelfer/-in"],
        tasks=["Bestückung und Bedienung von Fertigungsanlagen", "Sicht- und Qualitätskontrolle von Bauteilen",
               "Verpacken von Fertigteilen"],
        reqs=["schicht3", "de_a2", "koerper"], wage=(13.90, 15.00), quer=True),
    "maschinenfuehrer": dict(
        sector="Metall/Elektro", forms=["Maschinen- und Anlagenführer", "Maschinen- und Anlagenführer*in",
                                        "Anlagenführer", "Maschinenbediener", "Maschinen- und Anlagenführer/-in",
                                        "Anlagenbediener Produktion"],
        tasks=["Einrichten und Bedienen CNC-gesteuerter Anlagen", "Überwachung des Produktionsprozesses",
               "Durchführung von Qualitätsprüfungen"],
        reqs=["ausbildung_tech", "schicht3", "de_b1"], wage=(15.00, 17.50)),
    "elektroniker_bt": dict(
        sector="Metall/Elektro", forms=["Elektroniker für Betriebstechnik", "Elektroniker/-in für Betriebstechnik",
                                        "Elektroniker Betriebstechnik", "Elektroniker*in für Betriebstechnik",
                                        "Betriebselektriker"],
        tasks=["Wartung und Instandsetzung elektrischer Anlagen", "Fehlersuche an SPS-Steuerungen",
               "Prüfungen nach DGUV V3"],
        reqs=["ausbildung", "schicht", "de_b1"], wage=(17.00, 21.00), aus="Elektroniker/-in"),
    "mechatroniker": dict(
        sector="Metall/Elektro", forms=["Mechatroniker", "Mechatroniker*in", "Mechatroniker/-in",
                                        "Instandhaltungsmechatroniker", "Mechatroniker Instandhaltung"],
        tasks=["Instandhaltung von Produktionsanlagen",
               "Störungsbeseitigung an mechanischen und elektrischen Baugruppen", "vorbeugende Wartung"],
        reqs=["ausbildung", "schicht3", "de_b1"], wage=(17.00, 21.00), aus="Mechatroniker/-in"),
    "industriemechaniker": dict(
        sector="Metall/Elektro", forms=["Industriemechaniker", "Industriemechaniker/-in", "Industriemechaniker*in",
                                        "Industriemechaniker Instandhaltung", "Schlosser / Industriemechaniker"],
        tasks=["Montage von Baugruppen nach Zeichnung", "Wartung von Maschinen",
               "Fertigung von Ersatzteilen an Dreh- und Fräsmaschinen"],
        reqs=["ausbildung", "zeichnung", "schicht"], wage=(16.50, 20.00), aus="Industriemechaniker/-in"),
    "schweisser": dict(
        sector="Metall/Elektro", forms=["Schweißer", "Schweißer MAG", "Schweißer*in (MAG/WIG)", "MAG-Schweißer",
                                        "Schweißer/-in", "Konstruktionsschweißer"],
        tasks=["MAG-Schweißen von Stahlkonstruktionen", "Heften und Schweißen nach Zeichnung",
               "Nacharbeit von Schweißnähten"],
        reqs=["schweisspruefung", "zeichnung", "de_a2"], wage=(16.00, 19.50)),
    "montagehelfer": dict(
        sector="Metall/Elektro", forms=["Montagehelfer", "Montagehelfer*in", "Helfer:in Montage",
                                        "Montagemitarbeiter", "Montagehelfer/-in", "Helfer Montage"],
        tasks=["Vormontage von Baugruppen", "einfache Schraub- und Steckarbeiten", "Verpacken fertiger Teile"],
        reqs=["de_a2", "schicht", "koerper"], wage=(13.90, 15.00), quer=True),
    "koch": dict(
        sector="Gastronomie", forms=["Koch", "Koch/Köchin", "Koch*Köchin", "Jungkoch", "Koch/-in",
                                     "Beikoch / Koch"],
        tasks=["Zubereitung regionaler und saisonaler Gerichte", "Vorbereitung des Mittagsgeschäfts",
               "Einhaltung der HACCP-Vorgaben"],
        reqs=["ausbildung", "hygiene", "wochenende"], wage=(14.50, 17.00), aus="Koch/Köchin"),
    "kuechenhilfe": dict(
        sector="Gastronomie", forms=["Küchenhilfe", "Küchenhelfer", "Küchenhelfer*in", "Spülkraft / Küchenhilfe",
                                     "Mitarbeiter/-in Küche", "Küchenhilfe/Spüler"],
        tasks=["Vorbereitung von Salaten und Beilagen", "Spülen und Reinigen der Küche",
               "Unterstützung des Küchenteams"],
        reqs=["hygiene", "de_a2", "wochenende"], wage=(13.90, 14.60), quer=True),
    "servicekraft": dict(
        sector="Gastronomie", forms=["Servicekraft", "Servicemitarbeiter", "Servicekraft Restaurant",
                                     "Mitarbeiter/-in im Service", "Restaurantfachmann/-frau",
                                     "Kellner / Servicekraft"],
        tasks=["Bedienung unserer Gäste", "Eindecken und Abräumen", "Kassieren am Tisch"],
        reqs=["de_b1", "wochenende", "freundlich"], wage=(13.90, 15.00), quer=True),
    "housekeeping": dict(
        sector="Gastronomie", forms=["Housekeeping", "Zimmerreinigung", "Mitarbeiter/-in Housekeeping",
                                     "Zimmerreinigungskraft", "Housekeeping Mitarbeiter", "Room Attendant"],
        tasks=["Reinigung der Gästezimmer", "Wäschewechsel und Auffüllen der Minibar",
               "Reinigung der öffentlichen Bereiche"],
        reqs=["de_a2", "wochenende", "zuverl"], wage=(13.90, 14.80), quer=True),
    "reinigungskraft": dict(
        sector="Reinigung", forms=["Reinigungskraft", "Reinigungskraft für Büroobjekte",
                                   "Mitarbeiter/-in Gebäudereinigung", "Reinigungskräfte", "Raumpfleger/-in",
                                   "Reinigungsmitarbeiter"],
        tasks=["Unterhaltsreinigung von Büroräumen", "Reinigung von Sanitäranlagen",
               "Bedienung von Reinigungsmaschinen"],
        reqs=["de_a2", "zuverl", "frueh"], wage=(14.50, 15.20), quer=True),
    "pflegehelfer": dict(
        sector="Pflege", forms=["Pflegehelfer", "Pflegehelfer*in", "Pflegehilfskraft", "Pflegeassistenz",
                                "Pflegehelfer/-in", "Altenpflegehelfer"],
        tasks=["Unterstützung bei der Grundpflege", "Begleitung der Bewohner im Alltag",
               "Hilfe bei der Mahlzeitenversorgung"],
        reqs=["de_b1", "pflegebasis", "fuehrungszeugnis", "schichtdienst"], wage=(16.10, 17.50), quer=True),
    "pflegefachkraft": dict(
        sector="Pflege", forms=["Pflegefachkraft", "Pflegefachfrau/-mann", "Examinierte Pflegefachkraft",
                                "Altenpfleger/-in (examiniert)", "Pflegefachmann/-frau", "Pflegefachkraft (examiniert)"],
        tasks=["Durchführung der Behandlungspflege", "Pflegeplanung und Dokumentation",
               "Anleitung von Pflegehilfskräften"],
        reqs=["examen", "de_b2", "fuehrungszeugnis", "schichtdienst"], wage=(3400, 3950), monthly=True),
    "verkaeufer": dict(
        sector="Einzelhandel", forms=["Verkäufer", "Verkäufer*in", "Verkäufer/-in", "Verkaufsmitarbeiter",
                                      "Mitarbeiter/-in Verkauf", "Verkäufer:in Lebensmittel"],
        tasks=["Beratung und Bedienung der Kundschaft", "Warenverräumung und Preisauszeichnung",
               "Betreuung der Frischetheke"],
        reqs=["de_b1", "freundlich", "wochenende"], wage=(14.00, 15.50), quer=True),
    "kassierer": dict(
        sector="Einzelhandel", forms=["Kassierer", "Kassierer*in", "Kassenkraft", "Mitarbeiter/-in Kasse",
                                      "Kassierer/-in", "Kassierer / Kassiererin"],
        tasks=["Kassieren und Kassenabrechnung", "Kundenservice an der Kasse",
               "Warenverräumung in ruhigen Zeiten"],
        reqs=["de_b1", "freundlich", "zuverl"], wage=(13.90, 15.00), quer=True),
    "fachinformatiker": dict(
        sector="IT", forms=["Fachinformatiker Systemintegration", "Fachinformatiker*in für Systemintegration",
                            "IT-Administrator / Fachinformatiker", "Fachinformatiker/-in",
                            "Systemadministrator (Fachinformatiker SI)", "IT-Supporter / Fachinformatiker"],
        tasks=["Betreuung der Client- und Serverlandschaft", "1st- und 2nd-Level-Support",
               "Einrichtung von Netzwerkkomponenten"],
        reqs=["ausbildung", "de_b2", "windows"], wage=(3300, 4200), monthly=True,
        aus="Fachinformatiker/-in"),
    "buerokaufmann": dict(
        sector="Büro/Verwaltung", forms=["Kaufmann/-frau für Büromanagement", "Kauffrau/Kaufmann für Büromanagement",
                                         "Bürokaufmann", "Sachbearbeiter/-in Büro", "Kaufmann für Büromanagement",
                                         "Mitarbeiter/-in Büro und Verwaltung"],
        tasks=["Bearbeitung von Angeboten und Rechnungen", "Terminkoordination und Ablage",
               "Telefon- und E-Mail-Korrespondenz"],
        reqs=["ausbildung", "de_b2", "office"], wage=(2700, 3200), monthly=True,
        aus="Kaufmann/-frau für Büromanagement"),
    "friseur": dict(
        sector="Handwerk", forms=["Friseur", "Friseur/-in", "Friseur*in", "Friseurin / Friseur", "Friseur:in",
                                  "Stylist/-in"],
        tasks=["Schneiden, Färben und Stylen", "typgerechte Beratung unserer Kundschaft"],
        reqs=["ausbildung", "freundlich"], wage=(14.00, 16.00), aus="Friseur/-in"),
    "maler": dict(
        sector="Handwerk", forms=["Maler und Lackierer", "Maler/Lackierer", "Maler und Lackierer*in", "Malergeselle",
                                  "Maler und Lackierer/-in", "Maler"],
        tasks=["Innen- und Fassadenarbeiten", "Tapezier- und Spachtelarbeiten", "Bodenbelagsarbeiten"],
        reqs=["ausbildung", "fs_b"], wage=(15.50, 18.00), aus="Maler/-in und Lackierer/-in"),
    "shk": dict(
        sector="Handwerk", forms=["Anlagenmechaniker SHK", "Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik",
                                  "Anlagenmechaniker*in SHK", "Installateur / Anlagenmechaniker SHK",
                                  "Heizungsmonteur", "Anlagenmechaniker/-in SHK"],
        tasks=["Installation von Heizungs- und Sanitäranlagen", "Wartung und Kundendienst",
               "Einbau von Wärmepumpen"],
        reqs=["ausbildung", "fs_b"], wage=(16.50, 20.00), aus="Anlagenmechaniker/-in SHK"),
    "tischler": dict(
        sector="Handwerk", forms=["Tischler", "Tischler/-in", "Tischler*in", "Schreiner / Tischler", "Möbeltischler",
                                  "Bautischler"],
        tasks=["Fertigung von Möbeln und Innenausbauten", "Montage beim Kunden",
               "Arbeit am CNC-Bearbeitungszentrum"],
        reqs=["ausbildung", "fs_b"], wage=(15.50, 18.50), aus="Tischler/-in"),
    "elektriker": dict(
        sector="Handwerk", forms=["Elektriker", "Elektriker/-in", "Elektroinstallateur", "Elektriker*in",
                                  "Elektroniker für Energie- und Gebäudetechnik", "Elektromonteur"],
        tasks=["Elektroinstallation in Neubau und Sanierung", "Verlegen von Leitungen und Setzen von Verteilern",
               "Prüfung und Inbetriebnahme"],
        reqs=["ausbildung", "fs_b"], wage=(16.00, 19.50), aus="Elektroniker/-in oder Elektroinstallateur/-in"),
    "hausmeister": dict(
        sector="Gebäudeservice", forms=["Hausmeister", "Hausmeister/-in", "Hausmeister*in", "Haustechniker",
                                        "Objektbetreuer / Hausmeister", "Mitarbeiter/-in Hausmeisterservice"],
        tasks=["Kleinreparaturen in Wohnanlagen", "Pflege der Außenanlagen", "Winterdienst"],
        reqs=["fs_b", "handwerk_basis", "zuverl"], wage=(14.50, 16.50)),
    "sicherheit": dict(
        sector="Sicherheit", forms=["Sicherheitsmitarbeiter", "Sicherheitsmitarbeiter*in",
                                    "Mitarbeiter/-in Sicherheitsdienst", "Security-Mitarbeiter", "Objektschützer",
                                    "Wachmann / Sicherheitsmitarbeiter"],
        tasks=["Objekt- und Empfangsdienst", "Kontrollgänge", "Zugangskontrollen bei Veranstaltungen"],
        reqs=["34a", "fuehrungszeugnis", "schichtdienst", "de_b1"], wage=(14.50, 16.00)),
    "paketzusteller": dict(
        sector="Logistik", forms=["Paketzusteller", "Paketzusteller*in", "Kurierfahrer", "Zusteller/-in Pakete",
                                  "Auslieferungsfahrer", "Fahrer:in Paketzustellung"],
        tasks=["Zustellung von Paketen im Stadtgebiet", "Beladen des Transporters im Depot"],
        reqs=["fs_b", "de_a2", "koerper"], wage=(14.00, 15.00), quer=True),
    "erzieher": dict(
        sector="Soziales", forms=["Erzieher", "Erzieher*in", "Erzieher/-in", "Staatlich anerkannte/r Erzieher/-in",
                                  "Pädagogische Fachkraft (Erzieher)", "Erzieher:in Kita"],
        tasks=["Betreuung einer Krippengruppe", "Gestaltung des Kita-Alltags nach dem Sächsischen Bildungsplan",
               "Zusammenarbeit mit den Eltern"],
        reqs=["staatl_erz", "fuehrungszeugnis", "de_c1"], wage=(3450, 3900), monthly=True),
    "baecker": dict(
        sector="Lebensmittelhandwerk", forms=["Bäcker", "Bäcker/-in", "Bäckergeselle", "Bäcker*in",
                                              "Backwarenhersteller", "Bäcker:in"],
        tasks=["Herstellung von Brot und Brötchen", "Bedienung der Backöfen", "Teigherstellung nach Rezeptur"],
        reqs=["ausbildung", "frueh", "hygiene"], wage=(14.50, 16.50), aus="Bäcker/-in"),
    "fleischer": dict(
        sector="Lebensmittelhandwerk", forms=["Fleischer", "Fleischer/-in", "Fleischergeselle", "Metzger / Fleischer",
                                              "Fleischer*in", "Fleischer für die Produktion"],
        tasks=["Zerlegen und Verarbeiten von Fleisch", "Herstellung von Wurstwaren"],
        reqs=["ausbildung", "hygiene", "frueh"], wage=(14.50, 16.50), aus="Fleischer/-in"),
    "gaertner": dict(
        sector="Garten- und Landschaftsbau", forms=["Gärtner", "Gärtner/-in", "Gärtner GaLaBau", "Landschaftsgärtner",
                                                    "Gärtner*in Garten- und Landschaftsbau", "Gartenpfleger"],
        tasks=["Pflege von Grünanlagen", "Pflaster- und Pflanzarbeiten", "Baum- und Heckenschnitt"],
        reqs=["fs_b", "koerper", "ausbildung"], wage=(14.50, 17.00), aus="Gärtner/-in"),
    "dachdecker": dict(
        sector="Handwerk", forms=["Dachdecker", "Dachdecker/-in", "Dachdeckergeselle", "Dachdecker*in",
                                  "Dachdecker / Dachklempner"],
        tasks=["Eindecken von Steil- und Flachdächern", "Abdichtungsarbeiten", "Montage von Dachfenstern"],
        reqs=["ausbildung", "schwindelfrei", "fs_b"], wage=(16.00, 19.00), aus="Dachdecker/-in"),
    "bauhelfer": dict(
        sector="Bau", forms=["Bauhelfer", "Helfer Hoch- und Tiefbau", "Bauhelfer*in", "Bauarbeiter", "Helfer:in Bau",
                             "Mitarbeiter/-in Bau"],
        tasks=["Mithilfe bei Schalungs- und Betonarbeiten", "Erd- und Pflasterarbeiten", "Baustelleneinrichtung"],
        reqs=["koerper", "de_a2", "fs_b"], wage=(14.00, 15.50), quer=True),
    "maurer": dict(
        sector="Bau", forms=["Maurer", "Maurer/-in", "Maurer*in", "Maurergeselle", "Maurer Hochbau"],
        tasks=["Mauerwerksarbeiten im Wohnungsbau", "Betonarbeiten", "Sanierung im Bestand"],
        reqs=["ausbildung", "fs_b", "koerper"], wage=(16.50, 19.50), aus="Maurer/-in"),
}

REQ: dict[str, list[str]] = {
    "de_a2": ["Deutschkenntnisse A2", "Grundkenntnisse Deutsch (A2)", "einfache Deutschkenntnisse (A2)"],
    "de_b1": ["Deutschkenntnisse B1", "Deutsch mindestens B1", "gute Deutschkenntnisse (B1)",
              "Deutschkenntnisse auf B1-Niveau"],
    "de_b2": ["Deutschkenntnisse B2", "sehr gute Deutschkenntnisse (B2)", "Deutsch mind. B2"],
    "de_c1": ["Deutschkenntnisse C1", "Deutsch auf C1-Niveau"],
    "fs_b": ["Führerschein Klasse B", "Führerschein Kl. B", "Fahrerlaubnis Klasse B"],
    "fs_ce": ["Führerschein Klasse CE", "Fahrerlaubnis CE", "Führerschein CE"],
    "fahrerkarte": ["Fahrerkarte und Schlüsselzahl 95", "gültige Fahrerkarte sowie Code 95",
                    "Module (Code 95) und Fahrerkarte"],
    "stapler": ["Staplerschein", "gültiger Staplerschein", "Flurförderzeugschein (Stapler)", "Staplerführerschein"],
    "schicht": ["Bereitschaft zur Schichtarbeit", "Schichtbereitschaft", "Flexibilität für Früh- und Spätschicht"],
    "schicht3": ["Bereitschaft zur Arbeit im 3-Schicht-System", "3-Schicht-Bereitschaft",
                 "Bereitschaft zum Drei-Schicht-Betrieb"],
    "koerper": ["körperliche Belastbarkeit", "gute körperliche Fitness", "Belastbarkeit"],
    "ausbildung": ["abgeschlossene Ausbildung als {aus}", "Berufsabschluss als {aus}",
                   "eine abgeschlossene Berufsausbildung als {aus}"],
    "ausbildung_tech": ["abgeschlossene technische Ausbildung", "technische Berufsausbildung",
                        "technische Ausbildung oder Erfahrung an Produktionsanlagen"],
    "edv": ["sicherer Umgang mit Warenwirtschaftssystemen", "Erfahrung mit SAP oder einem anderen WWS"],
    "hygiene": ["Gesundheitszeugnis (Belehrung nach § 43 IfSG)", "Belehrung nach Infektionsschutzgesetz",
                "Gesundheitszeugnis"],
    "wochenende": ["Bereitschaft zur Wochenendarbeit", "Wochenend- und Feiertagsbereitschaft",
                   "Flexibilität auch am Wochenende"],
    "freundlich": ["freundliches Auftreten", "Freude am Umgang mit Menschen", "Kundenorientierung"],
    "zuverl": ["Zuverlässigkeit", "eine zuverlässige und gründliche Arbeitsweise", "Sorgfalt und Zuverlässigkeit"],
    "frueh": ["Bereitschaft zur Frühschicht (ab 5 Uhr)", "Bereitschaft zum frühen Arbeitsbeginn"],
    "pflegebasis": ["Pflegebasiskurs oder Erfahrung in der Pflege", "Erfahrung in der Grundpflege",
                    "Basisqualifikation Pflege"],
    "fuehrungszeugnis": ["erweitertes Führungszeugnis", "einwandfreies Führungszeugnis"],
    "schichtdienst": ["Bereitschaft zum Schichtdienst", "Bereitschaft zu Früh-, Spät- und Wochenenddiensten"],
    "examen": ["Examen als Pflegefachkraft", "dreijährige Pflegeausbildung mit Examen",
               "abgeschlossene Ausbildung zur Pflegefachfrau bzw. zum Pflegefachmann"],
    "windows": ["Kenntnisse in Windows Server und Microsoft 365", "Erfahrung mit Netzwerktechnik"],
    "office": ["sicherer Umgang mit MS Office", "gute MS-Office-Kenntnisse"],
    "schweisspruefung": ["Schweißerprüfung nach DIN EN ISO 9606-1", "gültige Schweißerprüfung (MAG)",
                         "gültiger Schweißerpass"],
    "zeichnung": ["Lesen technischer Zeichnungen", "Kenntnisse im Zeichnungslesen"],
    "34a": ["Sachkundeprüfung nach § 34a GewO", "Sachkunde nach § 34a GewO", "§ 34a-Sachkundeprüfung"],
    "staatl_erz": ["staatliche Anerkennung als Erzieher/-in", "Abschluss als staatlich anerkannte/r Erzieher/-in"],
    "schwindelfrei": ["Schwindelfreiheit", "Höhentauglichkeit"],
    "handwerk_basis": ["handwerkliches Geschick", "handwerkliche Vorkenntnisse"],
}

# Clients of temp agencies, as (nominative, dative), by job sector
CLIENTS: dict[str, list[tuple[str, str]]] = {
    "Logistik": [("ein Logistikdienstleister", "einem Logistikdienstleister"),
                 ("ein Onlineversandhändler", "einem Onlineversandhändler"),
                 ("ein Lebensmittelgroßhändler", "einem Lebensmittelgroßhändler"),
                 ("ein Logistikzentrum der Automobilindustrie", "einem Logistikzentrum der Automobilindustrie"),
                 ("ein Paketdienst", "einem Paketdienst")],
    "Metall/Elektro": [("ein Automobilzulieferer", "einem Automobilzulieferer"),
                       ("ein Hersteller von Verpackungsmaschinen", "einem Hersteller von Verpackungsmaschinen"),
                       ("ein metallverarbeitender Betrieb", "einem metallverarbeitenden Betrieb"),
                       ("ein Hersteller von Kunststoffteilen", "einem Hersteller von Kunststoffteilen"),
                       ("ein Stahlbauunternehmen", "einem Stahlbauunternehmen")],
    "Gastronomie": [("ein Tagungshotel", "einem Tagungshotel"), ("ein Cateringunternehmen", "einem Cateringunternehmen"),
                    ("eine Betriebskantine", "einer Betriebskantine")],
    "Reinigung": [("ein Gebäudedienstleister", "einem Gebäudedienstleister"), ("eine Klinik", "einer Klinik")],
    "Pflege": [("eine Seniorenpflegeeinrichtung", "einer Seniorenpflegeeinrichtung"),
               ("ein Krankenhaus", "einem Krankenhaus"), ("ein ambulanter Pflegedienst", "einem ambulanten Pflegedienst")],
    "Einzelhandel": [("ein Lebensmittelmarkt", "einem Lebensmittelmarkt"), ("ein Baumarkt", "einem Baumarkt")],
    "Büro/Verwaltung": [("ein mittelständisches Unternehmen", "einem mittelständischen Unternehmen"),
                        ("eine Hausverwaltung", "einer Hausverwaltung")],
    "IT": [("ein IT-Systemhaus", "einem IT-Systemhaus"), ("ein Energieversorger", "einem Energieversorger")],
    "Handwerk": [("ein Handwerksbetrieb", "einem Handwerksbetrieb"),
                 ("ein Haustechnik-Unternehmen", "einem Haustechnik-Unternehmen")],
    "Bau": [("ein Bauunternehmen", "einem Bauunternehmen"), ("ein Tiefbaubetrieb", "einem Tiefbaubetrieb")],
    "Gebäudeservice": [("eine Wohnungsgesellschaft", "einer Wohnungsgesellschaft")],
    "Sicherheit": [("ein Messe- und Veranstaltungsbetrieb", "einem Messe- und Veranstaltungsbetrieb")],
    "Soziales": [("ein freier Kita-Träger", "einem freien Kita-Träger"),
                 ("eine städtische Kindertagesstätte", "einer städtischen Kindertagesstätte")],
    "Lebensmittelhandwerk": [("eine Handwerksbäckerei", "einer Handwerksbäckerei")],
    "Garten- und Landschaftsbau": [("ein GaLaBau-Betrieb", "einem GaLaBau-Betrieb")],
}

# ---------------------------------------------------------------------------------------------
# Companies (all fictional)
# ---------------------------------------------------------------------------------------------
TEMP_AGENCIES = [  # name, Branche label used for the fair, profiles
    ("Personalservice Mitte GmbH", "Zeitarbeit", ["industrie", "gewerbe"]),
    ("ZAB Zeitarbeit Leipzig GmbH & Co. KG", "Zeitarbeit", ["industrie", "handwerk"]),
    ("ProTemp Personaldienstleistungen GmbH", "Personaldienstleistung", ["industrie"]),
    ("Elsterbogen Personal GmbH", "Zeitarbeit", ["gewerbe", "buero"]),
    ("Pleißetal Personalservice GmbH", "Personaldienstleistung", ["industrie", "pflege"]),
    ("Auenwald Zeitarbeit GmbH", "Zeitarbeit", ["gewerbe"]),
    ("Messestadt Personal GmbH & Co. KG", "Arbeitnehmerüberlassung", ["industrie", "gewerbe"]),
    ("Lindenauer Personalpartner GmbH", "Personaldienstleistung", ["handwerk"]),
    ("Muldental Personaldienste GmbH", "Zeitarbeit", ["industrie", "pflege"]),
    ("Nordsachsen Zeitarbeit GmbH", "Zeitarbeit", ["industrie"]),
    ("PersoPlus Leipzig GmbH", "Personaldienstleistung", ["buero", "gewerbe"]),
    ("Kranich Personaldienste GmbH", "Zeitarbeit", ["pflege"]),
    ("Brückenkopf Personal GmbH", "Zeitarbeit", ["industrie", "handwerk"]),
    ("AZ Arbeitskraft Zeitarbeit GmbH", "Arbeitnehmerüberlassung", ["gewerbe", "industrie"]),
    ("Ringbahn Personal GmbH", "Zeitarbeit", ["industrie"]),
    ("Teamwerk Personalservice GmbH", "Personaldienstleistung", ["handwerk", "industrie"]),
    ("Kompass Zeitarbeit GmbH & Co. KG", "Zeitarbeit", ["gewerbe"]),
    ("Leuchtturm Zeitarbeit GmbH", "Zeitarbeit", ["pflege", "gewerbe"]),
    ("Mitteldeutsche Personalagentur MPA GmbH", "Personaldienstleistung", ["industrie", "buero"]),
    ("Dreieck Personal GmbH & Co. KG", "Zeitarbeit", ["industrie"]),
    ("PrimaJob Zeitarbeit GmbH", "Zeitarbeit", ["gewerbe"]),
    ("Startklar Personaldienstleistungen GmbH", "Personaldienstleistung", ["gewerbe", "handwerk"]),
    ("TopStaff Leipzig GmbH", "Personaldienstleistung", ["buero", "industrie"]),
    ("Fairwork Zeitarbeit GmbH", "Zeitarbeit", ["industrie", "gewerbe"]),
    ("Rabet Personalservice GmbH", "Zeitarbeit", ["gewerbe"]),
    ("Weiße Elster Personal GmbH", "Arbeitnehmerüberlassung", ["industrie"]),
    ("Zeitwerk Personalservice GmbH", "Zeitarbeit", ["handwerk", "gewerbe"]),
    ("Industriepersonal Schkeuditz GmbH", "Zeitarbeit", ["industrie"]),
    ("Gewerbe-Personal Delitzsch GmbH & Co. KG", "Zeitarbeit", ["industrie", "handwerk"]),
    ("Pflegepersonal Leipzig-Süd GmbH", "Personaldienstleistung (Pflege)", ["pflege"]),
]
BA_ONLY_TEMP_AGENCIES = [
    ("Personalkontor Halle GmbH", "", ["industrie", "gewerbe"]),
    ("Arbeitswelt Mitteldeutschland GmbH", "", ["industrie"]),
    ("Flexpersonal Ost GmbH", "", ["gewerbe"]),
    ("Saale-Elster Zeitarbeit GmbH & Co. KG", "", ["industrie", "handwerk"]),
]
PROFILE_OCCS = {
    "industrie": ["lagerhelfer", "fachkraft_lager", "kommissionierer", "staplerfahrer", "berufskraftfahrer",
                  "produktionshelfer", "maschinenfuehrer", "elektroniker_bt", "mechatroniker",
                  "industriemechaniker", "schweisser", "montagehelfer"],
    "gewerbe": ["lagerhelfer", "kommissionierer", "reinigungskraft", "kuechenhilfe", "housekeeping",
                "servicekraft", "koch", "paketzusteller", "kassierer", "verkaeufer", "staplerfahrer"],
    "pflege": ["pflegehelfer", "pflegefachkraft", "kuechenhilfe", "reinigungskraft", "hausmeister"],
    "handwerk": ["elektriker", "shk", "maler", "bauhelfer", "tischler", "dachdecker", "maurer", "hausmeister"],
    "buero": ["buerokaufmann", "fachinformatiker", "kassierer", "verkaeufer", "sicherheit"],
}
PRIVATE_AGENCIES = [
    ("Jobvermittlung Sachsen UG (haftungsbeschränkt)", "Personalvermittlung"),
    ("Vermittlungsbüro Nordsachsen UG (haftungsbeschränkt)", "Arbeitsvermittlung"),
    ("Jobbrücke Leipzig GmbH", "Personalvermittlung"),
    ("Perspektive Arbeit Vermittlung GmbH", "private Arbeitsvermittlung"),
    ("Neustart Personalvermittlung UG (haftungsbeschränkt)", "Personalvermittlung"),
    ("Karrierewerk Mitteldeutschland GmbH", "Personalvermittlung"),
    ("Brückenschlag Jobvermittlung GmbH", "Arbeitsvermittlung"),
    ("Arbeit & Zukunft Vermittlung UG (haftungsbeschränkt)", "Personalvermittlung"),
]
PRIVATE_OCCS = ["pflegefachkraft", "berufskraftfahrer", "elektroniker_bt", "fachinformatiker", "koch",
                "mechatroniker", "shk", "erzieher", "industriemechaniker", "buerokaufmann", "pflegehelfer"]

# Direct employers: name, Branche, plz, occupations, role ('fair' = exhibits at the fair,
# 'ba' = only in the employer-service list, '' = only in the company list / apprenticeship board)
EMPLOYERS = [
    # Logistik
    ("Elster Logistik GmbH & Co. KG", "Logistik", "04435", ["lagerhelfer", "fachkraft_lager", "staplerfahrer", "berufskraftfahrer"], "fair"),
    ("Mitteldeutsche Kontraktlogistik MKL GmbH", "Logistik", "04356", ["kommissionierer", "fachkraft_lager", "staplerfahrer"], "ba"),
    ("Frachtzentrum Airportpark GmbH", "Logistik", "04435", ["lagerhelfer", "staplerfahrer", "berufskraftfahrer"], "ba"),
    ("Paketdepot Leipzig-Nord GmbH", "Logistik", "04158", ["paketzusteller", "lagerhelfer"], "ba"),
    ("Spedition Parthenaue GmbH", "Logistik", "04425", ["berufskraftfahrer", "lagerhelfer", "buerokaufmann"], ""),
    ("Lagerhaus Delitzsch GmbH", "Logistik", "04509", ["lagerhelfer", "staplerfahrer"], ""),
    ("Transporte Muldental GmbH", "Logistik", "04668", ["berufskraftfahrer"], ""),
    ("Umzugs- und Lagerservice Gohlis GmbH", "Logistik", "04155", ["lagerhelfer", "berufskraftfahrer"], ""),
    # Gastronomie / Hotellerie
    ("Hotel Auwaldblick Leipzig GmbH", "Hotellerie/Gastronomie", "04105", ["housekeeping", "koch", "servicekraft"], "fair"),
    ("Gasthof Zur Muldenbrücke GmbH", "Gastronomie", "04668", ["koch", "servicekraft", "kuechenhilfe"], "ba"),
    ("Uferhotel Kulkwitzer See GmbH", "Hotellerie", "04420", ["housekeeping", "servicekraft", "koch"], "ba"),
    ("Kantinen- und Cateringservice Sachsen GmbH", "Gastronomie", "04319", ["koch", "kuechenhilfe"], ""),
    ("Brauhaus Wasserturm Markkleeberg GmbH", "Gastronomie", "04416", ["koch", "servicekraft"], ""),
    ("Messecatering Nordost GmbH", "Gastronomie", "04356", ["koch", "kuechenhilfe", "servicekraft"], ""),
    ("Hotel & Tagungszentrum Schkeuditzer Kreuz GmbH", "Hotellerie", "04435", ["housekeeping", "koch"], ""),
    # Pflege
    ("Seniorenzentrum Muldental gGmbH", "Pflege", "04668", ["pflegehelfer", "pflegefachkraft", "kuechenhilfe"], "fair"),
    ("Pflegedienst Lindenblüte GmbH", "Pflege", "04177", ["pflegehelfer", "pflegefachkraft"], "fair"),
    ("Wohnpark Auenblick Seniorenpflege gGmbH", "Pflege", "04416", ["pflegefachkraft", "pflegehelfer", "hausmeister"], "ba"),
    ("Ambulante Pflege Wurzener Land GmbH", "Pflege", "04808", ["pflegehelfer", "pflegefachkraft"], "ba"),
    ("Tagespflege Sonnenhof Eilenburg GmbH", "Pflege", "04838", ["pflegehelfer"], ""),
    # Handwerk
    ("Farbwerk Malerbetrieb Leipzig GmbH", "Handwerk (Maler)", "04229", ["maler"], "fair"),
    ("Haustechnik Wurzen GmbH", "Handwerk (SHK)", "04808", ["shk", "elektriker"], "fair"),
    ("Dachbau Delitzsch GmbH & Co. KG", "Handwerk (Dach)", "04509", ["dachdecker"], "fair"),
    ("Friseursalon Haarwerk Südvorstadt GmbH", "Handwerk (Friseur)", "04275", ["friseur"], ""),
    ("Holzwerkstatt Taucha GmbH", "Handwerk (Tischler)", "04425", ["tischler"], ""),
    ("Elektro Mockau GmbH", "Handwerk (Elektro)", "04357", ["elektriker"], "ba"),
    ("Wärme & Bad Borna GmbH", "Handwerk (SHK)", "04552", ["shk"], "ba"),
    ("Malerfachbetrieb Bunte Wand GmbH", "Handwerk (Maler)", "04838", ["maler"], ""),
    ("Sanitärtechnik Markranstädt GmbH & Co. KG", "Handwerk (SHK)", "04420", ["shk"], ""),
    ("Salon Schnittpunkt Grimma UG (haftungsbeschränkt)", "Handwerk (Friseur)", "04668", ["friseur"], ""),
    ("Tischlerei Holzform Schkeuditz GmbH", "Handwerk (Tischler)", "04435", ["tischler"], ""),
    ("Dachdeckerei Firstwerk Grimma GmbH", "Handwerk (Dach)", "04668", ["dachdecker"], ""),
    ("Elektroinstallation Lößnig GmbH", "Handwerk (Elektro)", "04279", ["elektriker"], ""),
    ("Malerwerkstatt Saaleufer GmbH", "Handwerk (Maler)", "06108", ["maler"], ""),
    # Einzelhandel
    ("Frischemarkt Eilenburg GmbH", "Einzelhandel", "04838", ["verkaeufer", "kassierer"], "fair"),
    ("Getränkewelt Paunsdorf GmbH", "Einzelhandel", "04328", ["verkaeufer", "lagerhelfer", "kassierer"], "ba"),
    ("Baumarkt Leipziger Land GmbH & Co. KG", "Einzelhandel", "04552", ["verkaeufer", "kassierer", "lagerhelfer"], "ba"),
    ("Modehaus am Markt Delitzsch GmbH", "Einzelhandel", "04509", ["verkaeufer"], ""),
    ("Bio-Frischemarkt Connewitz eG", "Einzelhandel", "04277", ["verkaeufer", "kassierer"], ""),
    ("Sportfachhandel Saalestadt GmbH", "Einzelhandel", "06108", ["verkaeufer"], ""),
    ("Zweiradcenter Wurzen GmbH", "Einzelhandel", "04808", ["verkaeufer"], ""),
    # Metall / Elektro / Produktion
    ("Metallbau Markranstädt GmbH", "Metall/Elektro", "04420", ["schweisser", "montagehelfer", "industriemechaniker"], "fair"),
    ("Antriebstechnik Leipzig-Plagwitz GmbH", "Metall/Elektro", "04229", ["mechatroniker", "elektroniker_bt", "industriemechaniker"], "fair"),
    ("Sächsische Präzisionsteile GmbH", "Metall/Elektro", "04249", ["maschinenfuehrer", "produktionshelfer", "industriemechaniker"], "ba"),
    ("Kabelkonfektion Taucha GmbH", "Metall/Elektro", "04425", ["produktionshelfer", "montagehelfer"], "ba"),
    ("Elektroanlagenbau Halle GmbH", "Metall/Elektro", "06112", ["elektroniker_bt", "elektriker"], "ba"),
    ("Blechform Schkeuditz GmbH", "Metall/Elektro", "04435", ["schweisser", "maschinenfuehrer"], ""),
    ("Stahlbau Wurzen GmbH & Co. KG", "Metall/Elektro", "04808", ["schweisser", "montagehelfer"], ""),
    ("Mechatronik Systeme Mitteldeutschland GmbH", "Metall/Elektro", "04319", ["mechatroniker", "elektroniker_bt"], ""),
    ("Verpackungswerk Eilenburg GmbH", "Produktion", "04838", ["produktionshelfer", "maschinenfuehrer"], ""),
    ("Kunststofftechnik Borna GmbH", "Produktion", "04552", ["maschinenfuehrer", "produktionshelfer"], ""),
    ("Druckerei Sellerhausen GmbH", "Produktion", "04318", ["maschinenfuehrer"], ""),
    ("Energietechnik Halle-Süd GmbH", "Metall/Elektro", "06112", ["elektroniker_bt", "mechatroniker"], ""),
    ("Landtechnik Service Delitzsch GmbH", "Metall/Elektro", "04509", ["mechatroniker"], ""),
    # Reinigung / Gebäudeservice
    ("Glanzwerk Gebäudedienste GmbH", "Reinigung", "04318", ["reinigungskraft", "hausmeister"], "fair"),
    ("Saubere Sache Gebäudereinigung GmbH", "Reinigung", "06112", ["reinigungskraft"], "ba"),
    ("Objektpflege Delitzsch GmbH", "Reinigung", "04509", ["reinigungskraft", "hausmeister"], ""),
    ("Wohnungsverwaltung Reudnitz GmbH", "Immobilien", "04317", ["buerokaufmann", "hausmeister"], ""),
    # Sicherheit
    ("Objektschutz Messestadt GmbH", "Sicherheit", "04356", ["sicherheit"], "fair"),
    ("Wachdienst Nordsachsen GmbH", "Sicherheit", "04838", ["sicherheit"], "ba"),
    ("Sicherheitsdienst Saale-Elster GmbH", "Sicherheit", "06108", ["sicherheit"], ""),
    # IT
    ("Datenwerk Leipzig GmbH", "IT", "04109", ["fachinformatiker", "buerokaufmann"], "fair"),
    ("Systemhaus Pleiße GmbH", "IT", "04416", ["fachinformatiker"], "ba"),
    ("Netzwerkstatt IT-Service GmbH", "IT", "06108", ["fachinformatiker"], ""),
    ("Softwarehaus Auenwald GmbH", "IT", "04105", ["fachinformatiker", "buerokaufmann"], ""),
    # Bau
    ("Bauunternehmung Leipziger Land GmbH", "Bau", "04552", ["bauhelfer", "maurer"], "fair"),
    ("Hoch- und Tiefbau Grimma GmbH", "Bau", "04668", ["bauhelfer", "maurer"], "ba"),
    ("Tiefbau Sachsen-Nord GmbH", "Bau", "04509", ["bauhelfer"], ""),
    ("Wohnungsbau Eutritzsch GmbH & Co. KG", "Bau", "04129", ["maurer", "bauhelfer"], ""),
    # Lebensmittelhandwerk
    ("Bäckerei Muldenbrot GmbH", "Lebensmittelhandwerk", "04808", ["baecker", "verkaeufer"], "ba"),
    ("Backstube Borna GmbH", "Lebensmittelhandwerk", "04552", ["baecker", "verkaeufer"], ""),
    ("Fleischerei Landgut Taucha GmbH", "Lebensmittelhandwerk", "04425", ["fleischer", "verkaeufer"], ""),
    ("Landfleischerei Eilenburg GmbH", "Lebensmittelhandwerk", "04838", ["fleischer"], ""),
    ("Feinbäckerei Stötteritz GmbH", "Lebensmittelhandwerk", "04299", ["baecker"], ""),
    # Garten- und Landschaftsbau
    ("Grünwerk Garten- und Landschaftsbau GmbH", "Garten- und Landschaftsbau", "04288", ["gaertner"], "ba"),
    ("Parkpflege Elsteraue GmbH", "Garten- und Landschaftsbau", "04416", ["gaertner"], ""),
    ("Gartenbau Rietzschke GmbH", "Garten- und Landschaftsbau", "04316", ["gaertner"], ""),
    # Soziales
    ("Kita-Verbund Kinderland Leipzig gGmbH", "Soziales/Kita", "04155", ["erzieher", "kuechenhilfe"], "fair"),
    ("Jugendhilfe Muldental gGmbH", "Soziales", "04668", ["erzieher"], ""),
    # Kfz
    ("Autohaus Delitzsch-Nord GmbH", "Kfz-Handwerk", "04509", [], ""),
    ("Kfz-Service Grünau GmbH", "Kfz-Handwerk", "04209", [], ""),
]
EMP = {e[0]: dict(name=e[0], sector=e[1], plz=e[2], occs=e[3], role=e[4]) for e in EMPLOYERS}

LEGAL_FORM = re.compile(r"\s*(GmbH & Co\. KG|gGmbH|GmbH|UG \(haftungsbeschränkt\)|eG|e\. ?V\.)$")


def slug(name: str) -> str:
    base = LEGAL_FORM.sub("", name)
    base = lower_umlauts(base).replace("&", " ")
    base = re.sub(r"[^a-z0-9]+", "-", base).strip("-")
    return f"{base}-example.de"


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------
def join_de(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    last = " sowie " if any(" und " in i for i in items) else " und "
    return ", ".join(items[:-1]) + last + items[-1]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def money(x: float) -> str:
    """14.5 -> '14,50'; 3400 -> '3.400'."""
    if x >= 1000:
        return f"{int(round(x)):,}".replace(",", ".")
    return f"{x:.2f}".replace(".", ",")


def wage_for(occ: str, rng: random.Random) -> float:
    lo, hi = OCC[occ]["wage"]
    if OCC[occ].get("monthly"):
        return round(rng.uniform(lo, hi) / 50) * 50
    return round(rng.uniform(lo, hi) * 10) / 10


GENDERED = re.compile(r"\*|/-|:in|/in|Köchin|frau|Kassiererin|Friseurin|/r ")
MARKERS = ["(m/w/d)", "(w/m/d)", "m/w/d", "(m/w/x)", "(all genders)", "(d/m/w)"]
MARKER_W = [50, 12, 8, 6, 6, 4]

TIME_DISPLAY = {  # canonical -> how the fair list types it
    "VZ": ["Vollzeit", "Vollzeit", "VZ"],
    "TZ": ["Teilzeit"],
    "VZTZ": ["Vollzeit/Teilzeit"],
    "SCH": ["Schicht", "Vollzeit"],
    "3SCH": ["3-Schicht", "Schicht"],
}
TIME_BA = {
    "VZ": ["Vollzeit"],
    "TZ": ["Teilzeit"],
    "VZTZ": ["Vollzeit, Teilzeit"],
    "SCH": ["Vollzeit, Schicht / Nacht / Wochenende", "Schicht / Nacht / Wochenende"],
    "3SCH": ["Vollzeit, Schicht / Nacht / Wochenende"],
}


def pick_time(occ: str, rng: random.Random) -> str:
    reqs = OCC[occ]["reqs"]
    if "schicht3" in reqs:
        return rng.choice(["3SCH", "3SCH", "SCH", "VZ"])
    if "schicht" in reqs or "schichtdienst" in reqs:
        return rng.choice(["SCH", "VZ", "VZ", "VZTZ"])
    if occ in ("reinigungskraft", "kuechenhilfe", "housekeeping", "kassierer", "verkaeufer", "servicekraft"):
        return rng.choice(["VZTZ", "TZ", "VZ"])
    return rng.choice(["VZ", "VZ", "VZ", "VZTZ"])


def make_title(op: dict, rng: random.Random, avoid: set[str] | None = None, *, stem: str | None = None,
               town_tail: bool = True, plain: bool = False) -> str:
    """One way an ad might word the title of opening `op`."""
    avoid = avoid or set()
    forms = OCC[op["occ"]]["forms"]
    title = ""
    for _ in range(200):
        s = stem or rng.choice(forms)
        gendered = bool(GENDERED.search(s))
        marker = ""
        if rng.random() < (0.3 if gendered else 0.8):
            marker = rng.choices(MARKERS, weights=MARKER_W)[0]
        tail = ""
        if not plain and rng.random() < 0.35:
            tails = [" ab sofort"] if op["start"] is None else []
            if op["time"] in ("VZ", "SCH", "3SCH"):
                tails += [" - Vollzeit", " – Vollzeit"]
            if op["time"] == "VZTZ":
                tails += [" (Vollzeit/Teilzeit)"]
            if op["time"] == "TZ":
                tails += [" in Teilzeit"]
            if op["time"] in ("SCH", "3SCH"):
                tails += [" - Schichtarbeit"]
            if op["time"] == "3SCH":
                tails += [" im 3-Schicht-System"]
            if OCC[op["occ"]].get("quer"):
                tails += [" – Quereinstieg möglich"]
            tails += [", unbefristet"]
            if town_tail:
                tails += [f" in {town_display(op['plz'], rng)}"] * 2
            tail = rng.choice(tails)
        prefix = ""
        if not plain and rng.random() < 0.07:
            prefix = rng.choice(["Wir suchen: ", "Gesucht: ", "Ab sofort gesucht: "])
            if prefix.startswith("Ab sofort") and op["start"] is not None:
                prefix = "Wir suchen: "
        title = prefix + s + (" " + marker if marker else "") + tail
        if title not in avoid:
            return title
    raise RuntimeError(f"no fresh title for {op['occ']}")


def req_phrase(key: str, occ: str, rng: random.Random) -> str:
    return rng.choice(REQ[key]).format(aus=OCC[occ].get("aus", occ))


def offer_phrases(kind: str, op: dict, rng: random.Random) -> list[str]:
    wage = money(op["wage"])
    monthly = OCC[op["occ"]].get("monthly")
    pay = f"Gehalt ab {wage} € brutto im Monat" if monthly else f"Stundenlohn ab {wage} €"
    if kind == "temp":
        pool = ["Bezahlung nach GVP-Tarif zzgl. Branchenzuschlägen", pay, "Übernahmechance beim Kundenbetrieb",
                "einen unbefristeten Arbeitsvertrag", "Fahrtkostenzuschuss", "kostenlose Arbeitskleidung"]
    elif kind == "private":
        pool = ["eine Festanstellung direkt beim Arbeitgeber", "eine für Bewerbende kostenfreie Vermittlung",
                "Unterstützung bei der Anerkennung ausländischer Abschlüsse", pay]
    else:
        pool = ["einen unbefristeten Arbeitsvertrag", "das Deutschlandticket als Jobticket", "30 Tage Urlaub",
                "Bezahlung nach Tarif", "Weiterbildungsmöglichkeiten", pay, "eine strukturierte Einarbeitung"]
    return rng.sample(pool, rng.choice([1, 2, 2]))


def make_desc(op: dict, kind: str, rng: random.Random, *, town_lead: bool = True) -> str:
    """1-3 German sentences for opening `op` as a lister of `kind` ('temp', 'private', 'direct') writes it."""
    occ = op["occ"]
    town = town_display(op["plz"], rng, style="text") if town_lead else "der Region"
    cands: list[tuple[str, str]] = []
    if kind == "temp" and op.get("client"):
        nom, dat = op["client"]
        cands.append(("lead", rng.choice([
            f"Einsatz bei {dat} in {town}.",
            f"Unser Kunde ist {nom} in {town}.",
            f"Für einen Einsatz bei {dat} in {town} suchen wir Verstärkung.",
            f"Im Kundeneinsatz bei {dat} ({town}).",
        ])))
    elif kind == "private" and op.get("client"):
        nom, dat = op["client"]
        cands.append(("lead", rng.choice([
            f"Wir vermitteln Sie in eine Festanstellung bei {dat} in {town}.",
            f"Für eine direkte Festanstellung bei {dat} in {town} suchen wir Verstärkung.",
        ])))
    tasks = rng.sample(OCC[occ]["tasks"], min(len(OCC[occ]["tasks"]), rng.choice([1, 2, 2])))
    cands.append(("task", rng.choice([
        f"Aufgaben: {join_de(tasks)}.", f"Ihre Tätigkeit: {join_de(tasks)}.",
        f"Sie sind zuständig für {join_de(tasks)}.", f"{cap(join_de(tasks))}.",
    ])))
    if op["reqs"]:
        items = [req_phrase(k, occ, rng) for k in op["reqs"]]
        templates = ["Voraussetzungen: {}.", "Sie bringen mit: {}.", "Wichtig: {}.", "Erforderlich: {}."]
        if not any(i.startswith(("eine ", "abgeschlossene", "Berufsabschluss", "Bereitschaft", "Flexibilität",
                                 "Erfahrung", "Freude", "Sorgfalt", "Zuverl", "Kunden", "freundliches"))
                   for i in items):
            templates.append("{} erforderlich.")
        t = rng.choice(templates)
        text = join_de(items)
        cands.append(("req", t.format(cap(text) if t.startswith("{}") else text)))
    if op.get("quer") and rng.random() < 0.6:
        cands.append(("quer", rng.choice(["Quereinsteiger sind willkommen.", "Auch für Quereinsteiger geeignet.",
                                          "Keine Berufserfahrung erforderlich."])))
    offers = offer_phrases(kind, op, rng)
    cands.append(("offer", rng.choice(["Wir bieten {}.", "Wir bieten Ihnen {}.", "Außerdem bieten wir {}."]).format(
        join_de(offers))))
    k = rng.choice([1, 2, 2, 3, 3, 3])
    must = [c for c in cands if c[0] == "req"] if rng.random() < 0.8 else []
    if kind == "temp" and op.get("dup_group") and rng.random() < 0.7:
        must += [c for c in cands if c[0] == "lead"]
    rest = [c for c in cands if c not in must]
    chosen = must + rng.sample(rest, max(0, min(len(rest), k - len(must))))
    chosen = [c for c in cands if c in chosen][:3]
    return " ".join(s for _, s in chosen)


# ---------------------------------------------------------------------------------------------
# Openings ("real jobs") and listings ("how a source shows them")
# ---------------------------------------------------------------------------------------------
START_DATES = [dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 1, 15), dt.date(2027, 2, 1),
               dt.date(2027, 3, 1), dt.date(2027, 4, 1)]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember"]

OPENINGS: list[dict] = []
USED_OCC_PLZ: set[tuple[str, str]] = set()


def new_opening(occ: str, plz: str, rng: random.Random, *, employer: str | None = None,
                kind: str = "temp", register: bool = True) -> dict:
    if register:
        USED_OCC_PLZ.add((occ, plz))
    reqs_pool = OCC[occ]["reqs"]
    reqs = rng.sample(reqs_pool, rng.choice([1, 2, 2, 3]) if len(reqs_pool) >= 3 else len(reqs_pool))
    reqs = [r for r in reqs_pool if r in reqs]  # stable order
    client = None
    if kind in ("temp", "private"):
        client = rng.choice(CLIENTS[OCC[occ]["sector"]])
    op = dict(id=len(OPENINGS) + 1, occ=occ, plz=plz, time=pick_time(occ, rng), reqs=reqs, client=client,
              start=None if rng.random() < 0.45 else rng.choice(START_DATES), wage=wage_for(occ, rng),
              quer=bool(OCC[occ].get("quer")) and rng.random() < 0.6, employer=employer,
              street=EMP[employer]["street"] if employer else street_for(plz, rng), dup_group=False, note="")
    OPENINGS.append(op)
    return op


def fresh_plz(occ: str, rng: random.Random, avoid_towns: set[str] = frozenset()) -> str:
    for _ in range(500):
        plz = pick_plz(rng)
        if (occ, plz) not in USED_OCC_PLZ and town_of(plz) not in avoid_towns:
            return plz
    raise RuntimeError(f"no free postcode for {occ}")


def agency_occ(agency: tuple, rng: random.Random) -> str:
    occs: list[str] = []
    for p in agency[2]:
        occs += PROFILE_OCCS[p]
    return rng.choice(occs)


# --- job-fair rows --------------------------------------------------------------------------
FAIR_ROWS: list[dict] = []  # dicts: exhibitor, kind, op, title, desc, ... (numbers assigned later)


def fair_listing(exhibitor: str, kind: str, op: dict, rng: random.Random, *, title: str | None = None,
                 avoid: set[str] | None = None, tag: str = "") -> dict:
    row = dict(exhibitor=exhibitor, kind=kind, op=op, tag=tag,
               title=title or make_title(op, rng, avoid),
               desc=make_desc(op, kind, rng))
    FAIR_ROWS.append(row)
    return row


def build_fair(rng: random.Random) -> dict:
    planted: dict[str, list] = {"dup_groups": [], "same_agency_twice": [], "hard_neg_towns": [],
                                "hard_neg_districts": [], "lookalikes": [], "near_title_other_job": []}
    temp_names = [a[0] for a in TEMP_AGENCIES]
    agency_by_name = {a[0]: a for a in TEMP_AGENCIES}

    # 0a) same employer, same town, near-identical title but a different job
    emp = EMP["Antriebstechnik Leipzig-Plagwitz GmbH"]
    op1 = new_opening("elektroniker_bt", emp["plz"], rng, employer=emp["name"], kind="direct")
    op2 = new_opening("elektriker", emp["plz"], rng, employer=emp["name"], kind="direct")
    r1 = fair_listing(emp["name"], "direct", op1, rng, title="Elektroniker für Betriebstechnik (m/w/d)",
                      tag="near_title")
    r2 = fair_listing(emp["name"], "direct", op2, rng, title="Elektroniker für Energie- und Gebäudetechnik (m/w/d)",
                      tag="near_title")
    planted["near_title_other_job"].append([r1, r2])

    # 0b) the exhibiting employers' own openings (reserved first so every employer gets rows)
    fair_emps = [e for e in EMPLOYERS if e[4] == "fair"]
    for e in fair_emps:
        n = rng.randint(2, 4)
        occs = list(e[3])
        rng.shuffle(occs)
        for occ in occs[:n]:
            if (occ, e[2]) in USED_OCC_PLZ:
                continue
            op = new_opening(occ, e[2], rng, employer=e[0], kind="direct")
            fair_listing(e[0], "direct", op, rng)

    # 1) same real opening offered by 2-4 temp agencies (about 15 % of all rows)
    group_sizes = [2, 3, 2, 4, 3, 2, 3, 2, 3, 2, 4, 2, 3]
    group_occs = ["lagerhelfer", "staplerfahrer", "kommissionierer", "produktionshelfer", "fachkraft_lager",
                  "schweisser", "berufskraftfahrer", "elektroniker_bt", "montagehelfer", "pflegehelfer",
                  "reinigungskraft", "maschinenfuehrer", "lagerhelfer"]
    for size, occ in zip(group_sizes, group_occs, strict=True):
        plz = fresh_plz(occ, rng)
        op = new_opening(occ, plz, rng, kind="temp")
        op["dup_group"] = True
        candidates = [a for a in temp_names if occ in sum((PROFILE_OCCS[p] for p in agency_by_name[a][2]), [])]
        agencies = rng.sample(candidates, size)
        titles: set[str] = set()
        rows = []
        for ag in agencies:
            r = fair_listing(ag, "temp", op, rng, avoid=titles, tag="dup_group")
            titles.add(r["title"])
            rows.append(r)
        planted["dup_groups"].append(rows)

    # 2) same agency lists the same job twice with a slightly different title
    for _ in range(4):
        ag = agency_by_name[rng.choice(temp_names)]
        occ = agency_occ(ag, rng)
        plz = fresh_plz(occ, rng)
        op = new_opening(occ, plz, rng, kind="temp")
        stem = rng.choice(OCC[occ]["forms"])
        r1 = fair_listing(ag[0], "temp", op, rng, title=make_title(op, rng, stem=stem), tag="same_agency_twice")
        r2 = fair_listing(ag[0], "temp", op, rng, title=make_title(op, rng, {r1["title"]}, stem=stem),
                          tag="same_agency_twice")
        planted["same_agency_twice"].append([r1, r2])

    # 3) hard negatives: same agency, same title, two different towns (distinct openings)
    for _ in range(4):
        ag = agency_by_name[rng.choice(temp_names)]
        occ = agency_occ(ag, rng)
        plz1 = fresh_plz(occ, rng)
        plz2 = fresh_plz(occ, rng, avoid_towns={town_of(plz1)})
        op1 = new_opening(occ, plz1, rng, kind="temp")
        op2 = new_opening(occ, plz2, rng, kind="temp")
        title = make_title(op1, rng, town_tail=False, plain=True)
        r1 = fair_listing(ag[0], "temp", op1, rng, title=title, tag="hard_neg_towns")
        r2 = fair_listing(ag[0], "temp", op2, rng, title=title, tag="hard_neg_towns")
        planted["hard_neg_towns"].append([r1, r2])
    # ... and one pair in two different Leipzig districts (same town name, different PLZ)
    ag = agency_by_name["Personalservice Mitte GmbH"]
    occ = "kommissionierer"
    leipzig = [p for p in PLZ_KEYS if town_of(p) == "Leipzig" and (occ, p) not in USED_OCC_PLZ]
    plz1, plz2 = rng.sample(leipzig, 2)
    op1 = new_opening(occ, plz1, rng, kind="temp")
    op2 = new_opening(occ, plz2, rng, kind="temp")
    title = make_title(op1, rng, town_tail=False, plain=True)
    r1 = fair_listing(ag[0], "temp", op1, rng, title=title, tag="hard_neg_districts")
    r2 = fair_listing(ag[0], "temp", op2, rng, title=title, tag="hard_neg_districts")
    planted["hard_neg_districts"].append([r1, r2])

    # 4) look-alikes: two agencies, same occupation, same postcode, but different clients /
    #    working time -> distinct openings
    for occ in ["lagerhelfer", "produktionshelfer", "kuechenhilfe"]:
        plz = fresh_plz(occ, rng)
        ag1, ag2 = rng.sample([a for a in temp_names if occ in sum((PROFILE_OCCS[p] for p in agency_by_name[a][2]), [])], 2)
        op1 = new_opening(occ, plz, rng, kind="temp")
        op2 = new_opening(occ, plz, rng, kind="temp")
        others = [c for c in CLIENTS[OCC[occ]["sector"]] if c != op1["client"]]
        op2["client"] = rng.choice(others)
        op2["time"] = "TZ" if op1["time"] != "TZ" else "3SCH"
        op2["start"] = dt.date(2027, 3, 1) if op1["start"] != dt.date(2027, 3, 1) else dt.date(2027, 1, 1)
        r1 = fair_listing(ag1, "temp", op1, rng, tag="lookalike")
        r2 = fair_listing(ag2, "temp", op2, rng, tag="lookalike")
        planted["lookalikes"].append([r1, r2])

    # 6) ordinary rows
    for name, _ in PRIVATE_AGENCIES:
        for _ in range(rng.randint(2, 4)):
            occ = rng.choice(PRIVATE_OCCS)
            op = new_opening(occ, fresh_plz(occ, rng), rng, kind="private")
            fair_listing(name, "private", op, rng)
    target = 240
    counts = {a: sum(1 for r in FAIR_ROWS if r["exhibitor"] == a) for a in temp_names}
    while len(FAIR_ROWS) < target:
        # every agency gets at least 2 rows, then the busier ones get more
        lacking = [a for a in temp_names if counts[a] < 2]
        ag_name = lacking[0] if lacking else rng.choices(temp_names, weights=[3 if i % 3 == 0 else 1 for i in range(len(temp_names))])[0]
        ag = agency_by_name[ag_name]
        occ = agency_occ(ag, rng)
        op = new_opening(occ, fresh_plz(occ, rng), rng, kind="temp")
        fair_listing(ag_name, "temp", op, rng)
        counts[ag_name] += 1
    return planted


def branche_for(row: dict, rng: random.Random) -> str:
    if row["kind"] == "temp":
        label = next(a[1] for a in TEMP_AGENCIES if a[0] == row["exhibitor"])
        if rng.random() < 0.3 and "(" not in label:
            return f"{label} ({OCC[row['op']['occ']]['sector']})"
        return label
    if row["kind"] == "private":
        return next(p[1] for p in PRIVATE_AGENCIES if p[0] == row["exhibitor"])
    return EMP[row["exhibitor"]]["sector"]


BEMERKUNGEN = ["Quereinsteiger willkommen", "Bewerbung direkt am Stand", "Übernahme möglich",
               "Arbeitserlaubnis erforderlich", "auch für Menschen mit Beschäftigungserlaubnis",
               "berufsbegleitender Sprachkurs möglich", "Vorstellungsgespräch am Messetag möglich",
               "Dolmetscher am Stand (Arabisch, Ukrainisch, Farsi)", "Unterlagen können nachgereicht werden",
               "Anerkennungsberatung am Nachbarstand", "Jobticket", "befristet auf 12 Monate, Verlängerung möglich"]


def fair_cells(row: dict, rng: random.Random) -> dict:
    op = row["op"]
    # Anzahl
    r = rng.random()
    if r < 0.07:
        anzahl: object = rng.choice(["2-3", "1-2", "3-5"])
    elif r < 0.11 and OCC[op["occ"]].get("quer"):
        anzahl = "mehrere"
    elif OCC[op["occ"]].get("quer") and row["kind"] != "private":
        anzahl = rng.choices([1, 2, 3, 4, 5, 10], weights=[40, 20, 12, 6, 8, 5])[0]
    else:
        anzahl = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
    # PLZ: number for most rows (leading zero lost), text for some
    plz_cell: object = int(op["plz"]) if rng.random() < 0.85 else op["plz"]
    # Beginn
    if op["start"] is None:
        beginn: object = rng.choice(["ab sofort", "ab sofort", "ab sofort", "nach Vereinbarung", "sofort"])
    else:
        r = rng.random()
        d = op["start"]
        if r < 0.50:
            beginn = d  # a real Excel date
        elif r < 0.70:
            beginn = d.strftime("%d.%m.%Y")
        elif r < 0.88:
            beginn = f"{MONTHS_DE[d.month - 1]} {d.year}"
        else:
            beginn = "nach Vereinbarung"
    bem = rng.choice(BEMERKUNGEN) if rng.random() < 0.3 else None
    if op.get("quer") and bem is None and rng.random() < 0.2:
        bem = "Quereinsteiger willkommen"
    return dict(anzahl=anzahl, plz=plz_cell, ort=town_display(op["plz"], rng),
                zeit=rng.choice(TIME_DISPLAY[op["time"]]), beginn=beginn, bem=bem,
                branche=branche_for(row, rng))


def write_fair(path: Path, rng: random.Random) -> None:
    # exhibitors in alphabetical order, as the organisers sorted the list; rows of one exhibitor
    # in the order they were handed in
    order = sorted({r["exhibitor"] for r in FAIR_ROWS}, key=lambda s: s.casefold())
    rows = []
    for ex in order:
        mine = [r for r in FAIR_ROWS if r["exhibitor"] == ex]
        rng.shuffle(mine)
        rows += mine
    wb = Workbook()
    ws = wb.active
    ws.title = "Stellenangebote"
    ws["A1"] = "Jobmesse Leipzig – Stellenangebote der Aussteller (Stand 12.11.2026)"
    ws["A1"].font = Font(bold=True, size=13)
    header = ["Lfd. Nr.", "Aussteller", "Branche", "Stellenbezeichnung", "Anzahl", "PLZ", "Arbeitsort",
              "Arbeitszeit", "Beginn", "Beschreibung", "Bemerkung"]
    for c, h in enumerate(header, start=1):
        cell = ws.cell(row=3, column=c, value=h)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    for i, row in enumerate(rows, start=1):
        row["nr"] = i
        cells = fair_cells(row, rng)
        row["cells"] = cells
        values = [i, row["exhibitor"], cells["branche"], row["title"], cells["anzahl"], cells["plz"],
                  cells["ort"], cells["zeit"], cells["beginn"], row["desc"], cells["bem"]]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=3 + i, column=c, value=v)
            if isinstance(v, dt.date):
                cell.number_format = "DD.MM.YYYY"
            if c == 10:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [8, 42, 26, 46, 8, 8, 22, 16, 16, 90, 36]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=3, column=c).column_letter].width = w
    ws.freeze_panes = "A4"
    wb.properties.creator = "Jobmesse Leipzig – Organisationsteam"
    wb.properties.created = PINNED_TIMESTAMP
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(pin_zip(buf.getvalue()))


def pin_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed member timestamps and a fixed 'modified' date (byte-stable output)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = PINNED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            zi = zipfile.ZipInfo(info.filename, date_time=PINNED_TIMESTAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, content)
    return out.getvalue()


# --- employer-service list ----------------------------------------------------------------------
BA_ROWS: list[dict] = []
USED_REFS: set[str] = set()


def ba_ref(rng: random.Random) -> str:
    while True:
        ref = f"{rng.choice(['10000', '10001', '10001', '12265'])}-{rng.randint(1000000000, 1199999999)}-S"
        if ref not in USED_REFS:
            USED_REFS.add(ref)
            return ref


def ba_pay(op: dict, kind: str, rng: random.Random) -> str:
    r = rng.random()
    monthly = OCC[op["occ"]].get("monthly")
    w = op["wage"]
    if r < 0.25:
        return ""
    if r < 0.33:
        return rng.choice(["nach Tarif", "nach Vereinbarung", "Tarifvertrag GVP" if kind == "temp" else "nach Tarif"])
    if monthly:
        hi = w + rng.choice([200, 300, 400, 500])
        return rng.choice([f"{money(w)} € brutto / Monat", f"{money(w)}–{money(hi)} € / Monat",
                           f"ab {money(w)} € monatlich"])
    monthly_eq = round(w * 173 / 50) * 50
    return rng.choice([f"{money(w)} € / Std.", f"{money(w)} € / Std.", f"ab {money(w)} €/Std.",
                       f"{money(w)} € pro Stunde", f"{money(monthly_eq)} € brutto / Monat"])


def ba_row(op: dict, employer: str, kind: str, rng: random.Random, *, avoid_titles: set[str] = frozenset(),
           cross_of: dict | None = None) -> dict:
    published = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 87))
    if op["start"] is not None:
        start = max(op["start"], published)
    else:
        start = max(published + dt.timedelta(days=rng.choice([0, 3, 7, 14])), dt.date(2026, 11, 16)) \
            if rng.random() < 0.5 else published
    town = town_of(op["plz"])
    ort = town_display(op["plz"], rng, style="ba") if town in ("Leipzig", "Halle (Saale)") else town
    if town == "Halle (Saale)":
        ort = "Halle (Saale)"
    row = dict(ref=ba_ref(rng), title=make_title(op, rng, set(avoid_titles)), employer=employer,
               street=op["street"], plz=op["plz"], ort=ort, start=start.strftime("%d.%m.%Y"),
               zeit=rng.choice(TIME_BA[op["time"]]), anzahl=rng.choices([1, 2, 3, 5], weights=[70, 18, 8, 4])[0],
               pay=ba_pay(op, kind, rng), published=published, op=op, kind=kind, cross_of=cross_of, bad="")
    BA_ROWS.append(row)
    return row


def build_ba(rng: random.Random, planted: dict) -> dict:
    ba_planted: dict[str, object] = {}
    # 1) 30 cross-source duplicates of fair openings: same employer, job and town, other title
    by_kind = {k: [r for r in FAIR_ROWS if r["kind"] == k] for k in ("temp", "private", "direct")}
    dup_group_rows = [g[rng.randrange(len(g))] for g in planted["dup_groups"]]
    chosen: list[dict] = []
    chosen += rng.sample(dup_group_rows, 4)
    chosen.append(planted["hard_neg_towns"][0][rng.randrange(2)])
    chosen.append(planted["same_agency_twice"][0][0])
    plain_temp = [r for r in by_kind["temp"] if r["tag"] == ""]
    chosen += rng.sample(plain_temp, 13)
    chosen += rng.sample([r for r in by_kind["private"]], 3)
    direct = [r for r in by_kind["direct"] if r["tag"] == ""]
    chosen += rng.sample(direct, 30 - len(chosen))
    seen_ops = set()
    for fr in chosen:
        assert fr["op"]["id"] not in seen_ops
        seen_ops.add(fr["op"]["id"])
        fair_titles = {r["title"] for r in FAIR_ROWS if r["op"] is fr["op"]}
        ba_row(fr["op"], fr["exhibitor"], fr["kind"], rng, avoid_titles=fair_titles, cross_of=fr)

    # 2) openings only in this list
    ba_emps = [e for e in EMPLOYERS if e[4] == "ba"]
    fair_emps = [e for e in EMPLOYERS if e[4] == "fair"]
    for e in ba_emps:
        occs = list(e[3])
        rng.shuffle(occs)
        for occ in occs[: rng.randint(1, 3)]:
            if (occ, e[2]) in USED_OCC_PLZ:
                continue
            op = new_opening(occ, e[2], rng, employer=e[0], kind="direct")
            ba_row(op, e[0], "direct", rng)
    for e in rng.sample(fair_emps, 6):
        for occ in e[3]:
            if (occ, e[2]) not in USED_OCC_PLZ:
                op = new_opening(occ, e[2], rng, employer=e[0], kind="direct")
                ba_row(op, e[0], "direct", rng)
                break
    for name, _ in rng.sample(PRIVATE_AGENCIES, 4):
        occ = rng.choice(PRIVATE_OCCS)
        op = new_opening(occ, fresh_plz(occ, rng), rng, kind="private")
        ba_row(op, name, "private", rng)
    agencies = TEMP_AGENCIES + BA_ONLY_TEMP_AGENCIES
    # the garbled-PLZ row needs an opening in 04109
    occ = next(o for o in ["buerokaufmann", "kassierer", "verkaeufer", "servicekraft", "reinigungskraft"]
               if (o, "04109") not in USED_OCC_PLZ)
    op = new_opening(occ, "04109", rng, kind="temp")
    garbled = ba_row(op, "PersoPlus Leipzig GmbH", "temp", rng)
    garbled["plz"] = "041O9"
    garbled["bad"] = "garbled_plz"
    ba_planted["garbled"] = garbled
    while len(BA_ROWS) < 119:
        ag = rng.choice(agencies)
        occ = agency_occ(ag, rng)
        op = new_opening(occ, fresh_plz(occ, rng), rng, kind="temp")
        ba_row(op, ag[0], "temp", rng)
    # 3) a row with an empty title (not one of the cross-source duplicates)
    candidates = [r for r in BA_ROWS if r["cross_of"] is None and not r["bad"]]
    empty = rng.choice(candidates)
    empty["title"] = ""
    empty["bad"] = "empty_title"
    ba_planted["empty"] = empty
    # order as the export came: newest first
    BA_ROWS.sort(key=lambda r: (r["published"], r["ref"]), reverse=True)
    # 4) an exact duplicate row (export paging overlap): row 58 appears again as row 61
    src = next(r for r in BA_ROWS[56:] if r["cross_of"] is None and not r["bad"])
    dup = dict(src)
    dup["bad"] = "exact_duplicate"
    BA_ROWS.insert(BA_ROWS.index(src) + 3, dup)
    ba_planted["duplicate"] = (src, dup)
    return ba_planted


BA_HEADER = ["Referenznummer", "Stellentitel", "Arbeitgeber", "Straße", "PLZ", "Arbeitsort", "Eintrittsdatum",
             "Arbeitszeit", "Anzahl Stellen", "Vergütung", "Veröffentlicht am", "Link"]


def write_ba(path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(BA_HEADER)
    for i, r in enumerate(BA_ROWS, start=2):
        r["line"] = i
        w.writerow([r["ref"], r["title"], r["employer"], r["street"], r["plz"], r["ort"], r["start"], r["zeit"],
                    r["anzahl"], r["pay"], r["published"].strftime("%d.%m.%Y"),
                    f"https://www.arbeitsagentur.de/jobsuche/jobdetail/{r['ref']}"])
    path.write_bytes(buf.getvalue().encode("cp1252"))  # strict: fails loudly on an unencodable char


# --- company list ---------------------------------------------------------------------------
FIRM_BRANCHE = {
    "Logistik": ["Logistik", "Spedition/Logistik", "Logistik "],
    "Handwerk (SHK)": ["Handwerk SHK", "Sanitär/Heizung", "SHK-Handwerk"],
    "Handwerk (Maler)": ["Maler", "Malerhandwerk", "Handwerk - Maler"],
    "Handwerk (Dach)": ["Dachdecker", "Dachdeckerhandwerk"],
    "Handwerk (Elektro)": ["Elektrohandwerk", "Elektro"],
    "Handwerk (Friseur)": ["Friseur", "Friseurhandwerk"],
    "Handwerk (Tischler)": ["Tischler", "Tischlerei/Holz"],
}


def firm_name_variant(name: str, rng: random.Random) -> tuple[str, str]:
    """How the partners typed a company name, and which quirk they introduced ('' if none)."""
    r = rng.random()
    if "GmbH & Co. KG" in name and r < 0.6:
        return name.replace("GmbH & Co. KG", rng.choice(["GmbH & Co KG", "GmbH & Co.KG", "GmbH u. Co. KG"])), "co_kg"
    if r < 0.12:
        return name.upper(), "caps"
    if r < 0.22:
        words = name.split(" ")
        k = rng.randrange(1, len(words))
        return " ".join(words[:k]) + "  " + " ".join(words[k:]), "double_space"
    if r < 0.30:
        return rng.choice([" " + name, name + " ", name + "  "]), "outer_space"
    if r < 0.34 and name.endswith(" GmbH"):
        return name[:-5] + rng.choice([" Gmbh", " GmbH.", " G.m.b.H."]), "gmbh_spelling"
    return name, ""


def write_firms(path: Path, rng: random.Random) -> list[dict]:
    rows = []
    for e in EMPLOYERS:
        name, quirk = firm_name_variant(e[0], rng)
        branche = rng.choice(FIRM_BRANCHE.get(e[1], [e[1]]))
        plz = e[2]
        plz_cell = plz
        if rng.random() < 0.08:
            plz_cell = plz.lstrip("0")
            quirk = (quirk + "+plz_no_zero").lstrip("+")
        street = EMP[e[0]]["street"]
        if "Straße" in street and rng.random() < 0.25:
            street = street.replace("Straße", "Str.").replace("straße", "str.")
        ort = town_display(plz, rng, style="fair") if town_of(plz) in ("Leipzig", "Halle (Saale)") else town_of(plz)
        dom = slug(e[0])
        url = rng.choices([f"https://www.{dom}", f"www.{dom}", dom, f"http://www.{dom}/", ""],
                          weights=[35, 35, 10, 10, 10])[0]
        rows.append(dict(cells=[name, branche, street, plz_cell, ort, url], quirk=quirk, name=e[0]))
    # a branch office typed as its own line, with a comma inside the name (quoted field)
    rows.append(dict(cells=["Haustechnik Wurzen GmbH, Niederlassung Eilenburg", "Handwerk SHK",
                            street_for("04838", rng), "04838", "Eilenburg", f"www.{slug('Haustechnik Wurzen GmbH')}"],
                     quirk="branch_with_comma", name="Haustechnik Wurzen GmbH"))
    rng.shuffle(rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Firma", "Branche", "Straße", "PLZ", "Ort", "Internet"])
    for i, r in enumerate(rows, start=2):
        r["line"] = i
        w.writerow(r["cells"])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return rows


# --- apprenticeship board -----------------------------------------------------------------------
# occupation key -> Ausbildungsberufe (official names), schulabschluss weights (HSA, RSA, Abi)
APPR = {
    "lagerhelfer": (["Fachkraft für Lagerlogistik", "Fachlagerist"], (5, 4, 0)),
    "fachkraft_lager": (["Fachkraft für Lagerlogistik"], (4, 5, 0)),
    "staplerfahrer": (["Fachlagerist"], (6, 2, 0)),
    "kommissionierer": (["Fachkraft für Lagerlogistik"], (5, 4, 0)),
    "berufskraftfahrer": (["Berufskraftfahrer"], (6, 3, 0)),
    "verkaeufer": (["Kaufmann im Einzelhandel", "Verkäufer"], (3, 6, 1)),
    "kassierer": (["Verkäufer"], (6, 3, 0)),
    "koch": (["Koch"], (6, 3, 0)),
    "servicekraft": (["Fachkraft für Gastronomie", "Hotelfachmann"], (4, 5, 1)),
    "housekeeping": (["Hotelfachmann"], (2, 6, 2)),
    "elektriker": (["Elektroniker für Energie- und Gebäudetechnik"], (2, 7, 1)),
    "elektroniker_bt": (["Elektroniker für Betriebstechnik"], (1, 7, 2)),
    "shk": (["Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik"], (4, 6, 0)),
    "maler": (["Maler und Lackierer"], (7, 3, 0)),
    "friseur": (["Friseur"], (6, 4, 0)),
    "mechatroniker": (["Mechatroniker"], (0, 7, 3)),
    "industriemechaniker": (["Industriemechaniker"], (1, 8, 1)),
    "schweisser": (["Metallbauer", "Konstruktionsmechaniker"], (4, 6, 0)),
    "maschinenfuehrer": (["Maschinen- und Anlagenführer"], (6, 4, 0)),
    "produktionshelfer": (["Maschinen- und Anlagenführer"], (6, 4, 0)),
    "fachinformatiker": (["Fachinformatiker für Systemintegration", "Fachinformatiker für Anwendungsentwicklung"], (0, 5, 5)),
    "buerokaufmann": (["Kaufmann für Büromanagement"], (0, 7, 3)),
    "tischler": (["Tischler"], (4, 6, 0)),
    "baecker": (["Bäcker"], (8, 2, 0)),
    "fleischer": (["Fleischer"], (8, 2, 0)),
    "gaertner": (["Gärtner (Garten- und Landschaftsbau)"], (6, 4, 0)),
    "dachdecker": (["Dachdecker"], (8, 2, 0)),
    "maurer": (["Maurer"], (8, 2, 0)),
    "bauhelfer": (["Hochbaufacharbeiter"], (9, 1, 0)),
    "sicherheit": (["Fachkraft für Schutz und Sicherheit"], (3, 7, 0)),
    "reinigungskraft": (["Gebäudereiniger"], (8, 2, 0)),
    "kfz": (["Kfz-Mechatroniker"], (3, 7, 0)),
}
BERUF_VARIANTS = {
    "Kaufmann im Einzelhandel": ["Kaufmann/-frau im Einzelhandel", "Kaufmann im Einzelhandel (m/w/d)"],
    "Koch": ["Koch/Köchin", "Koch (m/w/d)"],
    "Friseur": ["Friseur/-in", "Friseur (m/w/d)"],
    "Fachkraft für Lagerlogistik": ["Fachkraft für Lagerlogistik (m/w/d)"],
    "Elektroniker für Energie- und Gebäudetechnik": ["Elektroniker/-in für Energie- und Gebäudetechnik"],
    "Kaufmann für Büromanagement": ["Kaufmann/-frau für Büromanagement"],
    "Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik": ["Anlagenmechaniker SHK (m/w/d)"],
    "Maler und Lackierer": ["Maler und Lackierer (m/w/d)"],
    "Mechatroniker": ["Mechatroniker/-in"],
}
APPR_DESC = {
    "lead": ["In deiner Ausbildung als {b} lernst du alle Bereiche unseres Betriebs kennen.",
             "Du lernst bei uns den Beruf {b} von Grund auf.",
             "Während der Ausbildung durchläufst du alle Abteilungen unseres Betriebs."],
    "school": ["Die Berufsschule besucht du in {schule}.", "Berufsschulunterricht in Blockform in {schule}."],
    "offer": ["Wir bieten: Azubi-Ticket, Übernahme bei guten Leistungen.",
              "Übernahme nach erfolgreichem Abschluss ist unser Ziel.",
              "Ausbildungsvergütung nach Tarif, 30 Tage Urlaub.",
              "Ein Praktikum vor Ausbildungsbeginn ist möglich.",
              "Nachhilfe und Sprachförderung während der Ausbildung möglich."],
    "want": ["Du bist zuverlässig und arbeitest gern im Team.", "Wichtig sind uns Motivation und Pünktlichkeit.",
             "Deutschkenntnisse B1 sind erwünscht.", "Handwerkliches Geschick ist von Vorteil.",
             "Interesse an Technik setzen wir voraus."],
}


def write_appr(path: Path, rng: random.Random) -> list[dict]:
    pairs = []
    for e in EMPLOYERS:
        occs = e[3] or ["kfz"]
        for occ in occs:
            for beruf in APPR.get(occ, ([], None))[0]:
                pairs.append((e[0], occ, beruf))
    # prefer the occupations the partners asked for; keep (betrieb, beruf) unique
    pairs = list(dict.fromkeys(pairs))
    favourites = {"Fachkraft für Lagerlogistik", "Kaufmann im Einzelhandel", "Koch",
                  "Elektroniker für Energie- und Gebäudetechnik",
                  "Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik", "Maler und Lackierer", "Friseur",
                  "Mechatroniker", "Fachinformatiker für Systemintegration"}
    fav = [p for p in pairs if p[2] in favourites]
    other = [p for p in pairs if p[2] not in favourites]
    seen_bb = set()
    chosen = []
    for p in rng.sample(fav, len(fav)) + rng.sample(other, len(other)):
        if (p[0], p[2]) in seen_bb:
            continue
        seen_bb.add((p[0], p[2]))
        chosen.append(p)
        if len(chosen) == 60:
            break
    chosen.sort(key=lambda p: (p[2], p[0]))
    out = []
    numbers = rng.sample(range(10000, 99999), len(chosen))
    for (betrieb, occ, beruf), num in zip(chosen, numbers, strict=True):
        e = EMP[betrieb]
        shown = rng.choice(BERUF_VARIANTS[beruf]) if beruf in BERUF_VARIANTS and rng.random() < 0.25 else beruf
        hsa, rsa, abi = APPR[occ][1]
        abschluss = rng.choices(["Hauptschulabschluss", "Realschulabschluss", "Abitur"], weights=[hsa, rsa, abi])[0]
        schule = {"Halle (Saale)": "Halle (Saale)", "Borna": "Borna", "Grimma": "Grimma",
                  "Delitzsch": "Delitzsch"}.get(town_of(e["plz"]), "Leipzig")
        sents = [rng.choice(APPR_DESC["lead"]).format(b=beruf)]
        sents += rng.sample(APPR_DESC["want"] + APPR_DESC["offer"], rng.choice([0, 1, 2]))
        if rng.random() < 0.4:
            sents.append(rng.choice(APPR_DESC["school"]).format(schule=schule))
        nr = f"LS-2026-{num}"
        beginn = "01.08.2027" if rng.random() < 0.85 else rng.choice(["01.09.2027", "15.08.2027"])
        obj = {"angebotsnr": nr, "beruf": shown, "betrieb": betrieb, "plz": e["plz"], "ort": town_of(e["plz"]),
               "beginn": beginn, "plaetze": rng.choices([1, 2, 3, 4], weights=[55, 28, 12, 5])[0],
               "schulabschluss": abschluss, "beschreibung": " ".join(sents[:3]), "branche": e["sector"],
               "link": f"https://lehrstellen.ihk-example.de/angebot/{nr}"}
        out.append(obj)
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8")
    return out


# --- README ---------------------------------------------------------------------------------
def write_readme(path: Path, planted: dict, ba_planted: dict, firms: list[dict], appr: list[dict]) -> None:
    def nrs(rows):
        return " / ".join(f"#{n}" for n in sorted(r["nr"] for r in rows))

    n_fair = len(FAIR_ROWS)
    n_dup_rows = sum(len(g) for g in planted["dup_groups"])
    cross = [r for r in BA_ROWS if r["cross_of"] is not None and r["bad"] != "exact_duplicate"]
    garbled, empty, (dsrc, ddup) = ba_planted["garbled"], ba_planted["empty"], ba_planted["duplicate"]
    fair_dir = len({r["exhibitor"] for r in FAIR_ROWS if r["kind"] == "direct"})
    fair_tmp = len({r["exhibitor"] for r in FAIR_ROWS if r["kind"] == "temp"})
    fair_prv = len({r["exhibitor"] for r in FAIR_ROWS if r["kind"] == "private"})
    firm_quirks = [r for r in firms if r["quirk"]]
    lines = [
        "# Sample inputs",
        "",
        "Small, realistic, entirely made-up input files for `resque run` on a fresh machine. The region is",
        "Leipzig and surroundings; towns and postcodes are real, every company name is fictional (any",
        "resemblance to a real firm is coincidental), web addresses use `…-example.de` domains, and there is",
        "no personal data at all (no contact persons, e-mail addresses or phone numbers).",
        "",
        "Regenerate (deterministic, `random.Random(2026)`, standard library + openpyxl; byte-identical on re-run):",
        "",
        "    /work/venv/bin/python samples/make_samples.py",
        "",
        "Do not edit the files by hand; change the generator and re-run it (this README is generated too).",
        "",
        f"**`{FAIR_FILE}`** – the openings list of a job fair, typed into Excel by the organisers. Sheet",
        f"`Stellenangebote`: title in row 1, row 2 empty, header in row 3, {n_fair} openings from row 4",
        f"({fair_tmp} temp agencies, {fair_prv} private placement agencies, {fair_dir} direct employers), sorted by",
        "exhibitor. Quirks: PLZ is an Excel number for most rows (04109 shows as 4109) and text for some;",
        "`Beginn` is a real Excel date in some rows and text (`ab sofort`, `01.03.2027`, `März 2027`,",
        "`nach Vereinbarung`) in others; `Anzahl` is mostly a number, sometimes `2-3` or `mehrere`; `Arbeitszeit`",
        "mixes `Vollzeit`, `VZ`, `Schicht`, `3-Schicht` …; titles vary in gender markers, gendered forms, tails and",
        f"prefixes. Planted for the merge stage: {len(planted['dup_groups'])} real openings offered by 2–4 temp",
        f"agencies each with reworded titles and descriptions ({n_dup_rows} rows, {100 * n_dup_rows / n_fair:.0f} %),",
        f"{len(planted['same_agency_twice'])} openings listed twice by the same agency with a slightly different",
        "title, and hard negatives (same agency and identical title in two towns / two Leipzig districts;",
        "two agencies with the same occupation and postcode but different clients; one employer with two",
        "near-identical Elektroniker titles for different jobs).",
        "",
        f"**`{BA_FILE}`** – the list of openings the public employer service hands over: `;`-separated,",
        "Windows-1252 (cp1252) encoded, CRLF line endings, header",
        f"`{';'.join(BA_HEADER)}`. {len(BA_ROWS)} data rows, newest first, BA-style",
        "reference numbers, dates as `01.12.2026`, `Vergütung` with `€` (so reading it as UTF-8 fails or",
        f"garbles). {len(cross)} rows are the same real openings as rows of the job-fair list (same employer, job",
        "and town, title worded differently) – cross-source duplicates. Three bad rows, as a real export has",
        f"them: line {empty['line']} has an empty `Stellentitel` ({empty['ref']}), line {garbled['line']} has the garbled PLZ",
        f"`041O9` (letter O; {garbled['ref']}), and line {ddup['line']} is an exact copy of line {dsrc['line']}",
        f"({dsrc['ref']}). Line numbers count the header as line 1.",
        "",
        f"**`{FIRMS_FILE}`** – a company list the partners (HWK/IHK) typed up from paper: UTF-8 with BOM,",
        f"comma-separated, header `Firma,Branche,Straße,PLZ,Ort,Internet`, {len(firms)} rows. It holds every",
        "direct employer that appears in the two vacancy files plus others (e.g. the apprenticeship",
        f"companies). Names or postcodes are typed inconsistently in {len(firm_quirks)} rows: extra or double spaces, `GmbH & Co KG` /",
        "`GmbH & Co.KG` / `GmbH u. Co. KG` for `GmbH & Co. KG`, names in CAPITALS, `Gmbh`/`G.m.b.H.`, PLZ",
        "without the leading zero, `Str.` for `Straße`, and `Internet` with or without scheme (`www.…`,",
        "bare domain, `http://…/`) or empty. One branch office is a separate row whose name contains a comma",
        "(quoted field).",
        "",
        f"**`{APPR_FILE}`** – apprenticeship offers exported as JSON Lines from a chamber board, UTF-8, one",
        f"object per line ({len(appr)} lines) with the keys `angebotsnr`, `beruf`, `betrieb`, `plz` (string),",
        "`ort`, `beginn` (`01.08.2027` mostly), `plaetze` (int), `schulabschluss`, `beschreibung`, `branche`,",
        "`link`. `beruf` is the official Ausbildungsberuf name, in about a quarter of the lines written",
        "differently (`Kaufmann/-frau im Einzelhandel`, `Koch/Köchin`, `(m/w/d)`). All companies are in the",
        "company list; no planted bad lines.",
        "",
        "## Ground truth (for tests of the merge and matching stages)",
        "",
        "Job fair rows are given by `Lfd. Nr.`; employer-service rows by `Referenznummer` (and CSV line).",
        "",
        "Same real opening, several temp agencies at the fair (+ employer-service row where there is one):",
        "",
    ]
    cross_by_op = {r["op"]["id"]: r for r in cross}
    for g in planted["dup_groups"]:
        extra = f" = {cross_by_op[g[0]['op']['id']]['ref']}" if g[0]["op"]["id"] in cross_by_op else ""
        lines.append(f"- {OCC[g[0]['op']['occ']]['forms'][0]}, {g[0]['op']['plz']} {town_of(g[0]['op']['plz'])}: "
                     f"{nrs(g)}{extra}")
    lines += ["", "Same agency, same opening listed twice:", ""]
    for g in planted["same_agency_twice"]:
        extra = f" = {cross_by_op[g[0]['op']['id']]['ref']}" if g[0]["op"]["id"] in cross_by_op else ""
        lines.append(f"- {g[0]['exhibitor']}: {nrs(g)}{extra}")
    lines += ["", "Hard negatives – look alike, but are different openings (must NOT be merged):", ""]
    for g in planted["hard_neg_towns"] + planted["hard_neg_districts"]:
        lines.append(f"- same agency and title \"{g[0]['title']}\", {g[0]['op']['plz']} vs {g[1]['op']['plz']}: {nrs(g)}")
    for g in planted["lookalikes"]:
        lines.append(f"- two agencies, same occupation and PLZ {g[0]['op']['plz']}, different client and working time: {nrs(g)}")
    for g in planted["near_title_other_job"]:
        lines.append(f"- {g[0]['exhibitor']}, Betriebstechnik vs Energie- und Gebäudetechnik: {nrs(g)}")
    lines += ["", f"Cross-source duplicates ({len(cross)}; employer-service row = job-fair row):", ""]
    for r in sorted(cross, key=lambda r: r["cross_of"]["nr"]):
        lines.append(f"- {r['ref']} (line {r['line']}) = #{r['cross_of']['nr']} ({r['employer']})")
    lines += ["", "Every other row is a distinct opening: apart from the records listed above, no two vacancy",
              "records share the generator's occupation class and postcode.", ""]
    path.write_text(reflow(lines), encoding="utf-8")


def reflow(lines: list[str], width: int = 100) -> str:
    """Join the prose lines of each paragraph and wrap them again; lists, headings, code stay as they are."""
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            # keep `code spans` on one line
            text = re.sub(r"`[^`]*`", lambda m: m.group(0).replace(" ", "\x00"), " ".join(para))
            wrapped = textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=False)
            out.extend(w.replace("\x00", " ") for w in wrapped)
            para.clear()

    for line in lines:
        if not line or line.startswith(("#", "- ", "    ")):
            flush()
            out.append(line)
        else:
            para.append(line.strip())
    flush()
    return "\n".join(out) + ("\n" if out and out[-1] else "")


# --- self-check (standard library + openpyxl only) ------------------------------------------
def self_check() -> None:
    from openpyxl import load_workbook

    wb = load_workbook(HERE / FAIR_FILE)
    ws = wb["Stellenangebote"]
    data = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    with open(HERE / BA_FILE, encoding="cp1252", newline="") as f:
        ba = list(csv.reader(f, delimiter=";"))
    with open(HERE / FIRMS_FILE, encoding="utf-8-sig", newline="") as f:
        firms = list(csv.reader(f))
    appr = [json.loads(line) for line in (HERE / APPR_FILE).read_text(encoding="utf-8").splitlines()]
    assert len(data) == len(FAIR_ROWS)
    assert len(ba) - 1 == len(BA_ROWS) and all(len(r) == 12 for r in ba)
    assert all(len(r) == 6 for r in firms)
    print(f"{FAIR_FILE}: {len(data)} rows, {len({r[1] for r in data})} exhibitors, "
          f"{(HERE / FAIR_FILE).stat().st_size // 1024} KB")
    print(f"{BA_FILE}: {len(ba) - 1} rows, {(HERE / BA_FILE).stat().st_size // 1024} KB")
    print(f"{FIRMS_FILE}: {len(firms) - 1} rows, {(HERE / FIRMS_FILE).stat().st_size // 1024} KB")
    print(f"{APPR_FILE}: {len(appr)} lines, {(HERE / APPR_FILE).stat().st_size // 1024} KB")


def main() -> None:
    rng = RNG
    for e in EMPLOYERS:
        EMP[e[0]]["street"] = street_for(e[2], rng)
    planted = build_fair(rng)
    write_fair(HERE / FAIR_FILE, rng)
    ba_planted = build_ba(rng, planted)
    write_ba(HERE / BA_FILE)
    firms = write_firms(HERE / FIRMS_FILE, rng)
    appr = write_appr(HERE / APPR_FILE, rng)
    write_readme(HERE / "README.md", planted, ba_planted, firms, appr)
    self_check()


if __name__ == "__main__":
    main()
