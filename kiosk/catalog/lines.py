"""What kind of line a printed name is, before any drug is looked for: 中药饮片 or a service.

The national drug catalog has no 饮片 part, and many 中成药 carry a herb's name (黄芪片,
板蓝根颗粒, 金银花口服液): a bare herb name matched against it lands on a patent medicine.
So a line that is a herb — a name from `data/herbs.txt` or one of the catalog's own `herb`
entries, bare or with a processing word (炒白术, 炙甘草, 酒白芍, 地榆炭) — is recognised as a
herb first and only ever compared with herb entries. A processed piece is a different piece
from the raw one: 炒白术 is not 白术.

A service or consumable (血常规, 静脉输液, 胸部CT, 一次性使用输液器) is recognised by the
words such names are made of and compared with service and consumable entries only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kiosk.catalog.normalize import fold_confusions

# Processing words written before a herb's name, longest first (麸炒 before 炒).
PROCESSING: tuple[str, ...] = tuple(sorted((
    "炒", "麸炒", "土炒", "米炒", "焦", "炙", "蜜炙", "蜜", "酒", "酒炙", "醋", "醋炙", "盐",
    "盐炙", "姜", "姜炙", "制", "煅", "生", "炮", "净", "鲜", "烫", "煨", "蒸", "炭",
), key=len, reverse=True))
# Endings a herb's name takes on an expense list: slices, powder, charred, formula granules.
_HERB_ENDINGS: tuple[str, ...] = ("配方颗粒", "饮片", "颗粒", "炭", "粉", "片", "末")
# Endings that may also be a patent medicine's form word: only a herb when the drug catalog
# has no such product (三七片 is a 中成药, 甘草片 a licorice slice).
AMBIGUOUS_ENDINGS = frozenset({"颗粒", "粉", "片", "末"})


@dataclass(frozen=True)
class HerbLine:
    herb: str  # the raw herb's name (白术)
    name: str  # as printed without spec (炒白术)
    processing: str  # 炒, or ''
    ending: str  # 片, 粉, 炭 …, or ''


@lru_cache(maxsize=1)
def herb_names() -> frozenset[str]:
    text = resources.files("kiosk.catalog").joinpath("data/herbs.txt").read_text("utf-8")
    names = {fold_confusions(w) for line in text.splitlines() if not line.startswith("#")
             for w in line.split()}
    return frozenset(names)


def herb_line(cleaned: str, extra: frozenset[str] = frozenset()) -> HerbLine | None:
    """The herb a cleaned, folded printed name is (`clean(name)`), or None.

    `extra` adds the herb names the catalog in force lists.
    """
    names = herb_names() | extra
    ending = ""
    stem = cleaned
    if stem not in names:
        for e in _HERB_ENDINGS:
            if stem.endswith(e) and len(stem) > len(e) + 1:
                stem, ending = stem[: -len(e)], e
                break
    if stem in names:
        return HerbLine(stem, cleaned, "", ending)
    for p in PROCESSING:
        p = fold_confusions(p)
        if stem.startswith(p) and stem[len(p):] in names:
            return HerbLine(stem[len(p):], cleaned, p, ending)
    if stem.endswith("炭") and stem[:-1] in names:
        return HerbLine(stem[:-1], cleaned, "炭", ending)
    return None


_SERVICE_RE = re.compile(
    r"(?:费|检查|测定|测|检测|试验|分析|常规|造影|扫描|成像|摄影|摄片|超声|彩超|b超|平扫|增强|监测|"
    r"监护|治疗|疗法|护理|穿刺|缝合|换药|清创|引流|灌肠|导尿|吸氧|雾化吸入|针灸|针刺|拔罐|推拿|"
    r"按摩|刮痧|手术|术|麻醉|诊疗|诊查|诊察|挂号|床位|取血|采血|抽血|心电图|镜检|培养|计数|"
    r"鉴定|定量|定性|测量|评估|会诊|体检|ct|mri|dr|彩色多普勒)$"
    r"|^(?:静脉|肌肉|肌内|皮下|皮内|穴位|关节腔|局部)(?:注射|输液|滴注|推注)"
    r"|(?:输液器|注射器|留置针|采血管|采血针|纱布|棉签|棉球|绷带|胶布|胶带|敷料|导管|手套|"
    r"口罩|针头|敷贴|输液贴)$", re.IGNORECASE)


def looks_like_service(cleaned: str) -> bool:
    """A service or consumable by the words it is made of (not a drug name)."""
    return bool(_SERVICE_RE.search(cleaned))
