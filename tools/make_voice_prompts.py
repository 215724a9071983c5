"""Render every voice prompt (kiosk/voice/prompts.py) to resources/voice/<lang>/<key>.wav.

Run at development time on a machine with espeak-ng, and commit the result: the kiosk plays
these recordings when no speech engine offers a voice for the language (espeak-ng is never
needed at run time). Output: 16 kHz mono 8-bit PCM WAV (QSoundEffect plays it as is), with
the synthesiser's leading and trailing silence trimmed, so each prompt stays small (8-bit
samples are ample for synthetic speech in a noisy hall and halve the size).

    .venv/bin/python tools/make_voice_prompts.py            # (re)render all
    .venv/bin/python tools/make_voice_prompts.py --check    # exit 1 if one is missing
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.voice.prompts import LANGUAGES, PROMPTS, prompt_text  # noqa: E402

OUT = ROOT / "resources" / "voice"
RATE = 16_000
VOICES = {"zh_CN": "cmn", "en": "en"}
SPEED = {"zh_CN": 180, "en": 150}  # words per minute: unhurried, for elderly listeners
_SILENCE = 300  # sample magnitude below which a stretch counts as silence
_PAD_S = 0.08


def render(text: str, language: str) -> np.ndarray:
    """espeak-ng's output for a line, as 16 kHz int16 samples, silence trimmed."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "out.wav"
        subprocess.run(["espeak-ng", "-v", VOICES[language], "-s", str(SPEED[language]),
                        "-w", str(raw), text], check=True, capture_output=True, timeout=60)
        with wave.open(str(raw)) as w:
            rate = w.getframerate()
            assert w.getnchannels() == 1 and w.getsampwidth() == 2
            samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    loud = np.nonzero(np.abs(samples.astype(np.int32)) > _SILENCE)[0]
    if loud.size:
        pad = int(_PAD_S * rate)
        samples = samples[max(0, loud[0] - pad): loud[-1] + pad]
    if rate != RATE:  # linear resampling is plenty for synthetic speech
        n = int(len(samples) * RATE / rate)
        x = np.linspace(0, len(samples) - 1, n)
        samples = np.interp(x, np.arange(len(samples)), samples.astype(np.float64))
        samples = np.clip(np.round(samples), -32768, 32767).astype("<i2")
    return samples


def write_wav(path: Path, samples: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(RATE)
        unsigned = (samples.astype(np.int32) >> 8) + 128  # WAV's 8-bit samples are unsigned
        w.writeframes(unsigned.astype(np.uint8).tobytes())


def expected() -> list[Path]:
    return [OUT / lang / f"{key}.wav" for lang in LANGUAGES for key in PROMPTS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report missing recordings")
    args = parser.parse_args(argv)
    if args.check:
        missing = [p for p in expected() if not p.exists()]
        for p in missing:
            print(f"missing: {p.relative_to(ROOT)}")
        return 1 if missing else 0
    total = 0
    for lang in LANGUAGES:
        keep = set()
        for key in PROMPTS:
            path = OUT / lang / f"{key}.wav"
            write_wav(path, render(prompt_text(key, lang), lang))
            keep.add(path.name)
            total += path.stat().st_size
        for stale in (OUT / lang).glob("*.wav"):
            if stale.name not in keep:
                stale.unlink()
    print(f"{len(PROMPTS) * len(LANGUAGES)} recordings, {total / 1e6:.1f} MB in "
          f"{OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
