"""The county's reimbursement policy for out-of-province outpatient care.

One JSON object, published by the county server (`GET /api/v1/policy`), read here into typed
values. Rates and shares are decimal strings (`"0.60"`), money is yuan strings (`"200.00"`);
numbers written as JSON floats are refused so that no binary fraction enters the arithmetic.
The package ships `data/example_policy.json`, an example county marked `"example": true`.

| key | meaning |
|---|---|
| `version` | the county's name for this policy (kept with every estimate) |
| `region_code` | the county's administrative code; its first two digits are the insured province |
| `year` | the policy year |
| `claim_window_days` | invoices older than this many days are out of time (报销时限) |
| `class_b_self_share` | share of a 乙类 item the insured pays first (乙类先行自付比例) |
| `unregistered_rate_reduction` | percentage points off the rate when care was not registered (未备案) |
| `default_hospital_level` | `primary`, `secondary` or `tertiary` when the name says nothing |
| `hospital_level_keywords` | level → words in a hospital's name that put it at that level |
| `schemes.<resident|employee>` | `deductible` (起付线, per year), `annual_cap` (封顶线, fund per year), `rates` by level |
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk.audit.money import fen
from kiosk.core.messages import Text

LEVELS = ("primary", "secondary", "tertiary")


class PolicyError(ValueError):
    """A policy document that cannot be used; the message names the key."""


@dataclass(frozen=True)
class SchemePolicy:
    name: str
    deductible: Decimal
    annual_cap: Decimal
    rates: dict[str, Decimal]


@dataclass(frozen=True)
class Policy:
    version: str
    county: str
    region_code: str
    year: int
    claim_window_days: int
    class_b_self_share: Decimal
    unregistered_rate_reduction: Decimal
    default_hospital_level: str
    schemes: dict[str, SchemePolicy]
    hospital_level_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    example: bool = False
    notice: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], version: str | None = None) -> Policy:
        """Read a policy object; `version` (e.g. the county server's policy number) wins over
        the object's own `version` key."""
        if not isinstance(data, dict):
            raise PolicyError("a policy is a JSON object")
        schemes_raw = _get(data, "schemes", dict)
        schemes = {}
        for key, raw in schemes_raw.items():
            if key not in ("resident", "employee"):
                raise PolicyError(f"schemes.{key}: only 'resident' and 'employee' are known")
            rates_raw = _get(raw, "rates", dict, f"schemes.{key}")
            rates = {level: _rate(rates_raw, level, f"schemes.{key}.rates")
                     for level in LEVELS}
            schemes[key] = SchemePolicy(
                name=str(raw.get("name", key)),
                deductible=_money(raw, "deductible", f"schemes.{key}"),
                annual_cap=_money(raw, "annual_cap", f"schemes.{key}"),
                rates=rates)
        if not schemes:
            raise PolicyError("schemes: at least one scheme is needed")
        level = str(data.get("default_hospital_level", "tertiary"))
        if level not in LEVELS:
            raise PolicyError(f"default_hospital_level: {level!r} is not one of "
                              f"{', '.join(LEVELS)}")
        keywords_raw = data.get("hospital_level_keywords") or {}
        keywords = {lvl: tuple(str(w) for w in words) for lvl, words in keywords_raw.items()
                    if lvl in LEVELS and isinstance(words, list)}
        window = data.get("claim_window_days", 365)
        if not isinstance(window, int) or isinstance(window, bool) or window <= 0:
            raise PolicyError("claim_window_days: a positive whole number of days")
        return cls(
            version=version if version is not None else str(data.get("version", "")),
            county=str(data.get("county", "")),
            region_code=str(data.get("region_code", "")),
            year=int(data.get("year", 0)),
            claim_window_days=window,
            class_b_self_share=_rate(data, "class_b_self_share", ""),
            unregistered_rate_reduction=_rate(data, "unregistered_rate_reduction", ""),
            default_hospital_level=level,
            schemes=schemes,
            hospital_level_keywords=keywords,
            example=bool(data.get("example", False)),
            notice=str(data.get("notice", "")))

    @classmethod
    def from_json(cls, text: str | bytes, version: str | None = None) -> Policy:
        try:
            data = json.loads(text, parse_float=_no_float)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError(f"not JSON: {exc}") from None
        return cls.from_dict(data, version)

    @classmethod
    def load(cls, path: Path) -> Policy:
        return cls.from_json(Path(path).read_bytes())

    @classmethod
    def example_county(cls) -> Policy:
        """The shipped example (`"example": true`); never a real county's values."""
        text = resources.files("kiosk.audit").joinpath("data/example_policy.json").read_bytes()
        return cls.from_json(text)

    def scheme(self, key: str) -> SchemePolicy:
        try:
            return self.schemes[key]
        except KeyError:
            raise PolicyError(f"the policy has no values for the {key!r} scheme") from None

    def hospital_level(self, hospital: str | None) -> tuple[str, Text]:
        """(level, why) for a hospital by the words in its name, else the default level;
        `why` is words of the catalogue (estimate.level_by.*)."""
        if hospital:
            for level in LEVELS:
                for word in self.hospital_level_keywords.get(level, ()):
                    if word in hospital:
                        return level, Text("estimate.level_by.keyword", {"word": word})
        return self.default_hospital_level, Text("estimate.level_by.default")


def _no_float(text: str) -> Decimal:
    """JSON numbers with a fraction become Decimal (exactly as written), never float."""
    return Decimal(text)


def _get(data: Any, key: str, kind: type, where: str = "") -> Any:
    name = f"{where}.{key}" if where else key
    if not isinstance(data, dict) or key not in data:
        raise PolicyError(f"{name}: missing")
    value = data[key]
    if not isinstance(value, kind):
        raise PolicyError(f"{name}: expected {kind.__name__}")
    return value


def _decimal(data: Any, key: str, where: str) -> Decimal:
    name = f"{where}.{key}" if where else key
    if not isinstance(data, dict) or key not in data:
        raise PolicyError(f"{name}: missing")
    value = data[key]
    if isinstance(value, float):
        raise PolicyError(f"{name}: write it as a string (\"0.10\"), not a float")
    if isinstance(value, bool):
        raise PolicyError(f"{name}: not a number")
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise PolicyError(f"{name}: {value!r} is not a number") from None
    if not d.is_finite() or d < 0:
        raise PolicyError(f"{name}: {value!r} must be zero or more")
    return d


def _rate(data: Any, key: str, where: str) -> Decimal:
    d = _decimal(data, key, where)
    if d > 1:
        raise PolicyError(f"{where + '.' if where else ''}{key}: {d} is more than 1 (100%)")
    return d


def _money(data: Any, key: str, where: str) -> Decimal:
    return fen(_decimal(data, key, where))
