#!/usr/bin/env bash
# Refresh the browser assets vendored into src/procura/web/static/vendor/ from npm.
# Pinned versions; each package's licence file is copied beside its files.
# Usage: scripts/vendor_assets.sh   (or: make vendor). Needs npm and the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=src/procura/web/static/vendor
API_STATIC=src/procura/api/static
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

PACKAGES=(
  htmx.org@2.0.11
  echarts@6.1.0
  cytoscape@3.35.0
  layout-base@2.0.1
  cose-base@2.2.0
  cytoscape-fcose@2.2.0
  swagger-ui-dist@5.36.0
  axe-core@4.14.1
)
(cd "$TMP" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts --no-package-lock "${PACKAGES[@]}" >/dev/null)
M="$TMP/node_modules"

# name  source-file(s) relative to the package  (copied flat into $DEST/<name>/)
copy() {
  local pkg=$1 name=$2; shift 2
  rm -rf "${DEST:?}/$name"; mkdir -p "$DEST/$name"
  for f in "$@"; do cp "$M/$pkg/$f" "$DEST/$name/"; done
  for lic in LICENSE LICENSE.md LICENSE.txt license NOTICE; do
    [ -f "$M/$pkg/$lic" ] && cp "$M/$pkg/$lic" "$DEST/$name/"
  done
  local version
  version=$(node -p "require('$M/$pkg/package.json').version")
  echo "$pkg $version" > "$DEST/$name/VERSION"
}

copy htmx.org htmx dist/htmx.min.js
copy echarts echarts dist/echarts.min.js
copy cytoscape cytoscape dist/cytoscape.min.js
copy layout-base layout-base layout-base.js
copy cose-base cose-base cose-base.js
copy cytoscape-fcose cytoscape-fcose cytoscape-fcose.js
copy swagger-ui-dist swagger-ui swagger-ui-bundle.js swagger-ui.css favicon-32x32.png
# Swagger UI belongs to the REST API's own docs page (/api/v1/docs), not to the workbench.
rm -rf "${API_STATIC:?}/swagger-ui"; mkdir -p "$API_STATIC"; mv "$DEST/swagger-ui" "$API_STATIC/"
copy axe-core axe-core axe.min.js
ls "$DEST" "$API_STATIC"
