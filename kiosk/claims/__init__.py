"""A claim's way through the kiosk, Qt-free: the receipts and their corrections
(`receipts`), what the screens ask of the store, catalog and audit (`desk`), and where a
resident's claim is and what comes next (`flow`). The screens in `kiosk.ui` observe the flow;
nothing here imports Qt."""
