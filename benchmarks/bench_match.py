"""Matching benchmark: 10,000 participants x 100,000 vacancies through `resque match --top 10`.

Generates a vacancy list (100,000 openings of 45 occupations in many title variants, with
descriptions naming tasks, workplaces, licences and German levels, spread over every
postcode within about 120 km of Leipzig, 3% without a place) and 10,000 participant
profiles living within 35 km of Leipzig. Both are loaded with the real importers
(`resque import vacancies` is set-based; `resque import participants` runs the privacy
guard), then the real `resque match --top 10` runs in a child process, and its wall time
and peak memory are printed. Target (issue 14): <= 20 s and <= 2 GB on the 2-core machine.

    python benchmarks/bench_match.py [--participants 10000] [--vacancies 100000]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import DATA, resque, run_measured

CENTROIDS = Path(__file__).resolve().parent.parent / "warehouse" / "data" / "postcode_centroids.csv"
LEIPZIG = (51.3396, 12.3713)
# occupation: (title variants, wishes, tasks, workplace words, licence asked for or None)
OCCUPATIONS = {
    "Lagerhelfer": (
        [
            "Lagerhelfer (m/w/d)",
            "Lagerhelfer*in",
            "Helfer im Lager (m/w/d)",
            "Lagermitarbeiter (m/w/d)",
        ],
        ["Lagerhelfer", "Helfer im Lager"],
        ["Wareneingang", "Verpackung", "Versand", "Inventur"],
        ["Lager", "Logistikzentrum"],
        None,
    ),
    "Kommissionierer": (
        ["Kommissionierer (m/w/d)", "Kommissionierer*in", "Picker / Kommissionierer (m/w/d)"],
        ["Kommissionierer", "Kommissioniererin"],
        ["Kommissionierung", "Handscanner", "Verpackung"],
        ["Lager", "Logistikzentrum"],
        None,
    ),
    "Staplerfahrer": (
        ["Staplerfahrer (m/w/d)", "Gabelstaplerfahrer*in"],
        ["Staplerfahrer"],
        ["Staplerfahren", "Be- und Entladen"],
        ["Lager"],
        "Staplerschein",
    ),
    "Fachkraft für Lagerlogistik": (
        ["Fachkraft für Lagerlogistik (m/w/d)", "Fachlagerist (m/w/d)", "Lagerfachkraft"],
        ["Fachkraft für Lagerlogistik", "Lagerfachkraft"],
        ["Lagerverwaltung", "SAP", "Inventur"],
        ["Lager"],
        None,
    ),
    "Berufskraftfahrer": (
        ["Berufskraftfahrer CE (m/w/d)", "Kraftfahrer Klasse CE", "LKW-Fahrer CE (m/w/d)"],
        ["Berufskraftfahrer", "LKW-Fahrer"],
        ["Ladungssicherung", "Tourenplanung"],
        ["Spedition", "Logistik"],
        "Führerschein Klasse CE",
    ),
    "Paketzusteller": (
        ["Paketzusteller (m/w/d)", "Auslieferungsfahrer*in", "Kurierfahrer (m/w/d)"],
        ["Paketzusteller", "Auslieferungsfahrer"],
        ["Zustellung", "Tourenplanung", "Be- und Entladen"],
        ["Paketdienst"],
        "Führerschein Klasse B",
    ),
    "Koch": (
        ["Koch (m/w/d)", "Koch / Köchin", "Jungkoch (m/w/d)"],
        ["Koch", "Köchin"],
        ["Zubereitung von Speisen", "HACCP", "Menüplanung"],
        ["Küche", "Restaurant"],
        None,
    ),
    "Küchenhilfe": (
        ["Küchenhilfe (m/w/d)", "Küchenhelfer*in", "Spülkraft (m/w/d)"],
        ["Küchenhilfe", "Spülkraft"],
        ["Spülen", "Vorbereitung von Salaten", "HACCP"],
        ["Küche", "Kantine"],
        None,
    ),
    "Servicekraft": (
        ["Servicekraft (m/w/d)", "Kellner*in", "Restaurantfachmann/-frau"],
        ["Servicekraft", "Kellner"],
        ["Bedienung", "Gästebetreuung", "Kasse"],
        ["Restaurant", "Hotel"],
        None,
    ),
    "Reinigungskraft": (
        ["Reinigungskraft (m/w/d)", "Raumpfleger*in", "Gebäudereiniger (m/w/d)"],
        ["Reinigungskraft", "Raumpflegerin"],
        ["Unterhaltsreinigung", "Glasreinigung", "Zimmerreinigung"],
        ["Büroobjekte", "Hotel"],
        None,
    ),
    "Pflegehelfer": (
        ["Pflegehelfer (m/w/d)", "Pflegehilfskraft*in", "Altenpflegehelfer (m/w/d)"],
        ["Pflegehelfer", "Altenpflegehelferin"],
        ["Grundpflege", "Betreuung von Senioren", "Dokumentation"],
        ["Pflegeheim", "ambulante Pflege"],
        None,
    ),
    "Pflegefachkraft": (
        ["Pflegefachkraft (m/w/d)", "Pflegefachfrau/-mann"],
        ["Pflegefachkraft", "Pflegefachfrau"],
        ["Behandlungspflege", "Pflegeplanung", "Wundversorgung"],
        ["Pflegeheim", "Klinik"],
        None,
    ),
    "Elektroniker": (
        [
            "Elektroniker für Betriebstechnik (m/w/d)",
            "Elektriker (m/w/d)",
            "Elektroniker*in Energie- und Gebäudetechnik",
        ],
        ["Elektriker", "Elektroniker"],
        ["Elektroinstallation", "SPS-Steuerungen", "Fehlersuche"],
        ["Instandhaltung", "Baustelle"],
        None,
    ),
    "Schweißer": (
        ["Schweißer (m/w/d)", "MAG-Schweißer*in"],
        ["Schweißer"],
        ["MAG-Schweißen", "WIG-Schweißen", "technische Zeichnungen"],
        ["Werkstatt", "Fertigung"],
        None,
    ),
    "Industriemechaniker": (
        ["Industriemechaniker (m/w/d)", "Schlosser (m/w/d)", "Mechatroniker (m/w/d)"],
        ["Industriemechaniker", "Mechatroniker"],
        ["Instandhaltung", "Hydraulik", "Drehen und Fräsen"],
        ["Werkstatt", "Fertigung"],
        None,
    ),
    "Produktionshelfer": (
        ["Produktionshelfer (m/w/d)", "Montagehelfer*in", "Maschinenbediener (m/w/d)"],
        ["Produktionshelfer", "Montagehelfer"],
        ["Maschinenbedienung", "Montage", "Verpackung"],
        ["Produktion", "Fertigung"],
        None,
    ),
    "Verkäufer": (
        ["Verkäufer (m/w/d)", "Verkäufer*in", "Kassierer (m/w/d)", "Kaufmann im Einzelhandel"],
        ["Verkäufer", "Verkäuferin"],
        ["Kassieren", "Kundenberatung", "Warenverräumung"],
        ["Filiale", "Supermarkt"],
        None,
    ),
    "Bürokraft": (
        ["Kaufmann/-frau für Büromanagement", "Bürokraft (m/w/d)"],
        ["Bürokauffrau", "Bürokraft"],
        ["MS Office", "Ablage", "Buchhaltung"],
        ["Verwaltung", "Büro"],
        None,
    ),
    "Maler": (
        ["Maler und Lackierer (m/w/d)", "Malergeselle*in"],
        ["Maler"],
        ["Innen- und Fassadenarbeiten", "Tapezieren"],
        ["Baustelle"],
        "Führerschein Klasse B",
    ),
    "Bauhelfer": (
        ["Bauhelfer (m/w/d)", "Helfer Hoch- und Tiefbau"],
        ["Bauhelfer"],
        ["Erdarbeiten", "Schalung"],
        ["Baustelle"],
        None,
    ),
    "Erzieher": (
        ["Erzieher (m/w/d)", "Pädagogische Fachkraft Kita"],
        ["Erzieherin"],
        ["Kinderbetreuung", "Elternarbeit"],
        ["Kita"],
        None,
    ),
    "Hausmeister": (
        ["Hausmeister (m/w/d)", "Objektbetreuer / Hausmeister"],
        ["Hausmeister"],
        ["Winterdienst", "Reparaturen"],
        ["Wohnanlage"],
        "Führerschein Klasse B",
    ),
    "Bäcker": (
        ["Bäcker (m/w/d)", "Bäckergeselle*in"],
        ["Bäcker"],
        ["Teigherstellung", "Backwaren"],
        ["Backstube"],
        None,
    ),
    "Friseur": (
        ["Friseur (m/w/d)", "Friseur*in"],
        ["Friseurin"],
        ["Haarschnitt", "Färben"],
        ["Salon"],
        None,
    ),
    "Sicherheitsmitarbeiter": (
        ["Sicherheitsmitarbeiter (m/w/d)", "Objektschützer*in"],
        ["Sicherheitsmitarbeiter"],
        ["Objektschutz", "Kontrollgänge"],
        ["Objekt"],
        None,
    ),
    "Fachinformatiker": (
        ["Fachinformatiker Systemintegration (m/w/d)", "IT-Support (m/w/d)"],
        ["Fachinformatiker", "IT-Support"],
        ["Windows Server", "Netzwerke", "Microsoft 365"],
        ["IT-Abteilung"],
        None,
    ),
}
PREFIXES = ["", "", "", "Wir suchen: ", "Ab sofort gesucht: "]
TAILS = ["", "", " - Vollzeit", ", unbefristet", " in {town}"]
TIMES = ["Vollzeit", "Teilzeit", "Vollzeit/Teilzeit", "Schicht", "3-Schicht"]
WISHED_TIMES = ["Vollzeit", "Vollzeit", "Teilzeit", "Teilzeit, keine Schicht", "egal"]
STARTS = ["ab sofort", "01.12.2026", "01.01.2027", "01.03.2027", "nach Vereinbarung"]
GERMAN = ["A2", "B1", "B2"]


def places(radius_km: float) -> pd.DataFrame:
    """Postcodes of the committed table within radius_km of Leipzig."""
    table = pd.read_csv(CENTROIDS, dtype={"postcode": str})
    lat, lon = np.radians(table["lat"]), np.radians(table["lon"])
    c_lat, c_lon = np.radians(LEIPZIG[0]), np.radians(LEIPZIG[1])
    h = (
        np.sin((lat - c_lat) / 2) ** 2
        + np.cos(lat) * math.cos(c_lat) * np.sin((lon - c_lon) / 2) ** 2
    )
    table["km"] = 2 * 6371 * np.arcsin(np.sqrt(h))
    return table[table["km"] <= radius_km].reset_index(drop=True)


def vacancies(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n openings: titles, places, descriptions with tasks, workplace, licence and German level."""
    names = list(OCCUPATIONS)
    where = places(120)
    occ = rng.integers(0, len(names), n)
    place = rng.integers(0, len(where), n)
    towns = where["place"].to_numpy(dtype=object)[place]
    titles, texts = [], []
    for i, o in enumerate(occ):
        variants, _wishes, tasks, workplaces, licence = OCCUPATIONS[names[o]]
        title = variants[rng.integers(len(variants))]
        tail = TAILS[rng.integers(len(TAILS))].format(town=towns[i])
        titles.append(PREFIXES[rng.integers(len(PREFIXES))] + title + tail)
        a, b = rng.choice(len(tasks), 2, replace=len(tasks) < 2)
        need = licence if licence else ("Führerschein Klasse B" if rng.random() < 0.15 else None)
        texts.append(
            f"Verstärkung für unser Team im Bereich {workplaces[rng.integers(len(workplaces))]}. "
            f"Ihre Aufgaben: {tasks[a]} sowie {tasks[b]}. "
            + (f"Erforderlich: {need}. " if need else "")
            + f"Deutschkenntnisse {GERMAN[rng.integers(3)]}. Standort {i % 997}."
        )
    postcode = where["postcode"].to_numpy(dtype=object)[place]
    unknown = rng.random(n) < 0.03
    postcode[unknown], towns[unknown] = "", ""
    return pd.DataFrame(
        {
            "Referenznummer": [f"B-{i:07d}" for i in range(n)],
            "Stellentitel": titles,
            "Arbeitgeber": [f"Firma {e} GmbH" for e in rng.integers(0, 20_000, n)],
            "PLZ": postcode,
            "Arbeitsort": towns,
            "Beschreibung": texts,
            "Arbeitszeit": np.array(TIMES, dtype=object)[rng.integers(0, len(TIMES), n)],
            "Eintrittsdatum": np.array(STARTS, dtype=object)[rng.integers(0, len(STARTS), n)],
        }
    )


def participants(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """n pseudonymous profiles around Leipzig: wishes, tasks, languages, licences, radius."""
    names = list(OCCUPATIONS)
    home = places(35)
    rows = []
    for i in range(n):
        first = OCCUPATIONS[names[rng.integers(len(names))]]
        wishes = [first[1][rng.integers(len(first[1]))]]
        if rng.random() < 0.4:
            second = OCCUPATIONS[names[rng.integers(len(names))]]
            wishes.append(second[1][0])
        tasks = list(rng.choice(first[2], min(2, len(first[2])), replace=False))
        licences = [
            x for x, p in (("B", 0.4), ("Staplerschein", 0.15), ("CE", 0.05)) if rng.random() < p
        ]
        p = home.iloc[rng.integers(len(home))]
        rows.append(
            {
                "Teilnehmer-ID": f"TN-{i:06d}",
                "Wunschberufe": "; ".join(wishes),
                "Kompetenzen": "; ".join(tasks),
                "Sprachen": f"Deutsch {GERMAN[rng.integers(3)]}; Englisch A2",
                "Führerscheine": ", ".join(licences),
                "Arbeitszeit": WISHED_TIMES[rng.integers(len(WISHED_TIMES))],
                "PLZ": p["postcode"],
                "Ort": p["place"],
                "Umkreis km": int(rng.choice([10, 15, 20, 30, 50])),
                "verfügbar ab": "sofort" if rng.random() < 0.8 else "01.02.2027",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--vacancies", type=int, default=100_000)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(5)
    started = time.perf_counter()
    jobs_csv = DATA / f"match_vacancies_{args.vacancies}.csv"
    people_csv = DATA / f"match_participants_{args.participants}.csv"
    vacancies(args.vacancies, rng).to_csv(jobs_csv, sep=";", index=False)
    participants(args.participants, rng).to_csv(people_csv, sep=";", index=False)
    print(f"generated data in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        steps = [
            ("import vacancies", ["import", "vacancies", str(jobs_csv), "--source", "bench"]),
            ("import participants", ["import", "participants", str(people_csv)]),
            ("match --top 10", ["match", "--top", "10", "--today", "2026-11-20"]),
        ]
        for label, command in steps:
            seconds, peak_mb, out = run_measured(resque("--db", db, *command))
            print(f"{label:22s} {seconds:6.1f} s  peak {peak_mb:7.0f} MB  | {out.strip()}")


if __name__ == "__main__":
    main()
