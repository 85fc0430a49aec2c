#!/bin/sh
# Refresh the YASGUI build that `kg serve`'s query page ships (kg/static/yasgui/).
#
#   scripts/fetch_yasgui.sh [VERSION]      # default: the version in kg/static/yasgui/VERSION
#
# Runs `npm pack @zazuko/yasgui@VERSION` (the ordinary npm client, registry.npmjs.org),
# prints the tarball's integrity (npm checks it against the registry's), and copies build/yasgui.min.js
# (without its sourceMappingURL line: the map is not shipped, so a browser's developer
# tools would ask the server for a file it does not have) and build/yasgui.min.css.
# This is the only time anything is downloaded: kg never fetches YASGUI at run time.
# Afterwards: run the query page's tests (pytest tests/test_query_page.py -m 'slow or not slow'),
# read the diff of kg/static/yasgui/, and commit it with the new VERSION.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/kg/static/yasgui"
version=${1:-$(cat "$dest/VERSION")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --json "@zazuko/yasgui@$version" > pack.json
tarball=$(python3 -c 'import json; print(json.load(open("pack.json"))[0]["filename"])')
tar xzf "$tarball" package/build/yasgui.min.js package/build/yasgui.min.css package/package.json
python3 - "$version" <<'PY'
import json, sys
meta = json.load(open("package/package.json"))
assert meta["name"] == "@zazuko/yasgui" and meta["version"] == sys.argv[1], meta.get("version")
assert meta["license"] == "MIT", meta["license"]
PY
grep -v '^//# sourceMappingURL=' package/build/yasgui.min.js > "$dest/yasgui.min.js"
cp package/build/yasgui.min.css "$dest/yasgui.min.css"
printf '%s\n' "$version" > "$dest/VERSION"
python3 -c 'import json; d = json.load(open("pack.json"))[0]; print(d["id"], d["integrity"])'
ls -l "$dest"
