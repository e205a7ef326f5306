"""Sentences spoken one by one and joined: clip times are frame counts of the joined audio."""

from __future__ import annotations

import wave

import pytest

from app.books import speech
from app.books.speech import MIN_CLIP_FRAMES, Speaker, decoded_seconds, voice_for
from app.books.xhtml import Sentence
from app.content.narration import synthesize_wav

pytestmark = pytest.mark.nodb


def test_clips_follow_each_other_and_add_up_to_the_audio(tmp_path):
    sentences = [
        Sentence("frase-1", "Una cooperativa es una empresa de personas.", "es-CL"),
        Sentence("frase-2", "Cada persona tiene un voto.", "es-CL"),
        Sentence("frase-3", "Cooperatives are people.", "en"),
    ]
    narration = Speaker(tmp_path).narrate(sentences, "leccion")
    clips = narration.clips
    assert [c.id for c in clips] == ["frase-1", "frase-2", "frase-3"]
    assert clips[0].begin == 0
    for before, after in zip(clips, clips[1:], strict=False):
        assert before.begin < before.end == after.begin
    assert clips[-1].end == pytest.approx(narration.seconds)
    # The longer sentence takes longer to say.
    assert clips[0].end - clips[0].begin > clips[1].end - clips[1].begin
    # The MP3 holds the whole narration: decoded, it is as long as the joined WAV (plus less
    # than two MP3 frames of encoder padding).
    assert narration.mp3[:3] == b"ID3" or narration.mp3[:2] == b"\xff\xf3"
    assert narration.seconds <= decoded_seconds(narration.mp3) < narration.seconds + 0.06
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_each_clip_is_the_frame_count_of_its_sentence_spoken_alone(tmp_path):
    speaker = Speaker(tmp_path)
    text = "Cada persona tiene un voto."
    narration = speaker.narrate([Sentence("frase-1", text, "es-CL")], "uno")
    alone = tmp_path / "alone.wav"
    synthesize_wav(text, alone)
    with wave.open(str(alone), "rb") as w:
        expected = max(w.getnframes(), MIN_CLIP_FRAMES) / w.getframerate()
    assert narration.clips[0].end == pytest.approx(expected)


def test_passages_in_other_languages_get_their_voice():
    assert voice_for("en", "es-419") == "en-us"
    assert voice_for("es-CL", "es-419") == "es-419"
    assert voice_for("arn", "es-419") == "es-419"  # no espeak-ng voice: the book's


def test_a_speaker_that_reuses_speaks_each_sentence_once_with_the_same_clips(tmp_path, monkeypatch):
    spoken = []
    real = speech.synthesize_wav

    def counting(text, out, **kw):
        spoken.append(text)
        real(text, out, **kw)

    monkeypatch.setattr(speech, "synthesize_wav", counting)
    shared = Sentence("frase-1", "Cada persona tiene un voto.", "es-CL")
    full = [shared, Sentence("frase-2", "La empresa es de las personas.", "es-CL")]
    easy = [shared, Sentence("frase-2", "La empresa es de todos.", "es-CL")]
    fresh = Speaker(tmp_path / "fresh")
    (tmp_path / "fresh").mkdir()
    expected = [fresh.narrate(full, "a").clips, fresh.narrate(easy, "b").clips]
    assert len(spoken) == 4  # without reuse: every sentence of every document
    assert list((tmp_path / "fresh").iterdir()) == []

    spoken.clear()
    (tmp_path / "reuse").mkdir()
    reusing = Speaker(tmp_path / "reuse", reuse_bytes=10_000_000)
    assert [reusing.narrate(full, "a").clips, reusing.narrate(easy, "b").clips] == expected
    # Each distinct sentence once (two threads speak, so in either order).
    assert sorted(spoken) == sorted([s.text for s in full] + ["La empresa es de todos."])

    spoken.clear()
    (tmp_path / "small").mkdir()
    small = Speaker(tmp_path / "small", reuse_bytes=1)  # nothing fits: nothing kept
    assert [small.narrate(full, "a").clips, small.narrate(easy, "b").clips] == expected
    assert len(spoken) == 4
    assert list((tmp_path / "small").iterdir()) == []
