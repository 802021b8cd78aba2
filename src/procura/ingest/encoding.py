"""Text encodings of CSV/JSONL files: detect, and transcode to UTF-8 when needed.

DuckDB reads UTF-8 (with or without BOM). GB18030 (which covers GBK and
GB2312) and UTF-16 files are transcoded to a temporary UTF-8 copy first.
Detection looks at the first megabytes: valid UTF-8 wins (one strict decode);
then UTF-8 when most lines with non-ASCII bytes are UTF-8 (the rest are
quarantined row by row); otherwise strict GB18030 with mostly Chinese
characters; otherwise charset-normalizer's guess.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from procura.errors import InvalidInput

SAMPLE_BYTES = 4 * 1024 * 1024
CHUNK = 16 * 1024 * 1024


class EncodingProblem(InvalidInput):
    """The file's text encoding cannot be determined."""


def _cjk_share(text: str) -> float:
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 1.0
    return sum(1 for ch in wide if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef") / len(wide)


def _decodes(sample: bytes, encoding: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=final)
    except UnicodeDecodeError:
        return None


def _mostly_utf8(sample: bytes) -> bool:
    """Whether most lines with non-ASCII bytes are UTF-8: DuckDB then quarantines just the others.

    Counted per line, not per byte, so one long GBK row among short UTF-8 rows
    does not turn the whole file into GB18030 (ADR 0565).
    """
    good = bad = 0
    for line in sample.split(b"\n")[:-1] or [sample]:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
    return good > bad


def detect(path: Path) -> str:
    """The file's encoding: ``utf-8``, ``utf-16``, ``gb18030`` or charset-normalizer's name."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    final = len(sample) < SAMPLE_BYTES
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(sample, "utf-8", final) is not None or _mostly_utf8(sample):
        return "utf-8"
    text = _decodes(sample, "gb18030", final)
    if text is not None and _cjk_share(text) > 0.6:
        return "gb18030"
    best = from_bytes(sample).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        raise EncodingProblem(f"{path.name}: cannot tell the text encoding (not UTF-8, not GB18030)")
    return str(best.encoding)


def to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """``path`` itself when UTF-8, else a UTF-8 copy in ``workdir``.

    Undecodable bytes become U+FFFD, which validation reports per row.
    """
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        return path
    target = workdir / (path.name + ".utf8")
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return target
