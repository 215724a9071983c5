"""What the catalog holds: entries, versions, supervision restrictions and payment standards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# Kinds of entry. Drugs are 西药 (`drug`) and 中成药 (`patent`); 中药饮片 (`herb`); 诊疗项目
# (`service`); 医用耗材 (`consumable`).
KINDS: tuple[str, ...] = ("drug", "patent", "herb", "service", "consumable")
DRUG_KINDS = frozenset({"drug", "patent", "herb"})
CLASSES: tuple[str, ...] = ("甲", "乙", "丙")


@dataclass(frozen=True)
class CatalogEntry:
    """One line of the catalog.

    `code` is the national code when the source has one (15-digit service codes, consumable
    codes), else `<section>#<编号>` for the drug catalog. `payment_standard` is the text of
    医保支付标准 as published (`63.00元(10mg/支)`), empty for ordinary drugs.
    """

    kind: str
    code: str
    name: str
    insurance_class: str
    form: str = ""
    category: str = ""
    section: str = ""
    negotiated: bool = False
    payment_standard: str = ""
    valid: str = ""
    note: str = ""
    unit: str = ""
    aliases: tuple[str, ...] = ()
    id: int = 0

    @property
    def display(self) -> str:
        """The name as the assistant sees it: with the dosage form when the name lacks it."""
        if self.form and self.kind == "drug" and not self.name.endswith(self.form):
            return f"{self.name}（{self.form}）"
        return self.name

    def standards(self) -> list[PaymentStandard]:
        return parse_payment_standard(self.payment_standard)

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "code": self.code, "name": self.name,
                "class": self.insurance_class, "form": self.form, "section": self.section,
                "negotiated": self.negotiated, "payment_standard": self.payment_standard,
                "note": self.note}


@dataclass(frozen=True)
class CatalogVersion:
    """One installed catalog: what it came from and how many entries of each kind it has."""

    id: str
    source: str
    installed_at: str
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str = ""

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "source": self.source, "installed_at": self.installed_at,
                "counts": dict(self.counts), "sha256": self.sha256}


@dataclass(frozen=True)
class Restriction:
    """A national fund-supervision rule (两库) limiting a drug or service by age or sex.

    `target` is the printed object (儿童, 新生儿, 婴幼儿, 男, 女). For age rules the item is
    payable from `min_age_months` (inclusive) to `max_age_months` (exclusive, 0 = no upper
    bound); for sex rules only for `sex`, "M" or "F".
    """

    subject: str  # "drug" | "service"
    name: str
    code: str
    rule: str  # "age" | "sex"
    target: str
    sex: str = ""
    min_age_months: int = 0
    max_age_months: int = 0
    note: str = ""
    library: str = ""


@dataclass(frozen=True)
class PaymentStandard:
    """One price of a negotiated drug's 医保支付标准: `price` yuan per `per` (`10mg/支`)."""

    price: Decimal
    per: str


_STANDARD_RE = re.compile(r"(\d+(?:\.\d+)?)\s*元\s*[(（]([^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*)[)）]")


def parse_payment_standard(text: str) -> list[PaymentStandard]:
    """`63.00元(10mg/支)；120.00元(20mg/支)` → two standards. Text without a price → [];
    `*` is how the catalog prints a confidential negotiated price."""
    out: list[PaymentStandard] = []
    flat = re.sub(r"\s+", "", text or "")
    for price, per in _STANDARD_RE.findall(flat):
        try:
            out.append(PaymentStandard(Decimal(price), per))
        except InvalidOperation:
            continue
    if not out:  # `479.00元/盒(…)`: a price per pack
        for price, unit in _PER_UNIT_RE.findall(flat):
            out.append(PaymentStandard(Decimal(price), f"/{unit}"))
    return out


_PER_UNIT_RE = re.compile(r"(\d+(?:\.\d+)?)元/([^\d()（）；;,，]{1,3}?)(?=[(（；;,，]|$)")
