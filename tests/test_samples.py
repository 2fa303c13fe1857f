"""The bundled sample files are what samples/make_samples.py writes (issue 15).

Their README promises a byte-identical re-run; the merge and matching tests rely on the
ground truth it lists, so a change to a generator or to samples/vocabulary.py that moves one
byte must come with regenerated files.
"""

from __future__ import annotations

import random
from pathlib import Path

from resque.samples import make_samples
from tests.conftest import SAMPLES

WRITTEN = sorted(
    [
        make_samples.FAIR_FILE,
        make_samples.BA_FILE,
        make_samples.FIRMS_FILE,
        make_samples.APPR_FILE,
        "README.md",
    ]
)


def _write(seed: int, folder: Path) -> Path:
    folder.mkdir()
    make_samples.SampleSet(random.Random(seed)).write(folder)
    return folder


def test_regenerating_the_samples_gives_the_committed_files_byte_for_byte(tmp_path):
    fresh = _write(make_samples.SEED, tmp_path / "fresh")
    assert sorted(p.name for p in fresh.iterdir()) == WRITTEN
    for name in WRITTEN:
        assert (fresh / name).read_bytes() == (SAMPLES / name).read_bytes(), name


def test_a_sample_set_drawn_earlier_leaves_the_next_one_unchanged(tmp_path):
    # no module-level state: another draw first (other seed, other files) changes nothing
    other = _write(make_samples.SEED + 1, tmp_path / "other")
    assert (other / make_samples.BA_FILE).read_bytes() != (
        SAMPLES / make_samples.BA_FILE
    ).read_bytes()
    again = _write(make_samples.SEED, tmp_path / "again")
    for name in WRITTEN:
        assert (again / name).read_bytes() == (SAMPLES / name).read_bytes(), name
