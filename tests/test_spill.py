"""The spill between the two passes gives back exactly the records written, in order."""
from pathlib import Path

import pytest

from kgbuild.extract import extract_papers
from kgbuild.read import read_papers
from kgbuild.spill import Spill, frame, frames_of, join_frames, unframe


SEED = Path(__file__).resolve().parent.parent / "kgbuild" / "data" / "abstracts-seed.txt"


@pytest.fixture(scope="module")
def records():
    papers = list(read_papers(SEED))[:25]
    return list(extract_papers(papers))


def test_records_round_trip_in_order(records):
    with Spill() as spill:
        for ex in records:
            spill.write(ex)
        assert spill.count == len(records)
        back = list(spill.records())
        again = list(spill.records())  # reading starts over
    assert [b.to_dict() for b in back] == [r.to_dict() for r in records]
    assert [b.to_dict() for b in again] == [r.to_dict() for r in records]


def test_frames_handed_on_as_bytes(records):
    blob, n = join_frames(records)
    assert n == len(records)
    with Spill() as spill:
        spill.write_frames(blob, n)
        frames = list(spill.frames())
    assert frames == frames_of(blob)
    assert [unframe(f).to_dict() for f in frames] == [r.to_dict() for r in records]


def test_truncated_frame_is_an_error(records):
    blob = frame(records[0])
    with pytest.raises(ValueError, match="truncated"):
        frames_of(blob[:-3])
    with Spill() as spill:
        spill.write_frames(blob[:-3], 1)
        with pytest.raises(ValueError, match="truncated"):
            list(spill.records())
