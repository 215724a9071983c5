"""Benchmark: top-1 accuracy of catalog matching on OCR-noisy item names, and items/s.

    .venv/bin/python bench/catalog_match.py              # official catalog when ../shared has it
    .venv/bin/python bench/catalog_match.py --builtin    # the catalog the kiosk ships
    .venv/bin/python bench/catalog_match.py --show 20    # print 20 misses

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

from kiosk.catalog import Catalog, CatalogEntry
from kiosk.catalog.normalize import CATEGORY_NAMES, CONFUSABLE_GROUPS, name_key

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--builtin", action="store_true", help="use the shipped catalog only")
    ap.add_argument("--n", type=int, default=600, help="labelled names of catalog entries")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--show", type=int, default=0, help="print this many misses")
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
        catalog.close()
    print(f"names of catalog entries: {r['present']:.0f}, top-1 right {r['right']:.0f} "
          f"= {r['accuracy']:.1%}")
    print(f"names not in the catalog: {r['absent']:.0f}, wrongly matched {r['false_hits']:.0f}")
    print(f"category lines: {r['categories']:.0f}, recognised {r['categories_right']:.0f}")
    print(f"speed: {r['items_per_s']:.0f} items/s ({r['ms_per_item']:.2f} ms per item, "
          f"{r['items']:.0f} items)")
    return 0 if r["accuracy"] >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
