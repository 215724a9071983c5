"""The catalog in force: installing versions and matching printed item names against it.

Matching goes, in order: the printed national code; invoice category lines (西药费 …);
中药饮片 (`lines.herb_line`: only ever a herb entry, a processed piece never the raw one)
and services (only ever service or consumable entries); then the drug by the exact key
(`normalize.name_key`: width, brackets, spec, salt and dosage form removed, OCR look-alikes
folded) of the name as printed and of the name `printed.parse` finds inside it (brand,
maker, tags and spec set aside), then with an unknown leading word dropped; last the closest
key by edit distance (rapidfuzz), accepted from `FUZZY_CUTOFF` unless it is refused (another
drug as close, a change of chemistry, a name not listed in the printed form). An answer is
`exact` only when name, salt and dosage form agree; otherwise `Match.reasons` says why and
`Match.candidates` lists what the assistant may pick instead.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from kiosk.catalog import importers
from kiosk.catalog.lines import (
    AMBIGUOUS_ENDINGS,
    PROCESSING,
    herb_line,
    herb_names,
    looks_like_service,
)
from kiosk.catalog.model import CatalogEntry, CatalogVersion, Restriction
from kiosk.catalog.normalize import (
    CATEGORY_NAMES,
    CHEMISTRY_GLYPHS,
    ELEMENT_GLYPHS,
    ORAL_GROUPS,
    category_keys,
    clean,
    fold_confusions,
    form_rank,
    fuzzy_form_splits,
    is_form_only,
    name_key,
    salt_of,
    strip_salt,
    unfolded,
)
from kiosk.catalog.printed import Printed, parse
from kiosk.catalog.store import CatalogStore, CatalogStoreError

log = logging.getLogger("kiosk.catalog")

MatchKind = Literal["exact", "fuzzy", "category", "none"]

FUZZY_CUTOFF = 72.0
FORM_GUESS_PENALTY = 15.0
LEADING_WORD_PENALTY = 8.0
# A name the catalog lists, but not in the printed dosage form: never exact.
FORM_DIFFERS_SCORE = 80.0
SALT_DIFFERS_SCORE = 95.0
FORM_NOT_PRINTED_SCORE = 90.0
BUILTIN_VERSION = "builtin-2025.1"
CATALOG_FILENAME = "catalog.db"

# Why an answer is not exact (codes; the words live with whoever shows them):
REASONS: dict[str, str] = {
    "form_differs": "the name is listed, but not in the printed dosage form",
    "form_not_printed": "no dosage form is printed and the name is listed in several",
    "salt_differs": "the printed salt or ester is not the listed one",
    "similar_name": "matched by similarity, not by name",
    "brand_only": "only a brand is printed; the generic name comes from the brand list",
    "ambiguous": "two different drugs are as close to the printed name: refused",
    "ingredient_differs": "the closest listed name is a different compound: refused",
    "name_and_form_differ": "the closest name is not listed in the printed form: refused",
    "herb_not_in_drug_catalog": "a 中药饮片; the catalog in force lists no such piece",
    "service_not_listed": "a service or consumable the catalog in force does not list",
}


@dataclass(frozen=True)
class Match:
    """The outcome of matching one printed name. `score` is 0-100 (100 for exact).

    `kind` is `exact` only when name, salt and dosage form agree. `reasons` say why an
    answer is not exact (codes of `REASONS`); `candidates` are entries worth showing the
    assistant instead; `line` is what the printed line is (`drug`, `herb`, `service`);
    `printed_form` the dosage-form group of the printed form word.
    """

    entry: CatalogEntry | None
    score: float
    kind: MatchKind
    category: str = ""  # the category line's canonical name when kind == "category"
    reasons: tuple[str, ...] = ()
    candidates: tuple[CatalogEntry, ...] = ()
    line: str = ""
    printed_form: str = ""

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "score": round(self.score, 1),
                "entry": self.entry.as_json() if self.entry else None,
                "category": self.category or None,
                "reasons": list(self.reasons),
                "candidates": [{"id": c.id, "name": c.display, "class": c.insurance_class,
                                "form": c.form} for c in self.candidates],
                "line": self.line or None, "printed_form": self.printed_form or None}


NO_MATCH = Match(None, 0.0, "none")


def builtin_entries() -> list[CatalogEntry]:
    """The catalog the product ships (written for it; see data/README.md)."""
    data = resources.files("kiosk.catalog").joinpath("data/builtin.csv").read_bytes()
    entries = importers.import_items_csv(data)
    return [_with_section(e, "builtin") for e in entries]


def _with_section(e: CatalogEntry, section: str) -> CatalogEntry:
    return CatalogEntry(**{**e.__dict__, "section": section})


def _pinyin(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, letters and digits kept, e.g. 阿莫西林 → amxl."""
    from pypinyin import Style, lazy_pinyin

    text = re.sub(r"[(（\[].*?[)）\]]", "", name)
    text = re.sub(r"[^\w]", "", text)
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))
    full = "".join(lazy_pinyin(text, errors="default"))
    return initials.lower(), full.lower()


# --- reading a file the county publishes ---------------------------------------------------

@dataclass
class _Parts:
    entries: list[CatalogEntry]
    kinds: set[str]
    restrictions: list[tuple[str, list[Restriction]]]


def _read_member(name: str, data: bytes, parts: _Parts) -> None:
    lower = name.lower()
    if lower.endswith(".xlsx"):
        sheets = importers.workbook_rows(data)
        if importers.is_drug_catalog(sheets):
            for title, rows in sheets.items():
                if title in importers.DRUG_SHEETS:
                    parts.entries.extend(importers.read_drug_sheet(title, rows))
            parts.kinds.update({"drug", "patent"})
            return
        first = next(iter(sheets.values()), [])
        library = Path(name).name
        found = importers.read_rule_rows(first, library)
        if not found:
            raise importers.SourceError(f"{name}: neither the drug catalog nor an age/sex "
                                        "rule library")
        parts.restrictions.append((library, found))
    elif lower.endswith(".csv"):
        kind = next((k for k in ("service", "consumable", "herb", "patent", "drug")
                     if k in Path(lower).stem), None)
        items = importers.import_items_csv(data, kind)
        parts.entries.extend(items)
        parts.kinds.update(e.kind for e in items)
    else:
        raise importers.SourceError(f"{name}: not .xlsx, .csv or a .zip of them")


def read_catalog_file(data: bytes, filename: str) -> _Parts:
    """Entries and restrictions in a published file: the drug catalog .xlsx, a rule library
    .xlsx, an item .csv, or a .zip holding any of those."""
    parts = _Parts([], set(), [])
    is_zip = data[:4] == b"PK\x03\x04"
    if is_zip:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise importers.SourceError(f"{filename}: a damaged zip file ({exc})") from None
        with zf:
            names = zf.namelist()
            if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
                _read_member(filename if filename.lower().endswith(".xlsx")
                             else f"{filename}.xlsx", data, parts)
            else:
                for member in sorted(names):
                    if member.endswith("/") or Path(member).name.startswith("."):
                        continue
                    _read_member(member, zf.read(member), parts)
    else:
        _read_member(filename if filename.lower().endswith(".csv") else f"{filename}.csv",
                     data, parts)
    if not parts.entries and not parts.restrictions:
        raise importers.SourceError(f"{filename}: holds no catalog entries")
    return parts


class Catalog:
    """The catalog database under the kiosk home, with the version in force held in memory."""

    def __init__(self, store: CatalogStore) -> None:
        self._store = store
        self._load()

    @classmethod
    def open(cls, path: Path) -> Catalog:
        """Open (or create) the catalog database; a new one starts with the shipped catalog.

        `path` is the database file or the kiosk home directory holding `catalog.db`.
        """
        path = Path(path)
        if path.is_dir():
            path = path / CATALOG_FILENAME
        store = CatalogStore(path)
        if store.active_seq() is None:
            entries = builtin_entries()
            store.add_version(BUILTIN_VERSION, "shipped with the kiosk", "",
                              ((e, *_pinyin(e.name)) for e in entries))
            log.info("catalog %s created with the shipped catalog (%d entries)",
                     path, len(entries))
        return cls(store)

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- versions ------------------------------------------------------------------------

    @property
    def version(self) -> CatalogVersion:
        """The version in force: what a claim checked now was checked against."""
        return self._version

    def versions(self) -> list[CatalogVersion]:
        return self._store.versions()

    @property
    def entries(self) -> Sequence[CatalogEntry]:
        return self._entries

    def install(self, data: bytes, *, version: str, filename: str,
                source: str = "county") -> CatalogVersion:
        """Install a published catalog file as `version` and put it in force.

        Kinds of entry the file does not carry (a drug-catalog spreadsheet carries no
        services) are taken over from the version in force, so a version is always whole.
        Rule libraries inside the file replace the libraries of the same name.
        """
        parts = read_catalog_file(data, filename)
        digest = hashlib.sha256(data).hexdigest()
        for library, found in parts.restrictions:
            self._store.replace_restrictions(library, found)
        if parts.entries:
            kept = [e for e in self._entries if e.kind not in parts.kinds]
            merged = [*parts.entries, *kept]
            pinyin = {e.name: _pinyin(e.name) for e in merged}
            self._store.add_version(version, f"{source}: {filename}", digest,
                                    ((e, *pinyin[e.name]) for e in merged))
            log.info("catalog version %s installed from %s (%d entries, %d kept)",
                     version, filename, len(parts.entries), len(kept))
        self._load()
        return self._version

    def install_file(self, path: Path, version: str | None = None,
                     source: str = "import") -> CatalogVersion:
        """Install a local file; the version defaults to its name and content hash."""
        path = Path(path)
        data = path.read_bytes()
        if version is None:
            version = f"{path.stem}-{hashlib.sha256(data).hexdigest()[:12]}"
        return self.install(data, version=version, filename=path.name, source=source)

    def import_rules(self, directory: Path) -> dict[str, int]:
        """Import the age/sex supervision libraries found in `directory` (others are ignored)."""
        counts = {}
        for library, found in importers.import_rule_directory(Path(directory)):
            counts[library] = self._store.replace_restrictions(library, found)
        self._load_restrictions()
        return counts

    def refresh(self) -> bool:
        """Re-read the version in force if another connection changed it (the sync worker's
        `install_version`); True when it changed. One `Catalog` belongs to one thread."""
        seq = self._store.active_seq()
        if seq is None or self._store.version(seq).id == self._version.id:
            return False
        self._load()
        return True

    def activate(self, version_id: str) -> CatalogVersion:
        """Put an installed version back in force (undo a bad update)."""
        seq = self._store.seq_of(version_id)
        if seq is None:
            raise KeyError(f"no catalog version {version_id!r}")
        self._store.activate(seq)
        self._load()
        return self._version

    # --- loading and indexing ------------------------------------------------------------

    def _load(self) -> None:
        seq = self._store.active_seq()
        if seq is None:
            raise CatalogStoreError("no catalog version is in force")
        self._version = self._store.version(seq)
        rows = self._store.entries(seq)
        self._entries = [e for e, _, _ in rows]
        self._pinyin_rows = [(i, initials, full) for i, (_, initials, full) in enumerate(rows)]
        self._by_key: dict[str, list[int]] = {}
        self._by_code: dict[str, list[int]] = {}
        # 中药饮片 are looked up by their whole name (炒白术 is not 白术), apart from drugs.
        self._herbs: dict[str, list[int]] = {}
        # Whole names of drugs and patent medicines, to tell 阿胶 the product from a herb.
        self._drug_names: set[str] = set()
        # Dosage-form groups an entry covers: its own plus those its names print
        # (中成药 lines list several products: 六味地黄片(胶囊、颗粒) is 片, 胶囊 and 颗粒).
        self._forms: list[frozenset[str]] = []
        self._salts: list[frozenset[str]] = []
        for i, entry in enumerate(self._entries):
            if entry.code:
                self._by_code.setdefault(entry.code, []).append(i)
            forms = {entry.form} if entry.form else set()
            salts: set[str] = set()
            for name in (entry.name, *entry.aliases):
                if name != entry.name and is_form_only(name):
                    continue  # an alias that is only a form word names nothing
                if entry.kind == "herb":
                    self._herbs.setdefault(clean(name), []).append(i)
                    continue
                if entry.kind in ("drug", "patent"):
                    self._drug_names.add(clean(name))
                key = name_key(name)
                if key.form and (not entry.form or entry.kind != "drug"):
                    forms.add(key.form)
                salt = salt_of(key.bare)
                if salt:
                    salts.add(salt)
                for k in dict.fromkeys((key.bare, key.stem)):
                    if k:
                        bucket = self._by_key.setdefault(k, [])
                        if i not in bucket:
                            bucket.append(i)
            self._forms.append(frozenset(forms))
            self._salts.append(frozenset(salts))
        self._keys = list(self._by_key)
        self._service_keys = [k for k, idx in self._by_key.items()
                              if any(self._entries[i].kind in _OTHER_KINDS for i in idx)]
        # tail → heads: `左` for 氨氯地平 (左氨氯地平 is listed). Dropping an unknown leading
        # word must not cut a listed name's own head off.
        self._heads: dict[str, set[str]] = {}
        for k in self._keys:
            for j in range(1, min(5, len(k) - 1)):
                self._heads.setdefault(k[j:], set()).add(k[:j])
        self._herb_names = frozenset(self._herbs)
        self._near_cache: dict[tuple[int, int, int], list[str]] = {}
        self._drug_keys = frozenset(k for k, idx in self._by_key.items()
                                    if any(self._entries[i].kind in _DRUG_KINDS for i in idx))
        self._all_herb_names = sorted(self._herb_names | herb_names())
        self._pos = {e.id: i for i, e in enumerate(self._entries)}
        self._load_restrictions()

    def _load_restrictions(self) -> None:
        self._restrictions = self._store.restrictions()
        self._restr_by_key: dict[str, list[Restriction]] = {}
        self._restr_by_code: dict[str, list[Restriction]] = {}
        for r in self._restrictions:
            if r.code:
                self._restr_by_code.setdefault(r.code, []).append(r)
            key = name_key(r.name)
            for k in dict.fromkeys((key.bare, key.stem)):
                self._restr_by_key.setdefault(k, []).append(r)

    # --- matching ------------------------------------------------------------------------

    def forms_of(self, entry: CatalogEntry) -> frozenset[str]:
        """The dosage-form groups an entry covers (its own and those its names print)."""
        return self._forms[self._pos[entry.id]]

    def _ranked(self, indexes: Sequence[int], form: str) -> tuple[list[int], bool]:
        """Entries sharing a key, best first, and whether the best agrees with `form`.

        Agreeing forms first (the closest group first), then the listed order; when none
        agrees, a printed oral or topical form never means the injection.
        `indexes` come best key first (the name with its salt before the name without).
        """
        order = list(dict.fromkeys(indexes))
        ranks = {i: form_rank(form, self._forms[i]) for i in order}
        agreeing = sorted((i for i in order if ranks[i] is not None),
                          key=lambda i: ranks[i] or 0)
        if agreeing:
            return agreeing + [i for i in order if ranks[i] is None], True
        if form in ORAL_GROUPS:
            order.sort(key=lambda i: not (self._forms[i] & ORAL_GROUPS))
        elif form != "注射剂":
            order.sort(key=lambda i: "注射剂" in self._forms[i])
        return order, False

    def _pick(self, indexes: Sequence[int], form: str) -> CatalogEntry:
        return self._entries[self._ranked(indexes, form)[0][0]]

    def _hits(self, text: str, kinds: frozenset[str]) -> tuple[list[int], str]:
        """Entries whose key is the key of `text` exactly, and the text's salt."""
        key = name_key(text)
        found = [i for k in dict.fromkeys((key.bare, key.stem, clean(text))) if k
                 for i in self._by_key.get(k, ()) if self._entries[i].kind in kinds]
        return found, salt_of(key.bare)

    def _answer(self, hits: list[int], form: str, salt: str, line: str,
                reasons: tuple[str, ...] = ()) -> Match:
        """The answer for a name found exactly: exact only when salt and form agree too."""
        order, agrees = self._ranked(hits, form)
        best = order[0]
        entry = self._entries[best]
        others = tuple(self._entries[i] for i in order[1:6])
        if not agrees:
            return Match(entry, FORM_DIFFERS_SCORE, "fuzzy", reasons=("form_differs", *reasons),
                         candidates=others, line=line, printed_form=form)
        if salt and self._salts[best] and salt not in self._salts[best]:
            return Match(entry, SALT_DIFFERS_SCORE, "fuzzy", reasons=("salt_differs", *reasons),
                         candidates=others, line=line, printed_form=form)
        if not form and len({self._forms[i] for i in order}) > 1:
            # 布洛芬 with no form word: tablets are 甲, the suspension 乙. Which one it is
            # the print does not say.
            return Match(entry, FORM_NOT_PRINTED_SCORE, "fuzzy",
                         reasons=("form_not_printed", *reasons), candidates=others, line=line)
        if reasons:
            return Match(entry, SALT_DIFFERS_SCORE, "fuzzy", reasons=reasons,
                         candidates=others, line=line, printed_form=form)
        return Match(entry, 100.0, "exact", line=line, printed_form=form)

    def match(self, name: str, spec: str | None = None, code: str | None = None) -> Match:
        """The catalog entry a printed item name stands for, or a category, or none.

        In order: the printed code; a category line; a 中药饮片 (only ever a herb entry); a
        service or consumable (only ever such an entry); then the drug, by the name as
        printed, by the name with brand, maker, tags and spec taken off, with an unknown
        leading word dropped, by the brand list, and last by similarity.
        """
        if code:
            hit = self._by_code.get(code.strip())
            if hit:
                return Match(self._entries[hit[0]], 100.0, "exact")
        if not name or not name.strip():
            return NO_MATCH
        cleaned = clean(name)
        if cleaned in category_keys():
            return Match(None, 100.0, "category", _canonical_category(cleaned))
        printed = parse(name)
        # a form word, else a hint from the spec (粒, 片: capsules or tablets; 袋: granules)
        form = printed.form or _form_from_spec(spec) or _form_from_spec(
            " ".join(re.findall(r"\d[\d.]*\s*[a-zμ]*\s*[*×x]\s*\d+\s*[片粒袋]|\d\s*[片粒袋]\s*$",
                                name)))
        herb = self._herb(printed, cleaned, form)
        if herb is not None:
            return herb
        is_service = any(looks_like_service(t) for t in
                         (unfolded(name), unfolded(printed.name), cleaned))
        kinds = _OTHER_KINDS if is_service else _MATCHED_KINDS
        line = "service" if is_service else "drug"
        texts = list(dict.fromkeys(t for t in (name, printed.name, *printed.alternatives) if t))
        # a brand printed alone: the generic name is the brand list's word, not the print's
        brand_only = ("brand_only",) if printed.brand and printed.name == printed.brand_generic \
            else ()
        first: Match | None = None
        for text in texts:
            hits, salt = self._hits(text, kinds)
            if hits:
                answer = self._answer(hits, form, salt, line,
                                      brand_only if text == printed.name else ())
                if answer.kind == "exact":
                    return answer
                first = first or answer
        if first is not None:
            return first
        if not is_service:
            dropped = self._drop_leading(printed.name or name, form)
            if dropped is not None:
                hits, salt = self._hits(dropped, kinds)
                return self._answer(hits, form, salt, line)
        found = self._fuzzy(printed.name or name, form, cleaned, is_service,
                            printed.alternatives, bool(printed.form))
        if not is_service and not form:
            herb = self._herb_fuzzy(clean(printed.name) or cleaned)
            if herb is not None and (found is None or herb.score > found.score):
                return herb
        if found is not None:
            return found
        if is_service:
            return Match(None, 0.0, "none", reasons=("service_not_listed",), line="service")
        return NO_MATCH

    def _herb(self, printed: Printed, cleaned: str, form: str) -> Match | None:
        """A 中药饮片 line: the herb entry of that very piece, or none, never a drug."""
        for text in dict.fromkeys((clean(printed.name), cleaned)):
            if not text:
                continue
            herb = herb_line(text, self._herb_names)
            if herb is None or text in self._drug_names:
                continue
            if herb.ending in AMBIGUOUS_ENDINGS or (herb.ending == "" and form):
                hits, _ = self._hits(text, _DRUG_KINDS)
                if hits and self._ranked(hits, form)[1]:
                    continue  # 三七片, 板蓝根颗粒: a patent medicine of that name exists
            own = self._herbs.get(text) or self._herbs.get(herb.name[: len(herb.name)
                                                                      - len(herb.ending)])
            if own:
                return Match(self._entries[own[0]], 100.0, "exact", line="herb")
            related = [self._entries[i] for k, idx in self._herbs.items()
                       if k == herb.herb or k.endswith(herb.herb) for i in idx]
            return Match(None, 0.0, "none", reasons=("herb_not_in_drug_catalog",),
                         candidates=tuple(related[:5]), line="herb")
        return None

    def _near(self, length: int, cutoff: float, keys: list[str]) -> list[str]:
        """The keys long enough and short enough to reach `cutoff` against a text of
        `length` glyphs (fuzz.ratio is 200·common/(a+b)): the look-up skips the rest."""
        lo = int(length * cutoff / (200 - cutoff))
        hi = int(length * (200 - cutoff) / cutoff) + 1
        slot = (id(keys), lo, hi)
        near = self._near_cache.get(slot)
        if near is None:
            near = [k for k in keys if lo <= len(k) <= hi]
            self._near_cache[slot] = near
        return near

    def _herb_fuzzy(self, text: str) -> Match | None:
        """A herb's name with an OCR slip (炙甘草人): a herb line by similarity. Never across
        a processing word: 白术 is not 炒白术 however close the glyphs."""
        if len(text) < 2:
            return None
        found = process.extractOne(text, self._all_herb_names, scorer=fuzz.ratio,
                                   score_cutoff=80)
        if found is None:
            return None
        name, score = found[0], float(found[1])
        for edit in Levenshtein.editops(text, name):
            glyphs = text[edit.src_pos:edit.src_pos + 1] + name[edit.dest_pos:edit.dest_pos + 1]
            if any(g in _PROCESSING_GLYPHS for g in glyphs):
                return None
        own = self._herbs.get(name)
        if own:
            return Match(self._entries[own[0]], score, "fuzzy", reasons=("similar_name",),
                         line="herb")
        return Match(None, score, "none", reasons=("herb_not_in_drug_catalog",), line="herb")

    def _names_a_drug(self, word: str) -> bool:
        """True when `word` holds a listed drug's name (替硝唑 of 替硝唑氯化钾)."""
        return any(word[i:j] in self._drug_keys for i in range(len(word))
                   for j in range(i + 3, len(word) + 1))

    def _close_to_other(self, whole: str, rest: str) -> bool:
        """True when the whole name reads as another listed drug misprinted (硫代硫酸镁 is
        硫代硫酸钠 more than it is a brand before 硫酸镁)."""
        found = process.extractOne(whole, self._keys, scorer=fuzz.ratio, score_cutoff=80)
        return found is not None and not _same_drug(found[0], rest)

    def _drop_leading(self, name: str, form: str) -> str | None:
        """The name without an unknown leading word (a brand or maker the lists lack), when
        what is left is a listed name and the dropped word is not a listed name's head."""
        text = unfolded(name)
        for cut in range(2, min(7, len(text) - 2)):
            head, rest = text[:cut], text[cut:]
            if re.search(r"[\d%]", head) or any(w in head for w in _NAME_HEADS) or \
                    set(fold_confusions(head)) & CHEMISTRY_GLYPHS or \
                    self._names_a_drug(fold_confusions(head)):
                return None  # the word is part of a drug's name (复方…, 替硝唑氯化钠)
            key = name_key(rest)
            if len(key.stem) < 2 or not (self._by_key.get(key.bare)
                                         or self._by_key.get(key.stem)):
                continue
            if not any(self._entries[i].kind in _DRUG_KINDS
                       for k in (key.bare, key.stem) for i in self._by_key.get(k, ())):
                continue
            heads = self._heads.get(key.stem, set()) | self._heads.get(key.bare, set())
            folded = fold_confusions(head)
            if any(Levenshtein.distance(folded[-n:], h) < len(h) if len(h) >= 2
                   else folded.endswith(h)
                   for h in heads for n in range(max(1, len(h) - 1), len(h) + 2)):
                return None  # 复方/小儿/六味 … misread: the head belongs to the name
            hits, _ = self._hits(rest, _MATCHED_KINDS)
            if not self._ranked(hits, form)[1]:
                continue  # an unknown word and a form the name is not listed in: no
            if self._close_to_other(name_key(text).stem, key.stem):
                return None
            return rest
        return None

    def _fuzzy(self, name: str, form: str, cleaned: str, service: bool,
               alternatives: Sequence[str] = (), form_printed: bool = True) -> Match | None:
        """The closest key over the plain split and the splits tolerating a noisy form word.

        Refused (no entry, the close ones as candidates) when another drug is as close,
        when the difference is chemistry (an element or a compound's glyph), or when the
        close name is not listed in the printed form either.
        """
        key = name_key(name)
        stem = key.stem
        keys = self._service_keys if service else self._keys
        splits = {stem: form} if stem else {}
        for s, f in fuzzy_form_splits(unfolded(name)):
            # A form word read exactly outranks one guessed from a noisy tail.
            splits.setdefault(strip_salt(fold_confusions(s)), f)
        leading: dict[str, str] = {}
        if not service:
            # An unknown leading word with a misread name: the rest, at a price.
            for s, f in list(splits.items())[:2]:
                for cut in (2, 3, 4):
                    head, rest = s[:cut], s[cut:]
                    if len(rest) >= 3 and not re.search(r"[\d%]", head) and \
                            not any(w in head for w in _NAME_HEADS) and \
                            not set(head) & CHEMISTRY_GLYPHS and \
                            not self._names_a_drug(head):
                        leading.setdefault(rest, f)
        best: tuple[float, int, str, str, str] | None = None
        # the line as printed, when parsing took a maker off it (马应龙麝香痔疮膏 is a name)
        whole = {k.stem: k.form or form for k in map(name_key, alternatives)
                 if k.stem and k.stem not in splits}
        guesses = [*splits.items()][:1] + list(whole.items()) + [*splits.items()][1:] + [
            (s, f) for s, f in leading.items() if s not in splits and s not in whole]
        for rank, (s, f) in enumerate(guesses):
            if len(s) < 2:
                continue
            # A split through a misread form word is a guess: it pays FORM_GUESS_PENALTY, and
            # the plain split (rank 0) wins ties; so is a dropped leading word.
            penalty = (0.0 if rank == 0 or s in whole else FORM_GUESS_PENALTY if s in splits
                       else LEADING_WORD_PENALTY)
            floor = max(FUZZY_CUTOFF, best[0] if best else 0.0) + penalty
            if floor > 100:
                continue
            found = process.extractOne(s, self._near(len(s), floor, keys), scorer=fuzz.ratio,
                                       score_cutoff=floor)
            if found is None:
                continue
            candidate = (float(found[1]) - penalty, -rank, found[0], f or form, s)
            if best is None or candidate[:2] > best[:2]:
                if s in leading and s not in splits and s not in whole and \
                        self._close_to_other(stem, found[0]):
                    continue  # the whole reads as another drug: no leading word to drop
                best = candidate
        category = _fuzzy_category(cleaned)
        if category is not None and (best is None or category[1] >= best[0]):
            return Match(None, category[1], "category", category[0])
        if best is None:
            return None
        score, _, top_key, top_form, printed_stem = best
        # the keys as close as the best one, and the next few, for rivals and candidates
        near = max(FUZZY_CUTOFF - 10, min(score, 100.0) - 12)
        close = [(k, float(sc)) for k, sc, _ in process.extract(
            printed_stem, self._near(len(printed_stem), near, keys),
            scorer=fuzz.ratio, limit=4, score_cutoff=near)]
        if not close or close[0][0] != top_key:
            close = [(top_key, score), *[c for c in close if c[0] != top_key]]
        kinds = _OTHER_KINDS if service else _MATCHED_KINDS
        idx = [i for i in self._by_key[top_key] if self._entries[i].kind in kinds]
        if not idx:
            return None
        order, agrees = self._ranked(idx, top_form)
        if not agrees and form and form != top_form:
            order, agrees = self._ranked(idx, form)
        line = "service" if service else "drug"
        mine = {self._entries[i].name for i in self._by_key[top_key]}
        rivals = [k for k, sc in close[1:] if sc >= close[0][1] and k != top_key
                  and not _same_drug(k, top_key)
                  and not {self._entries[i].name for i in self._by_key[k]} <= mine
                  # a rival not listed in the printed form is no rival (the form decides)
                  and (not agrees or not form_printed
                       or self._ranked(self._by_key[k], form or top_form)[1])]
        candidates = [self._entries[order[0]]]
        for k, _ in close[1:]:
            candidates.extend(self._entries[i] for i in self._by_key[k][:1])
        bare = name_key(name).bare
        # with the salts on, only a glyph read for another counts (羧基麦芽糖钙 is not
        # 羧基麦芽糖铁); a salt the catalog's generic name leaves off is no change
        compound_changed = _changes_compound(printed_stem, top_key) or _changes_compound(
            bare, name_key(self._entries[order[0]].name).bare, replaced_only=True)
        reason = ("ambiguous" if rivals else
                  "ingredient_differs" if compound_changed else
                  "name_and_form_differ" if not agrees and not service and form_printed
                  else "")
        if reason:
            return Match(None, score, "none", reasons=(reason,),
                         candidates=tuple(dict.fromkeys(candidates))[:5], line=line,
                         printed_form=form)
        return Match(self._entries[order[0]], score, "fuzzy", reasons=("similar_name",),
                     candidates=tuple(dict.fromkeys(candidates[1:]))[:5], line=line,
                     printed_form=form)

    def candidates(self, name: str, limit: int = 5) -> list[Match]:
        """The closest entries for a name, for the assistant to choose from."""
        key = name_key(name)
        if not key.stem:
            return []
        found = process.extract(key.stem, self._keys, scorer=fuzz.ratio, limit=limit)
        out = []
        for k, score, _ in found:
            out.append(Match(self._pick(self._by_key[k], key.form), float(score),
                             "exact" if score >= 100 else "fuzzy"))
        return out

    def search_pinyin(self, query: str, limit: int = 10) -> list[CatalogEntry]:
        """Entries whose pinyin initials (or full pinyin) start with / contain `query`.

        `amxl` finds 阿莫西林胶囊; `amoxi` works too. Best first: prefix of the initials, then
        prefix of the full pinyin, then anywhere; shorter names before longer.
        """
        q = re.sub(r"[^a-z0-9]", "", query.lower())
        if not q:
            return []
        ranked: list[tuple[int, int, int, int]] = []
        for i, initials, full in self._pinyin_rows:
            if initials.startswith(q):
                rank = 0
            elif full.startswith(q):
                rank = 1
            elif q in initials:
                rank = 2
            elif q in full:
                rank = 3
            else:
                continue
            e = self._entries[i]
            ranked.append((rank, len(e.name), "甲乙丙".find(e.insurance_class), i))
        ranked.sort()
        out: list[CatalogEntry] = []
        seen: set[tuple[str, str]] = set()
        for *_, i in ranked:
            e = self._entries[i]
            if (e.name, e.form) in seen:
                continue
            seen.add((e.name, e.form))
            out.append(e)
            if len(out) >= limit:
                break
        return out

    # --- supervision restrictions --------------------------------------------------------

    @property
    def restrictions(self) -> Sequence[Restriction]:
        return self._restrictions

    def restrictions_for(self, name: str, code: str | None = None,
                         entry: CatalogEntry | None = None) -> list[Restriction]:
        """Age/sex restrictions that apply to an item, by service code or by name."""
        found: list[Restriction] = []
        if code and code.strip() in self._restr_by_code:
            found.extend(self._restr_by_code[code.strip()])
        names = [name] + ([entry.name, *entry.aliases] if entry else [])
        for n in names:
            key = name_key(n)
            for k in dict.fromkeys((key.bare, key.stem)):
                for r in self._restr_by_key.get(k, []):
                    if r not in found:
                        found.append(r)
        return found


_DRUG_KINDS = frozenset({"drug", "patent"})
_OTHER_KINDS = frozenset({"service", "consumable"})
_PROCESSING_GLYPHS = frozenset("".join(PROCESSING))
_MATCHED_KINDS = _DRUG_KINDS | _OTHER_KINDS
# A name starting with one of these after a dropped word means the word was part of it.
# Words that begin drug names: a word ending in one of them is no brand.
_NAME_HEADS = ("复方", "小儿", "儿童", "左旋", "右旋", "注射用", "吸入用", "精蛋白", "重组",
               "外用", "口服", "复合")


def _same_drug(a: str, b: str) -> bool:
    """Two keys that name one drug (a salt or ester apart)."""
    return strip_salt(a) == strip_salt(b)


def _changes_compound(printed: str, listed: str, replaced_only: bool = False) -> bool:
    """True when the printed name differs from the listed one in chemistry, not in a slip:
    an element read for another (锌/钙), a compound's glyph for another (胺/氨), or a
    compound's glyph printed that the listed name lacks (乳酸菌素 against 乳酸菌)."""
    for edit in Levenshtein.editops(printed, listed):
        op, i, j = edit.tag, edit.src_pos, edit.dest_pos
        a = printed[i] if i < len(printed) else ""
        b = listed[j] if j < len(listed) else ""
        if op == "replace" and ((a in ELEMENT_GLYPHS and b in ELEMENT_GLYPHS)
                                or (a in CHEMISTRY_GLYPHS and b in CHEMISTRY_GLYPHS)):
            return True
        doubled = op == "delete" and (printed[i - 1:i] == a or printed[i + 1:i + 2] == a)
        if op == "delete" and a in CHEMISTRY_GLYPHS and not doubled and not replaced_only:
            return True
    return False


_CATEGORY_BY_KEY = {clean(c): c for c in CATEGORY_NAMES}


def _canonical_category(cleaned: str) -> str:
    return _CATEGORY_BY_KEY.get(cleaned, cleaned)


def _fuzzy_category(cleaned: str) -> tuple[str, float] | None:
    """A category line misread by OCR (西药贵, 检查赀): only names that look like fee lines."""
    if not (2 <= len(cleaned) <= 7):
        return None
    # One wrong glyph in a three-glyph line scores 66.7.
    found = process.extractOne(cleaned, list(_CATEGORY_BY_KEY), scorer=fuzz.ratio,
                               score_cutoff=66)
    if found is None:
        return None
    return _CATEGORY_BY_KEY[found[0]], float(found[1])


def _form_from_spec(spec: str | None) -> str:
    """A dosage-form hint from the spec when the name has none (`0.25g*24粒` → capsules)."""
    if not spec:
        return ""
    s = fold_confusions(spec)
    if re.search(r"[片粒]", s):
        return "口服常释剂型"
    if re.search(r"袋", s):
        return "颗粒剂"
    return ""


def install_version(home: Path, data: bytes, *, version: str, filename: str,
                    source: str = "county") -> CatalogVersion:
    """For the sync worker: install a catalog file the county published and put it in force."""
    with Catalog.open(home) as catalog:
        return catalog.install(data, version=version, filename=filename, source=source)
