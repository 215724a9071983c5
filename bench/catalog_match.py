"""Benchmark: top-1 accuracy of catalog matching on OCR-noisy item names, and items/s.

    .venv/bin/python bench/catalog_match.py              # official catalog when ../shared has it
    .venv/bin/python bench/catalog_match.py --builtin    # the catalog the kiosk ships
    .venv/bin/python bench/catalog_match.py --show 20    # print 20 misses

Besides the `plain` family described below, names are generated from the official catalog
(read from ../shared at run time, never copied) in the shapes hospital expense lists print
them, and scored family by family (`families`): `bracket brand` (a brand in brackets after
the name), `leading brand` (a brand before it, with or without a space), `maker` (a maker
before the name or after the spec), `form mismatch` (the generic name with a dosage form
the catalog does not list it in: right is the drug, reported not exact), `herb` (the herb a
中成药 is named after, bare or processed: never a drug), `service` (service items of the
national rule libraries: never a drug) and `not in catalog` (products outside it, and
catalog names with one element changed, 葡萄糖酸钙 → 葡萄糖酸锌: nothing). Brands are the
shipped brand list's or made-up ones (so the unknown-leading-word path is measured too).

The labelled names are generated (`generate`, fixed seed) from catalog entries the way they
come off a receipt: the name as a pharmacy prints it (generic name + a dosage-form word for
the official catalog's 西药 lines), then OCR noise: a glyph swapped for a look-alike from the
confusion table, a glyph dropped, a glyph added, strength and pack size glued on, a brand in
full- or half-width brackets, full-width digits. Every name gets at least one of the three
glyph-level faults (swap, drop, add), so none of them is matched by the normaliser alone.

An answer counts as right when it is the labelled entry or an entry the catalog cannot tell
apart from it by name (same key and dosage form, e.g. one drug listed in two sections).
Names not in the catalog and invoice category lines are scored separately.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog import Catalog, CatalogEntry, import_rule_directory
from kiosk.catalog.lines import herb_names
from kiosk.catalog.normalize import CATEGORY_NAMES, CONFUSABLE_GROUPS, form_rank, name_key
from kiosk.catalog.printed import lists


def brand_list() -> dict[str, str]:
    return lists().brands


def maker_list() -> tuple[str, ...]:
    return tuple(sorted(lists().makers))

SHARED_CATALOG = Path(__file__).resolve().parents[2] / "shared/data/catalog"
SEED = 20250101

# A dosage-form group → words pharmacies print for it.
FORM_WORDS: dict[str, tuple[str, ...]] = {
    "口服常释剂型": ("片", "胶囊", "肠溶片", "分散片", "软胶囊"),
    "缓释控释剂型": ("缓释片", "缓释胶囊", "控释片"),
    "注射剂": ("注射液",),
    "颗粒剂": ("颗粒",),
    "口服液体剂": ("口服溶液", "糖浆", "口服液"),
    "软膏剂": ("软膏",),
    "乳膏剂": ("乳膏",),
    "滴眼剂": ("滴眼液",),
    "吸入剂": ("吸入剂", "吸入气雾剂"),
    "凝胶剂": ("凝胶",),
    "栓剂": ("栓",),
    "口服散剂": ("散",),
    "外用液体剂": ("外用溶液",),
    "贴剂": ("贴剂",),
}
SPEC_NOISE = ("0.25g*24粒", "10mg×7片", "0.5g*20片", "10ml*6支", "5g/支", "100ml:0.2g",
              "×2板", "*1盒", "50mg*30s", "1g")
BRANDS = ("进口", "国产", "扬子江", "华润", "石药", "齐鲁", "白云山", "同仁堂")
# Glyphs an OCR engine adds or puts in by mistake when not swapping look-alikes.
STRAY = "一丨口日目人八十丁"
NOT_IN_CATALOG = (
    "汤臣倍健蛋白粉", "脑白金口服液", "善存多维元素片", "钙铁锌口服液", "燕窝饮品",
    "蜂胶软胶囊", "葡萄籽胶囊", "大豆异黄酮片", "纳豆激酶胶囊", "牛初乳粉", "玛咖片",
    "辅酶Q10软胶囊", "护肝片(保健)", "美白祛斑霜", "防脱洗发水", "电动轮椅", "拐杖",
    "老花镜", "按摩椅", "艾灸贴(保健)",
)
FULL_WIDTH = str.maketrans("0123456789()*", "０１２３４５６７８９（）＊")


@dataclass(frozen=True)
class Sample:
    text: str
    clean: str  # the name before noise
    entry_id: int | None  # None: not in the catalog; -1: a category line
    faults: tuple[str, ...]


def surface_name(entry: CatalogEntry, rng: random.Random) -> str:
    """How a receipt prints the entry before any OCR fault."""
    names = [entry.name, *entry.aliases]
    name = rng.choice(names)
    base = name.split("(")[0].split("（")[0].split("、")[0]
    if (entry.kind == "drug" and entry.section != "builtin" and entry.form in FORM_WORDS
            and name_key(base).form == ""):
        return base + rng.choice(FORM_WORDS[entry.form])
    return base


def _swap(text: str, rng: random.Random) -> str | None:
    spots = [(i, g) for i, ch in enumerate(text) for g in CONFUSABLE_GROUPS if ch in g]
    if not spots:
        return None
    i, group = rng.choice(spots)
    other = rng.choice([c for c in group if c != text[i]])
    return text[:i] + other + text[i + 1:]


def _drop(text: str, rng: random.Random) -> str | None:
    if len(text) < 4:
        return None
    i = rng.randrange(1, len(text))
    return text[:i] + text[i + 1:]


def _add(text: str, rng: random.Random) -> str:
    i = rng.randrange(0, len(text) + 1)
    ch = rng.choice(STRAY) if rng.random() < 0.5 else text[min(i, len(text) - 1)]
    return text[:i] + ch + text[i:]


def add_noise(text: str, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    faults: list[str] = []
    glyph_ops = ["swap", "drop", "add"]
    rng.shuffle(glyph_ops)
    for op in glyph_ops:  # one glyph fault, the first kind that applies to this name
        changed = _swap(text, rng) if op == "swap" else _drop(text, rng) if op == "drop" \
            else _add(text, rng)
        if changed is not None and changed != text:
            text = changed
            faults.append(op)
            break
    if rng.random() < 0.15:  # now and then a second glyph fault
        changed = _swap(text, rng)
        if changed is not None:
            text = changed
            faults.append("swap")
    if rng.random() < 0.5:
        text += rng.choice(("", " ")) + rng.choice(SPEC_NOISE)
        faults.append("spec")
    if rng.random() < 0.3:
        left, right = rng.choice((("(", ")"), ("（", "）"), ("[", "]")))
        text += f"{left}{rng.choice(BRANDS)}{right}"
        faults.append("bracket")
    if rng.random() < 0.2:
        text = text.translate(FULL_WIDTH)
        faults.append("width")
    return text, tuple(faults)


def generate(catalog: Catalog, n: int = 600, seed: int = SEED) -> list[Sample]:
    """`n` labelled names of catalog entries, plus names not in it and category lines."""
    rng = random.Random(seed)
    pool = [e for e in catalog.entries if e.insurance_class in ("甲", "乙", "丙")]
    samples: list[Sample] = []
    attempts = 0
    while len(samples) < n and attempts < n * 20:
        attempts += 1
        entry = rng.choice(pool)
        clean = surface_name(entry, rng)
        if len(clean) < 2 or not _identifiable(catalog, clean, entry):
            continue
        text, faults = add_noise(clean, rng)
        samples.append(Sample(text, clean, entry.id, faults))
    for name in NOT_IN_CATALOG:
        text, faults = add_noise(name, rng) if rng.random() < 0.5 else (name, ())
        samples.append(Sample(text, name, None, faults))
    for name in CATEGORY_NAMES:
        text, faults = (add_noise(name, rng) if rng.random() < 0.3 else (name, ()))
        samples.append(Sample(text.split("(")[0], name, -1, faults))
    return samples


def _identifiable(catalog: Catalog, clean: str, entry: CatalogEntry) -> bool:
    """The noise-free name leads back to the entry (or one the catalog cannot tell apart)."""
    m = catalog.match(clean)
    return m.entry is not None and m.kind == "exact" and same_item(m.entry, entry)


def same_item(found: CatalogEntry, label: CatalogEntry) -> bool:
    if found.id == label.id:
        return True
    return (found.form == label.form and found.insurance_class == label.insurance_class
            and bool(_keys(found) & _keys(label)))


def _keys(e: CatalogEntry) -> set[str]:
    return {name_key(n).stem for n in (e.name, *e.aliases)}


def run(catalog: Catalog, samples: list[Sample], show: int = 0) -> dict[str, float]:
    by_id = {e.id: e for e in catalog.entries}
    started = time.perf_counter()
    results = [catalog.match(s.text) for s in samples]
    elapsed = time.perf_counter() - started
    present = right = absent = false_hits = cats = cats_right = 0
    misses: list[str] = []
    for s, m in zip(samples, results, strict=True):
        if s.entry_id == -1:
            cats += 1
            cats_right += m.kind == "category"
            continue
        if s.entry_id is None:
            absent += 1
            false_hits += m.entry is not None
            continue
        present += 1
        label = by_id[s.entry_id]
        ok = m.entry is not None and same_item(m.entry, label)
        right += ok
        if not ok and len(misses) < show:
            got = f"{m.entry.display} ({m.kind} {m.score:.0f})" if m.entry else m.kind
            misses.append(f"  {s.text!r:40} want {label.display:30} got {got}  {s.faults}")
    if misses:
        print("misses:")
        print("\n".join(misses))
    return {"present": present, "right": right, "accuracy": right / present,
            "absent": absent, "false_hits": false_hits, "categories": cats,
            "categories_right": cats_right, "items": len(samples),
            "items_per_s": len(samples) / elapsed, "ms_per_item": elapsed * 1000 / len(samples)}


BRAND_GLYPHS = "康欣宁乐舒安泰力达维立普诺瑞佳优贝美思奥凯恒博信雅"
PLACES = ("北京", "上海", "天津", "广州", "浙江", "江苏", "山东", "四川", "湖南", "河南", "吉林",
          "海南", "重庆", "西安", "深圳", "长春", "武汉", "昆明")
MAKER_ENDS = ("制药有限公司", "药业股份有限公司", "制药厂", "药业", "制药")
PROCESSING_WORDS = ("炒", "炙", "酒", "醋", "盐", "蜜炙", "麸炒", "焦")
FAMILIES = ("plain", "bracket brand", "leading brand", "maker", "form mismatch", "herb",
            "service", "not in catalog")
DRUG_FAMILIES = FAMILIES[:5]
RULES_DIR = SHARED_CATALOG / "rules"


@dataclass(frozen=True)
class Case:
    family: str
    text: str
    label: int | None  # the entry meant (drug families), None otherwise
    form: str  # the printed dosage-form group, '' when none is printed


def _brand(entry: CatalogEntry, rng: random.Random) -> str:
    """A brand of the entry's drug from the shipped list, or a made-up one."""
    stem = name_key(entry.name).stem
    listed = [b for b, g in brand_list().items() if name_key(g).stem == stem]
    if listed and rng.random() < 0.5:
        return rng.choice(listed)
    return "".join(rng.sample(BRAND_GLYPHS, rng.choice((2, 3))))


def _maker(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(maker_list())
    return rng.choice(PLACES) + "".join(rng.sample(BRAND_GLYPHS, 2)) + rng.choice(MAKER_ENDS)


def _glyph_fault(text: str, rng: random.Random, p: float) -> str:
    if rng.random() >= p:
        return text
    for op in rng.sample(("swap", "drop", "add"), 3):
        changed = _swap(text, rng) if op == "swap" else _drop(text, rng) if op == "drop" \
            else _add(text, rng)
        if changed:
            return changed
    return text


def families(catalog: Catalog, n: int, seed: int = SEED,
             noise: float = 0.5) -> list[Case]:
    """`n` cases of each drug family, and the herb, service and not-in-catalog lines.

    Drug families get one OCR glyph fault in the name with probability `noise`.
    """
    rng = random.Random(seed + 1)
    drugs = [e for e in catalog.entries if e.kind in ("drug", "patent")]
    cases: list[Case] = []
    for family in DRUG_FAMILIES[1:]:
        made = attempts = 0
        while made < n and attempts < n * 30:
            attempts += 1
            entry = rng.choice(drugs)
            name = surface_name(entry, rng)
            if len(name) < 2 or not _identifiable(catalog, name, entry):
                continue
            form = name_key(name).form
            if family == "form mismatch":
                other = _other_form(catalog, entry, rng)
                if other is None:
                    continue
                name, form = name_key(name).bare + other[1], other[0]
                if len(name_key(name).stem) < 3 or _names_another(catalog, name, entry):
                    continue  # 复方罗布麻 + 颗粒 is a listed 中成药 of its own
            noisy = _glyph_fault(name, rng, noise) if family != "form mismatch" else name
            if noisy != name and _names_another(catalog, noisy, entry):
                continue  # the fault spelt another listed drug (鼻炎康片 → 鼻炎片)
            if family == "bracket brand":
                left, right = rng.choice((("(", ")"), ("（", "）"), ("[", "]"), ("【", "】")))
                text = f"{noisy}{left}{_brand(entry, rng)}{right}"
            elif family == "leading brand":
                text = _brand(entry, rng) + rng.choice(("", " ")) + noisy
            elif family == "maker":
                text = (f"{noisy} {rng.choice(SPEC_NOISE)} {_maker(rng)}" if rng.random() < 0.5
                        else _maker(rng) + rng.choice(("", " ")) + noisy)
            else:
                text = noisy + rng.choice(("", " " + rng.choice(SPEC_NOISE)))
            cases.append(Case(family, text, entry.id, form))
            made += 1
    cases.extend(_herb_cases(catalog, rng))
    cases.extend(_service_cases(rng))
    cases.extend(_absent_cases(catalog, rng))
    return cases


def _names_another(catalog: Catalog, text: str, entry: CatalogEntry) -> bool:
    m = catalog.match(text)
    return m.entry is not None and m.kind == "exact" and not same_item(m.entry, entry)


def _other_form(catalog: Catalog, entry: CatalogEntry,
                rng: random.Random) -> tuple[str, str] | None:
    """A (form group, printed word) the catalog does not list the entry's drug in."""
    if entry.kind != "drug" or entry.form not in FORM_WORDS:
        return None
    stem = name_key(entry.name).stem
    listed = [e for e in catalog.entries if e.kind == "drug" and name_key(e.name).stem == stem]
    groups = [g for g in ("口服常释剂型", "缓释控释剂型", "颗粒剂", "口服液体剂", "注射剂",
                          "软膏剂", "滴眼剂") if all(form_rank(g, catalog.forms_of(e)) is None
                                               for e in listed)]
    if not groups:
        return None
    group = rng.choice(groups)
    return group, rng.choice(FORM_WORDS[group] + (("混悬液",) if group == "口服液体剂" else ()))


def _herb_cases(catalog: Catalog, rng: random.Random) -> list[Case]:
    """Herbs the catalog's 中成药 are named after (黄芪片 → 黄芪), bare or processed."""
    names = sorted({h for e in catalog.entries if e.kind == "patent" for h in herb_names()
                    if e.name.startswith(h) and len(h) >= 2})
    out = []
    for h in names:
        out.append(Case("herb", h + rng.choice(("", " 10g", "15g")), None, ""))
        out.append(Case("herb", rng.choice(PROCESSING_WORDS) + h, None, ""))
    return out


def _service_cases(rng: random.Random) -> list[Case]:
    """Service items of the national rule libraries (by their printed names)."""
    if not RULES_DIR.is_dir():
        return []
    names = sorted({r.name for _, found in import_rule_directory(RULES_DIR) for r in found
                    if r.subject == "service" and len(r.name) >= 2})
    return [Case("service", _glyph_fault(n, rng, 0.3), None, "") for n in names]


def _absent_cases(catalog: Catalog, rng: random.Random) -> list[Case]:
    """Products outside the catalog, and listed drugs with one element changed."""
    elements = "锌钙钠钾镁铁锂铝铋锶"
    keys = {name_key(n).stem for e in catalog.entries for n in (e.name, *e.aliases)}
    # a product of the fixed list whose name the catalog does list (护肝片 is a 中成药 of
    # the national catalog, 辅酶Q10 an injection there) is not "not in the catalog"
    out = [Case("not in catalog", name, None, "") for name in NOT_IN_CATALOG
           if name_key(name).stem not in keys]
    changed = set()
    for e in catalog.entries:
        base = surface_name(e, rng)
        spots = [i for i, ch in enumerate(base) if ch in elements]
        if e.kind != "drug" or not spots:
            continue
        i = rng.choice(spots)
        new = base[:i] + rng.choice([c for c in elements if c != base[i]]) + base[i + 1:]
        if name_key(new).stem not in keys and name_key(new).bare not in keys:
            changed.add(new)
    out.extend(Case("not in catalog", t, None, "") for t in sorted(changed))
    return out


def run_families(catalog: Catalog, cases: list[Case],
                 show: int = 0) -> tuple[dict[str, dict[str, float]], float]:
    """Per family: cases, right, refused, wrong answers reported exact; and items/s."""
    by_id = {e.id: e for e in catalog.entries}
    started = time.perf_counter()
    results = [catalog.match(c.text) for c in cases]
    elapsed = time.perf_counter() - started
    out: dict[str, dict[str, float]] = {f: {"n": 0, "right": 0, "refused": 0,
                                            "false_exact": 0, "to_drug": 0} for f in FAMILIES}
    shown = 0
    for c, m in zip(cases, results, strict=True):
        r = out[c.family]
        r["n"] += 1
        to_drug = m.entry is not None and m.entry.kind in ("drug", "patent")
        r["to_drug"] += to_drug
        r["refused"] += m.entry is None and bool(m.candidates)
        if c.label is not None:
            label = by_id[c.label]
            if c.family == "form mismatch":
                ok = (m.entry is not None and m.kind != "exact"
                      and bool(_keys(m.entry) & _keys(label)))
                false_exact = m.kind == "exact"
            else:
                ok = m.entry is not None and same_item(m.entry, label)
                false_exact = m.kind == "exact" and m.entry is not None and (
                    not same_item(m.entry, label)
                    or form_rank(c.form, catalog.forms_of(m.entry)) is None)
        else:
            ok = not to_drug
            false_exact = m.kind == "exact" and to_drug
        r["right"] += ok
        r["false_exact"] += false_exact
        if not ok and shown < show:
            shown += 1
            got = f"{m.entry.display} ({m.kind} {m.score:.0f})" if m.entry else \
                f"{m.kind} {m.reasons}"
            want = by_id[c.label].display if c.label is not None else "no drug"
            print(f"  [{c.family}] {c.text!r:38} want {want:28} got {got}")
    return out, len(cases) / elapsed


def print_families(stats: dict[str, dict[str, float]], plain: dict[str, float]) -> bool:
    """Print one line per family; True when every acceptance figure holds."""
    ok = True
    stats["plain"].update(n=plain["present"], right=plain["right"])
    print(f"{'family':16} {'lines':>6} {'right':>7} {'refused':>8} {'exact but wrong':>16} "
          f"{'to a drug':>10}")
    for f in FAMILIES:
        r = stats[f]
        if not r["n"]:
            print(f"{f:16} {0:>6}  (no lines: data absent)")
            continue
        share = r["right"] / r["n"]
        print(f"{f:16} {r['n']:>6.0f} {share:>7.1%} {r['refused']:>8.0f} "
              f"{r['false_exact']:>16.0f} {r['to_drug']:>10.0f}")
        if f in DRUG_FAMILIES:
            ok &= share >= 0.97
        elif f in ("herb", "service"):
            ok &= r["to_drug"] == 0
        ok &= r["false_exact"] == 0
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--builtin", action="store_true", help="use the shipped catalog only")
    ap.add_argument("--n", type=int, default=600, help="labelled names of catalog entries")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--show", type=int, default=0, help="print this many misses")
    ap.add_argument("--noise", type=float, default=0.5,
                    help="share of family names given one OCR glyph fault")
    args = ap.parse_args()
    official = SHARED_CATALOG / "nhsa-drug-catalog-2024.xlsx"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-catalog-") as home:
        catalog = Catalog.open(Path(home))
        if not args.builtin and official.is_file():
            t0 = time.perf_counter()
            catalog.install_file(official)
            print(f"installed {official.name} in {time.perf_counter() - t0:.1f} s")
        else:
            print("using the shipped catalog" + ("" if args.builtin else
                                                 f" ({official} is absent)"))
        print(f"catalog: {catalog.version.id}, {len(catalog.entries)} entries "
              f"{catalog.version.counts}")
        samples = generate(catalog, args.n, args.seed)
        r = run(catalog, samples, args.show)
        cases = families(catalog, args.n, args.seed, args.noise)
        stats, speed = run_families(catalog, cases, args.show)
        catalog.close()
    print(f"names of catalog entries: {r['present']:.0f}, top-1 right {r['right']:.0f} "
          f"= {r['accuracy']:.1%}")
    print(f"names not in the catalog: {r['absent']:.0f}, wrongly matched {r['false_hits']:.0f}")
    print(f"category lines: {r['categories']:.0f}, recognised {r['categories_right']:.0f}")
    print(f"speed: {r['items_per_s']:.0f} items/s ({r['ms_per_item']:.2f} ms per item, "
          f"{r['items']:.0f} items)")
    print(f"\nfamilies (glyph fault in {args.noise:.0%} of the drug names beyond plain):")
    families_ok = print_families(stats, r)
    print(f"speed over the families: {speed:.0f} items/s ({len(cases)} items)")
    print("acceptance (≥97% per drug family, no herb/service line on a drug, no wrong exact):",
          "met" if families_ok else "NOT met")
    return 0 if r["accuracy"] >= 0.95 and families_ok else 1


if __name__ == "__main__":
    sys.exit(main())
