#!/usr/bin/env bash
# Bundles the compiled CLI (dist/src/cli.js) and its npm dependencies into one
# ESM file with esbuild: what the RPM installs as /usr/lib/sandbox/sandbox.mjs
# and what the benchmarks run (one file loads much faster than node_modules).
#   contrib/bundle.sh [OUT [METAFILE]]    default dist/sandbox.mjs, OUT's .meta.json
#   ESBUILD=/path/to/esbuild              use that esbuild instead of node_modules/.bin/esbuild
# Run `npm run build` first (npm run bundle does both). The bundle must stay
# within four directories of package.json and templates/ (src/install-paths.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-dist/sandbox.mjs}
meta=${2:-${out%.mjs}.meta.json}
esbuild=${ESBUILD:-node_modules/.bin/esbuild}
if [[ ! -x $esbuild ]]; then
    echo "bundle: $esbuild not found: run 'npm ci' (esbuild is a devDependency) or set ESBUILD" >&2
    exit 1
fi
[[ -f dist/src/cli.js ]] || { echo "bundle: dist/src/cli.js not found: run 'npm run build' first" >&2; exit 1; }
node_major=$(node -p 'require("./package.json").engines.node.match(/\d+/)[0]')

# x11 and usocket are optional dependencies of dbus-next that are not installed:
# it only requires them inside a try (falling back to a plain socket) or for an
# X11 session bus. The banner gives the bundled CommonJS modules (dbus-next,
# yargs' helpers) the require() an ES module lacks, for node's built-ins.
"$esbuild" dist/src/cli.js --bundle --platform=node --format=esm --target="node$node_major" \
    --external:x11 --external:usocket \
    --banner:js="import { createRequire as __sandboxCreateRequire } from 'node:module'; const require = __sandboxCreateRequire(import.meta.url);" \
    --metafile="$meta" --outfile="$out" --log-level=warning
