"""Write samples/teilnehmende_kompetenzanalyse.csv: 40 pseudonymous participant profiles.

The profiles are made up for the Leipzig region and fit the bundled vacancy samples
(warehouse, kitchen, care, electrics, retail, cleaning, driving, ...). They carry no
personal data at all: the provider's participant id ('TN-2026-001'; resque stores only its
keyed pseudonym, see README 'Pseudonyms and the key'), wishes, skills, languages with CEFR
levels, qualifications (recognised or not), licences, working time, postcode and town,
radius and availability. Deterministic; run with

    /work/venv/bin/python samples/make_participants.py
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT = Path(__file__).resolve().parent / "teilnehmende_kompetenzanalyse.csv"
HEADER = [
    "Teilnehmer-ID",
    "Wunschberufe",
    "Kompetenzen",
    "Sprachen",
    "Qualifikationen (anerkannt/nicht anerkannt)",
    "Führerscheine",
    "Arbeitszeit",
    "PLZ/Ort",
    "Umkreis km",
    "verfügbar ab",
]
# fmt: off
PROFILES = [
    ("Lagerhelfer; Kommissionierer", "Kommissionierung mit Handscanner; Verpackung; Wareneingang", "Deutsch A2; Arabisch Muttersprache", "", "Staplerschein", "Vollzeit, auch Schicht", "04315 Leipzig", "20", "sofort"),
    ("Staplerfahrer", "Staplerfahren; Be- und Entladen; Lagerverwaltung", "Deutsch B1; Russisch Muttersprache", "Fachlagerist (nicht anerkannt)", "B, Staplerschein", "Vollzeit", "04838 Eilenburg", "25", "01.12.2026"),
    ("Fachkraft für Lagerlogistik", "Lagerverwaltung; SAP; Inventur; Kommissionierung", "Deutsch B2; Englisch B1", "Fachkraft für Lagerlogistik (anerkannt)", "B", "Vollzeit", "04356 Leipzig", "30", "sofort"),
    ("Lagerfachkraft", "Wareneingang; Warenausgang; Handscanner", "Deutsch B1; Dari Muttersprache", "Logistik-Ausbildung Afghanistan (nicht anerkannt)", "keiner", "Vollzeit", "04129 Leipzig", "15", "sofort"),
    ("Koch", "Zubereitung von Speisen; HACCP; regionale Küche", "Deutsch B1; Türkisch Muttersprache", "Koch (nicht anerkannt, Anerkennung beantragt)", "", "Vollzeit", "04275 Leipzig", "15", "01.01.2027"),
    ("Küchenhilfe; Spülkraft", "Vorbereitung von Salaten; Spülen; Reinigung", "Deutsch A2; Tigrinya Muttersprache", "", "", "Teilzeit, keine Schicht", "04425 Taucha", "10", "sofort"),
    ("Pflegehelfer", "Grundpflege; Unterstützung im Alltag; Dokumentation", "Deutsch B1; Ukrainisch Muttersprache; Russisch C1", "Pflegebasiskurs (anerkannt)", "B", "Vollzeit oder Teilzeit", "04420 Markranstädt", "20", "sofort"),
    ("Pflegefachkraft", "Behandlungspflege; Pflegeplanung und Dokumentation; Wundversorgung", "Deutsch B2; Ukrainisch Muttersprache", "Krankenschwester (Anerkennung läuft)", "", "Vollzeit, auch Schicht", "04177 Leipzig", "20", "01.02.2027"),
    ("Elektroniker für Betriebstechnik", "SPS-Steuerungen; Fehlersuche; Schaltpläne lesen", "Deutsch B1; Englisch B2; Persisch Muttersprache", "Elektrotechniker (nicht anerkannt)", "B", "Vollzeit", "04318 Leipzig", "25", "sofort"),
    ("Elektriker", "Installation; Elektroinstallation; Gebäudetechnik", "Deutsch A2; Arabisch Muttersprache", "Elektriker Syrien (nicht anerkannt)", "B", "Vollzeit", "04279 Leipzig", "20", "sofort"),
    ("Verkäufer", "Kassieren; Kundenberatung; Warenverräumung", "Deutsch B1; Englisch A2", "", "", "Teilzeit", "04838 Eilenburg", "15", "sofort"),
    ("Kaufmann im Einzelhandel", "Kundenberatung; Warenpräsentation; Kasse", "Deutsch B2", "Abitur (anerkannt)", "", "Vollzeit", "04105 Leipzig", "20", "01.08.2027"),
    ("Reinigungskraft", "Unterhaltsreinigung; Reinigung von Büros", "Deutsch A2; Rumänisch Muttersprache", "", "", "Teilzeit", "04435 Schkeuditz", "10", "sofort"),
    ("Housekeeping; Zimmermädchen", "Reinigung der Gästezimmer; Wäschewechsel", "Deutsch A1; Vietnamesisch Muttersprache", "", "", "Teilzeit, keine Schicht", "04109 Leipzig", "10", "sofort"),
    ("Berufskraftfahrer", "Touren fahren; Ladungssicherung; Be- und Entladen", "Deutsch B1; Polnisch Muttersprache", "Berufskraftfahrer (anerkannt)", "CE", "Vollzeit", "04177 Leipzig", "30", "sofort"),
    ("Paketzusteller; Auslieferungsfahrer", "Zustellung; Tourenplanung", "Deutsch A2; Kurdisch Muttersprache", "", "B", "Vollzeit", "04155 Leipzig", "15", "sofort"),
    ("Schweißer", "MAG-Schweißen; WIG-Schweißen; Lesen technischer Zeichnungen", "Deutsch A2; Türkisch Muttersprache", "Schweißer (nicht anerkannt)", "", "Vollzeit, auch Schicht", "04509 Delitzsch", "20", "sofort"),
    ("Industriemechaniker; Schlosser", "Montage von Baugruppen; Drehen und Fräsen; technische Zeichnungen", "Deutsch B1; Englisch B1", "Industriemechaniker (anerkannt)", "B", "Vollzeit", "04420 Markranstädt", "25", "01.03.2027"),
    ("Produktionshelfer; Montagehelfer", "Maschinenbedienung; Montage; Qualitätskontrolle", "Deutsch A2; Ukrainisch Muttersprache", "", "", "Vollzeit, auch Schicht", "04159 Leipzig", "15", "sofort"),
    ("Maschinen- und Anlagenführer", "Maschinenbedienung; Rüsten; Qualitätskontrolle", "Deutsch B1", "", "B", "Schicht", "04105 Leipzig", "20", "sofort"),
    ("Erzieher", "Kinderbetreuung; Elternarbeit; Sprachförderung", "Deutsch B2; Englisch B2", "Lehrerin (Anerkennung als Erzieherin läuft)", "", "Vollzeit", "04838 Eilenburg", "20", "01.01.2027"),
    ("Kaufmann für Büromanagement; Bürokraft", "MS Office; Ablage; Telefonservice; Buchhaltung", "Deutsch B2; Englisch C1; Arabisch Muttersprache", "Betriebswirtschaft Studium (nicht anerkannt)", "", "Teilzeit", "04416 Markkleeberg", "15", "sofort"),
    ("Maler und Lackierer", "Innen- und Fassadenarbeiten; Bodenbelagsarbeiten", "Deutsch A2; Albanisch Muttersprache", "Maler (nicht anerkannt)", "B", "Vollzeit", "04229 Leipzig", "20", "sofort"),
    ("Bauhelfer", "Erdarbeiten; Schalung; Mauern", "Deutsch A1; Arabisch Muttersprache", "", "B", "Vollzeit", "04158 Leipzig", "20", "sofort"),
    ("Tischler", "Möbelbau; CNC-Fräse; Holzbearbeitung", "Deutsch B1", "Tischler (anerkannt)", "B", "Vollzeit", "04425 Taucha", "25", "01.12.2026"),
    ("Bäcker", "Backwaren herstellen; Teigherstellung; Nachtarbeit", "Deutsch A2; Persisch Muttersprache", "Bäcker Iran (nicht anerkannt)", "", "Vollzeit, auch Schicht", "04808 Wurzen", "15", "sofort"),
    ("Mechatroniker", "Instandhaltung; Fehlersuche; Hydraulik; Pneumatik", "Deutsch B1; Englisch B1", "Mechatroniker (Anerkennung beantragt)", "B", "Vollzeit", "04328 Leipzig", "20", "01.12.2026"),
    ("Fachinformatiker Systemintegration; IT-Support", "Windows Server; Microsoft 365; Netzwerke", "Deutsch B2; Englisch C1", "Informatik Studium (nicht anerkannt)", "B", "Vollzeit", "04838 Eilenburg", "40", "sofort"),
    ("Hausmeister", "Winterdienst; Reparaturen; Grünpflege", "Deutsch B1", "", "B", "Vollzeit", "04435 Schkeuditz", "20", "sofort"),
    ("Kassierer; Verkaufshilfe", "Kassieren; Warenverräumung", "Deutsch A2; Ukrainisch Muttersprache", "", "", "Teilzeit", "04159 Leipzig", "10", "sofort"),
    ("Lagerhelfer", "Verpackung; Versand; Kommissionierung", "Deutsch A2", "", "", "Teilzeit, keine Schicht", "04552 Borna", "10", "sofort"),
    ("Gabelstaplerfahrer", "Staplerfahren; Lagerlogistik", "Deutsch A2; Russisch Muttersprache", "", "Staplerschein; B", "Vollzeit, auch Schicht", "06112 Halle (Saale)", "25", "sofort"),
    ("Servicekraft; Kellner", "Gästebetreuung; Bedienung; Kasse", "Deutsch B1; Englisch B1; Spanisch Muttersprache", "", "", "Teilzeit", "04109 Leipzig", "10", "sofort"),
    ("Altenpflegehelfer", "Grundpflege; Betreuung von Senioren", "Deutsch B1; Arabisch Muttersprache", "Pflegebasiskurs (anerkannt)", "", "Vollzeit", "04668 Grimma", "25", "01.12.2026"),
    ("Reinigungskraft; Gebäudereiniger", "Unterhaltsreinigung; Glasreinigung", "Deutsch A2", "", "B", "Vollzeit", "04668 Grimma", "20", "sofort"),
    ("Elektroniker für Energie- und Gebäudetechnik", "Elektroinstallation; Gebäudetechnik", "Deutsch B1; Englisch A2", "Realschulabschluss (anerkannt)", "", "Vollzeit", "04279 Leipzig", "20", "01.08.2027"),
    ("Koch; Beikoch", "Zubereitung von Speisen; Catering; HACCP", "Deutsch A2; Vietnamesisch Muttersprache", "", "", "Vollzeit", "04808 Wurzen", "20", "sofort"),
    ("Pilot", "Flugzeugführung; Navigation", "Deutsch A2; Englisch C1", "Verkehrspilot (nicht anerkannt)", "", "Vollzeit", "04109 Leipzig", "30", "sofort"),
    ("Kommissionierer", "Kommissionierung; Handscanner; Verpackung", "Deutsch A1; Tigrinya Muttersprache", "", "", "Vollzeit", "", "", "sofort"),
    ("Lagerarbeiter", "Wareneingang; Verpackung; Be- und Entladen", "Deutsch A2", "", "B", "Vollzeit", "04552 Borna", "5", "sofort"),
]
# fmt: on


def main() -> None:
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(HEADER)
        for number, profile in enumerate(PROFILES, start=1):
            writer.writerow([f"TN-2026-{number:03d}", *profile])
    print(f"{OUT.name}: {len(PROFILES)} profiles")


if __name__ == "__main__":
    main()
