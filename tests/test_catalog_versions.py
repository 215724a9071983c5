"""Catalog versions in <home>/catalog.db: the shipped one, CSV and bundle installs, roll-back."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from kiosk.catalog import (
    BUILTIN_VERSION,
    Catalog,
    CatalogStoreError,
    SourceError,
    import_items_csv,
    install_version,
    parse_payment_standard,
)

SERVICES_CSV = """kind,code,name,class,unit,standard,negotiated,note,aliases
service,001102000010000,一般诊疗费,甲,次,,,,
service,,新冠核酸检测,丙,次,,,,核酸检测|核酸
consumable,,一次性使用输液器,乙,套,,,,输液器
"""


def test_a_new_home_starts_with_the_shipped_catalog(tmp_path: Path) -> None:
    with Catalog.open(tmp_path) as catalog:
        assert (tmp_path / "catalog.db").is_file()
        v = catalog.version
        assert v.id == BUILTIN_VERSION
        assert sum(v.counts.values()) == len(catalog.entries) >= 150
        assert catalog.match("阿莫西林胶囊").entry is not None


def test_installing_services_keeps_the_drugs_and_records_the_version(tmp_path: Path) -> None:
    with Catalog.open(tmp_path) as catalog:
        drugs_before = catalog.version.counts["drug"]
        v = catalog.install(SERVICES_CSV.encode(), version="county-2025-03",
                            filename="services.csv")
        assert v.id == "county-2025-03"
        assert v.counts == {**catalog.versions()[0].counts, "service": 2, "consumable": 1}
        assert v.counts["drug"] == drugs_before
        assert len(v.sha256) == 64
        assert "services.csv" in v.source
        # the county's list replaced the shipped services and consumables
        m = catalog.match("核酸检测")
        assert m.entry is not None and m.entry.insurance_class == "丙"
        assert catalog.match("输液器").entry.insurance_class == "乙"  # type: ignore[union-attr]
        assert catalog.match("血常规").kind == "none"  # a shipped service, gone
        assert catalog.match("阿莫西林胶囊").entry is not None  # the drugs stayed
    with Catalog.open(tmp_path) as again:  # survives re-opening
        assert again.version.id == "county-2025-03"
        assert [v.id for v in again.versions()] == [BUILTIN_VERSION, "county-2025-03"]


def test_a_version_is_installed_once(tmp_path: Path) -> None:
    with Catalog.open(tmp_path) as catalog:
        catalog.install(SERVICES_CSV.encode(), version="v1", filename="services.csv")
        with pytest.raises(CatalogStoreError, match="already installed"):
            catalog.install(SERVICES_CSV.encode(), version="v1", filename="services.csv")


def test_activate_puts_an_older_version_back(tmp_path: Path) -> None:
    with Catalog.open(tmp_path) as catalog:
        catalog.install(SERVICES_CSV.encode(), version="v1", filename="services.csv")
        assert catalog.match("血常规").kind == "none"
        catalog.activate(BUILTIN_VERSION)
        assert catalog.version.id == BUILTIN_VERSION
        assert catalog.match("血常规").kind == "exact"
        with pytest.raises(KeyError):
            catalog.activate("never-installed")


def test_install_version_for_the_sync_worker_takes_a_zip_bundle(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("services.csv", SERVICES_CSV.replace("consumable,,一次性使用输液器,乙,套,,,,输液器\n", ""))
        zf.writestr("consumables.csv", "code,name,class\nC01,医用棉签,甲\n")
    v = install_version(tmp_path, buf.getvalue(), version="bundle-1", filename="catalog.zip")
    assert v.counts["service"] == 2 and v.counts["consumable"] == 1
    with Catalog.open(tmp_path) as catalog:
        assert catalog.version.id == "bundle-1"
        assert catalog.match("医用棉签").entry.code == "C01"  # type: ignore[union-attr]


@pytest.mark.parametrize(("data", "message"), [
    (b"name,class\n", "no `kind` column"),
    (b"kind,name,class\nservice,X,A\n", "not 甲, 乙 or 丙"),
    ("kind,name,class\nweird,X,甲\n".encode(), "kind 'weird'"),
    (b"kind,name\nservice,X\n", "lacks the column"),
    (b"PK\x03\x04broken", "damaged zip"),
])
def test_bad_files_are_refused_and_change_nothing(tmp_path: Path, data: bytes,
                                                  message: str) -> None:
    with Catalog.open(tmp_path) as catalog:
        with pytest.raises(SourceError, match=message):
            catalog.install(data, version="bad", filename="bad.csv")
        assert catalog.version.id == BUILTIN_VERSION
        assert [v.id for v in catalog.versions()] == [BUILTIN_VERSION]


def test_the_csv_reader_accepts_gb18030_and_a_kind_given_by_the_caller() -> None:
    data = "name,class,aliases\n医用胶带,自费,胶布|胶带\n".encode("gb18030")
    [entry] = import_items_csv(data, kind="consumable")
    assert entry.kind == "consumable" and entry.insurance_class == "丙"
    assert entry.aliases == ("胶布", "胶带")


def test_a_database_from_a_newer_kiosk_is_refused(tmp_path: Path) -> None:
    Catalog.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / "catalog.db")
    db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    db.commit()
    db.close()
    with pytest.raises(CatalogStoreError, match="newer kiosk"):
        Catalog.open(tmp_path)


def test_a_garbage_database_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "catalog.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CatalogStoreError, match="not a usable catalog database"):
        Catalog.open(tmp_path)


def test_payment_standards_are_read_from_the_official_text() -> None:
    [one] = parse_payment_standard("63.00元(10mg/支)")
    assert str(one.price) == "63.00" and one.per == "10mg/支"
    two = parse_payment_standard("3.49元(50mg和500mg/片)；\n5.93元(100mg和1000mg/片)")
    assert [str(s.price) for s in two] == ["3.49", "5.93"]
    assert parse_payment_standard("*") == [] and parse_payment_standard("") == []


def test_a_kiosk_catalog_sees_what_the_sync_worker_installed(tmp_path: Path) -> None:
    with Catalog.open(tmp_path) as kiosk:
        assert not kiosk.refresh()
        install_version(tmp_path, SERVICES_CSV.encode(), version="from-sync",
                        filename="services.csv")
        assert kiosk.version.id == BUILTIN_VERSION  # until it looks again
        assert kiosk.refresh()
        assert kiosk.version.id == "from-sync"
        assert kiosk.match("核酸检测").kind == "exact"
