#!/usr/bin/env bash
# report.html renders in headless Chromium: its tables and plots are in the DOM and the screenshot is not blank.
set -euo pipefail
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then echo "report-html: no chromium (apt-get -y install chromium); skipped"; exit 0; fi
out=target/lockbench-html
cargo run --release -p lockbench --locked -- --quick --out "$out" > /dev/null
page="file://$(cd "$out" && pwd)/report.html"
profile=$(mktemp -d)
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --user-data-dir="$profile")
timeout 120 "$browser" "${flags[@]}" --dump-dom "$page" 2>/dev/null > "$out/dom.html"
timeout 120 "$browser" "${flags[@]}" --screenshot="$out/page.png" --window-size=1500,1200 "$page" 2>/dev/null
rm -rf "$profile"
python3 - "$out/dom.html" "$out/page.png" <<'PY'
import sys, zlib, struct
dom = open(sys.argv[1]).read()
tables, rows, panels = dom.count('<table class="sortable">'), dom.count('<tr'), dom.count('class="panel"')
assert tables >= 5 and rows > 50 and panels >= 5 and '<svg' in dom, (tables, rows, panels)
data = open(sys.argv[2], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    if kind == b'IHDR': w = struct.unpack('>I', data[pos + 8:pos + 12])[0]
    if kind == b'IDAT': idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
distinct = len(set(raw[i:i + 3] for i in range(1, len(raw) - 3, 997)))
assert distinct > 20, f"screenshot looks blank ({distinct} distinct samples)"
print(f"report-html: {tables} tables, {rows} rows, {panels} plot panels; screenshot {w} px wide, {distinct} distinct samples")
PY
