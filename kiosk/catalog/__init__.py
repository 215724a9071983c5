"""The national insurance catalog and item matching. Qt-free.

`Catalog.open(home)` opens `<home>/catalog.db` (created with the shipped catalog the first
time); `catalog.match(name, spec)` names the entry a printed item stands for;
`catalog.search_pinyin("amxl")` helps the assistant correct by hand; `install_version` is what
the sync worker calls with a file the county published.
"""

from kiosk.catalog.catalog import (
    BUILTIN_VERSION,
    REASONS,
    Catalog,
    Match,
    builtin_entries,
    install_version,
    read_catalog_file,
)
from kiosk.catalog.importers import (
    SourceError,
    import_drug_catalog,
    import_items_csv,
    import_rule_directory,
    import_rule_library,
)
from kiosk.catalog.model import (
    CatalogEntry,
    CatalogVersion,
    PaymentStandard,
    Restriction,
    parse_payment_standard,
)
from kiosk.catalog.normalize import is_category_name, name_key
from kiosk.catalog.store import CatalogStoreError

__all__ = [
    "BUILTIN_VERSION",
    "REASONS",
    "Catalog",
    "CatalogEntry",
    "CatalogStoreError",
    "CatalogVersion",
    "Match",
    "PaymentStandard",
    "Restriction",
    "SourceError",
    "builtin_entries",
    "import_drug_catalog",
    "import_items_csv",
    "import_rule_directory",
    "import_rule_library",
    "install_version",
    "is_category_name",
    "name_key",
    "parse_payment_standard",
    "read_catalog_file",
]
