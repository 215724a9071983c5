"""Receipt recognition: image in, claim-ready receipt JSON out (../shared/spec/receipt-json.md).

Qt-free and network-free. The pipeline is `preprocess` (find the page, orient, clean) →
an OCR `engines` backend (text lines with boxes) → `layout` (rows, label/value geometry) →
`extract` (fields and items) → `checks` (arithmetic cross-checks) → a spec-shaped dict.
"""
