"""What a QR code shown at the resident screen means: an ID number, a slip, or a token. Qt-free.

The national insurance e-voucher (医保电子凭证) shows a short-lived token that only the
national platform resolves, online, into the holder's ID number and name (the `ec.query`
call of the platforms' decoding interface: out come `idNo`, `userName`, `idType`…). The
kiosk works offline, so it accepts what it can check by itself:

- payloads that carry the ID number: the decoded form as JSON (`{"idNo": …}`), a URL or
  `key=value` text naming it (`idNo`, `certNo`, `psnCertNo`, `sfzh`…), or the bare
  18-character number; the number must pass the GB 11643 check digit;
- the kiosk's own slip QR code (`KIOSK-CLAIM:<claim uid>`): that claim's status;
- a bare token is recognised as one and answered plainly: it needs the network, please type
  the ID number.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from kiosk.residents import valid_id_number

SLIP_PREFIX = "KIOSK-CLAIM:"

ScanKind = Literal["id", "claim", "token", "bad_id", "unknown"]

# keys that name the holder's ID number in the formats seen (lower-cased, no _ or -)
_ID_KEYS = ("idno", "certno", "psncertno", "idcard", "idcardno", "idnumber", "sfzh",
            "sfzhm", "zjhm", "cardno", "身份证号", "身份证号码", "证件号码")
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")
_TOKEN = re.compile(r"[0-9A-Za-z+/=_.-]{20,512}")
_UID = re.compile(r"[0-9a-f]{32}|[0-9a-f-]{36}")

PROBLEMS: tuple[ScanKind, ...] = ("token", "bad_id", "unknown")
"""Kinds the resident screen cannot use; each has words `qr.<kind>` in kiosk.core.messages."""


@dataclass(frozen=True)
class ScanResult:
    """`kind`: `id` (value: the ID number), `claim` (value: the claim uid from a slip),
    `token` (an online-only e-voucher), `bad_id` (an ID number failing its check digit),
    `unknown`. `code` names what to say for the last three (kiosk.core.messages)."""

    kind: ScanKind
    value: str = ""

    @property
    def code(self) -> str:
        """The message code of what to do ("" for an ID number or a slip)."""
        return f"qr.{self.kind}" if self.kind in PROBLEMS else ""


def slip_payload(uid: str) -> str:
    """The text of a slip's status QR code: the claim's uid and nothing personal."""
    return f"{SLIP_PREFIX}{uid}"


def read_payload(text: str) -> ScanResult:
    """What a decoded QR text means to the resident screen."""
    # NFKC folds full-width digits and letters (１２３Ｘ) to the ASCII the county takes
    text = unicodedata.normalize("NFKC", text.strip().lstrip("\ufeff"))
    if text.upper().startswith(SLIP_PREFIX):
        uid = text[len(SLIP_PREFIX):].strip().lower()
        return ScanResult("claim", uid) if _UID.fullmatch(uid) else ScanResult("unknown")
    candidate = _id_field(text)
    if candidate is None:
        runs = {m.upper() for m in _ID_RUN.findall(text)}
        if len(runs) == 1:
            candidate = runs.pop()
    if candidate is not None:
        candidate = candidate.strip().upper()
        return ScanResult("id", candidate) if valid_id_number(candidate) \
            else ScanResult("bad_id")
    if _TOKEN.fullmatch(text) and re.search(r"\d", text):
        return ScanResult("token")
    return ScanResult("unknown")


def _id_field(text: str) -> str | None:
    """The value of an ID-number key in JSON, a URL query or `k=v`/`k:v` text."""
    pairs: dict[str, str] = {}
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            inner = obj.get("data")
            for source in (obj, inner if isinstance(inner, dict) else {}):
                pairs.update({_key(k): str(v) for k, v in source.items()
                              if isinstance(v, (str, int))})
    elif re.match(r"https?://", text, re.I):
        pairs = {_key(k): v for k, v in parse_qsl(urlsplit(text).query)}
    else:
        for part in re.split(r"[;&|,，；\n]", text):
            m = re.match(r"\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*$", part)
            if m:
                pairs[_key(m[1])] = m[2]
    for key in _ID_KEYS:
        if pairs.get(key):
            return pairs[key]
    return None


def _key(k: str) -> str:
    return re.sub(r"[_\-\s]", "", k).lower()
