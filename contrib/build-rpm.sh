#!/usr/bin/env bash
# Builds the sandbox RPM (npm run rpm): compiles, bundles dist/src/cli.js and
# its dependencies into one ESM file (contrib/bundle.sh, esbuild), stages Source0 (the bundle,
# package.json, templates/, units/, the generated man page and completion, the
# default config, licenses) with tools/stage-rpm.ts, tars it and runs
# rpmbuild -bb with a private _topdir under build/rpm/ (nothing is written
# outside the checkout: rpm's database path is inside it too).
# Prints only the path of the .rpm on stdout; progress goes to stderr.
#   ESBUILD=/path/to/esbuild   use that esbuild instead of node_modules/.bin/esbuild
set -euo pipefail
cd "$(dirname "$0")/.."
exec 3>&1 1>&2

esbuild=${ESBUILD:-node_modules/.bin/esbuild}
if [[ ! -x $esbuild ]]; then
    echo "build-rpm: $esbuild not found: run 'npm ci' (esbuild is a devDependency) or set ESBUILD" >&2
    exit 1
fi
for tool in rpmbuild tar gzip; do
    command -v "$tool" >/dev/null || { echo "build-rpm: $tool is not installed" >&2; exit 1; }
done

version=$(node -p 'require("./package.json").version')
top=$PWD/build/rpm
stage=$top/stage/sandbox-$version
# One date for the man page, the tarball's mtimes and the RPM: the last commit's.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

rm -rf "$top"
mkdir -p "$top"/{SOURCES,SPECS,tmp}

echo "build-rpm: compiling" >&2
npm run --silent build

echo "build-rpm: bundling with esbuild $("$esbuild" --version)" >&2
ESBUILD=$esbuild bash contrib/bundle.sh "$top/sandbox.mjs" "$top/meta.json"

echo "build-rpm: staging sandbox-$version" >&2
node dist/tools/stage-rpm.js "$top/sandbox.mjs" "$top/meta.json" "$stage" "$top/SPECS/sandbox.spec"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$top/stage" -cf - "sandbox-$version" | gzip -n >"$top/SOURCES/sandbox-$version.tar.gz"

echo "build-rpm: rpmbuild" >&2
# Debian's brp-compress uses bash's "read -d" under #!/bin/sh (dash there) and
# so compresses nothing: run it with bash, and the man page is gzipped as on Fedora.
# --nodeps: BuildRequires (gcc) are asked of rpm's database, which on Debian
# has none of the system's packages (and here is a private one); the build
# itself checks that cc is there.
command -v "${CC:-cc}" >/dev/null || { echo "build-rpm: ${CC:-cc} is not installed (the Landlock helper is compiled)" >&2; exit 1; }
rpmbuild -bb --quiet --nodeps \
    --define "_topdir $top" \
    --define "_tmppath $top/tmp" \
    --define "_dbpath $top/rpmdb" \
    --define "__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}" \
    --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" \
    "$top/SPECS/sandbox.spec"

rpm=$(find "$top/RPMS" -name "sandbox-$version-*.$(rpm --eval %_arch).rpm" -print -quit)
[[ -n $rpm ]] || { echo "build-rpm: rpmbuild wrote no sandbox-$version RPM" >&2; exit 1; }
echo "$rpm" >&3
