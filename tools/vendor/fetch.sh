#!/usr/bin/env bash
# Fetch the vendored front-end assets of Khuyến công số from the npm registry
# and copy only the distribution files we serve into static/vendor/<name>/.
#
# The pages run on closed government networks and must never load anything
# from another host, so every stylesheet, script and font is served locally.
#
#   tools/vendor/fetch.sh                  # (re)build static/vendor/ from the pins below
#   tools/vendor/fetch.sh --check-updates  # show the newest versions inside the allowed ranges
#
# Idempotent: each static/vendor/<name>/ directory is deleted and rebuilt from
# the pinned tarball, and static/vendor/VERSIONS.md is regenerated without any
# timestamps, so a rerun with unchanged pins leaves the tree byte-identical.
# All downloading and unpacking happens in a temporary directory outside the
# repository; nothing (no node_modules, no package-lock) is left in the repo.
#
# To upgrade: change a pin below, rerun, review `git diff --stat static/vendor`,
# and check the pages that use the asset.
set -euo pipefail

# ---------------------------------------------------------------- pins ----
# name in static/vendor | npm package | exact version | allowed range (for --check-updates)
PINS=(
  "bootstrap|bootstrap|5.3.9|5.3"
  "bootstrap-icons|bootstrap-icons|1.13.2|1"
  "htmx|htmx.org|2.0.11|2"
  "echarts|echarts|6.1.0|6"
  "be-vietnam-pro|@fontsource/be-vietnam-pro|5.3.0|5"
  "swagger-ui|swagger-ui-dist|5.35.0|5"
)
FONT_WEIGHTS=(400 500 600 700)
FONT_SUBSETS=(vietnamese latin-ext latin)   # the order of the @font-face rules
MAX_MAP_BYTES=$((300 * 1024))               # source maps above this are not vendored

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENDOR="$REPO/static/vendor"
export npm_config_loglevel=error npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

die() { echo "fetch.sh: $*" >&2; exit 1; }
command -v npm >/dev/null || die "npm is required"
command -v node >/dev/null || die "node is required"

if [[ "${1:-}" == "--check-updates" ]]; then
  for pin in "${PINS[@]}"; do
    IFS='|' read -r dir pkg ver range <<<"$pin"
    latest="$(npm view "$pkg@$range" version --json 2>/dev/null | node -e '
      let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
        const key=v=>v.split(/[.+-]/).slice(0,3).map(Number);
        const cmp=(a,b)=>{const x=key(a),y=key(b);for(let i=0;i<3;i++)if(x[i]!==y[i])return x[i]-y[i];return 0};
        console.log([].concat(JSON.parse(s)).sort(cmp).pop())})')"
    flag=""; [[ "$latest" != "$ver" ]] && flag="  <-- update available"
    printf '%-28s pinned %-9s newest %s.x: %s%s\n' "$pkg" "$ver" "$range" "$latest" "$flag"
  done
  exit 0
fi
[[ $# -eq 0 ]] || die "unknown argument: $1 (use --check-updates or nothing)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/khuyencong-vendor.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
case "$WORK" in "$REPO"/*) die "temporary directory must be outside the repository";; esac

declare -A SRC INTEGRITY LICENSE VERSION PKGNAME

# ----------------------------------------------------------- download ----
for pin in "${PINS[@]}"; do
  IFS='|' read -r dir pkg ver range <<<"$pin"
  mkdir -p "$WORK/$dir"
  expected="$(npm view "$pkg@$ver" dist.integrity 2>/dev/null)"
  [[ "$expected" == sha512-* ]] || die "could not read dist.integrity of $pkg@$ver"
  # npm pack verifies the tarball against the registry's integrity itself;
  # we compare again so the hash written to VERSIONS.md is the one we used.
  (cd "$WORK/$dir" && npm pack --json "$pkg@$ver" >pack.json 2>/dev/null) || die "npm pack $pkg@$ver failed"
  read -r tgz got < <(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))[0];console.log(j.filename, j.integrity)' "$WORK/$dir/pack.json")
  [[ "$got" == "$expected" ]] || die "integrity mismatch for $pkg@$ver: $got != $expected"
  tar -xzf "$WORK/$dir/$tgz" -C "$WORK/$dir"
  SRC[$dir]="$WORK/$dir/package"
  INTEGRITY[$dir]="$expected"
  LICENSE[$dir]="$(npm view "$pkg@$ver" license 2>/dev/null)"
  VERSION[$dir]="$ver"
  PKGNAME[$dir]="$pkg"
  echo "fetched $pkg@$ver"
done

# --------------------------------------------------------------- helpers ----
fresh() { rm -rf "${VENDOR:?}/$1"; mkdir -p "$VENDOR/$1"; }
put() {  # put SRC DEST: copy one file, creating directories, normalising the mode
  mkdir -p "$(dirname "$2")"; cp "$1" "$2"; chmod 0644 "$2"
}
# Drop a trailing "sourceMappingURL" comment when its map is not vendored:
# Django's ManifestStaticFilesStorage (collectstatic) fails on references to
# missing files, and browsers' dev tools would request it in vain.
strip_map_ref() { sed -i -E '/^\/\/# sourceMappingURL=|^\/\*# sourceMappingURL=.*\*\/$/d' "$1"; }
# Copy a .map beside its file when small enough, otherwise drop the reference.
map_or_strip() {  # map_or_strip SRC_FILE DEST_FILE
  local map="$1.map"
  if [[ -f "$map" && $(stat -c %s "$map") -le $MAX_MAP_BYTES ]]; then
    put "$map" "$2.map"
  else
    strip_map_ref "$2"
  fi
}

# ------------------------------------------------------------------ copy ----
# Bootstrap: CSS + JS bundle (Popper included). Both maps are > 300 KB.
fresh bootstrap
s="${SRC[bootstrap]}"
put "$s/dist/css/bootstrap.min.css" "$VENDOR/bootstrap/css/bootstrap.min.css"
map_or_strip "$s/dist/css/bootstrap.min.css" "$VENDOR/bootstrap/css/bootstrap.min.css"
put "$s/dist/js/bootstrap.bundle.min.js" "$VENDOR/bootstrap/js/bootstrap.bundle.min.js"
map_or_strip "$s/dist/js/bootstrap.bundle.min.js" "$VENDOR/bootstrap/js/bootstrap.bundle.min.js"
put "$s/LICENSE" "$VENDOR/bootstrap/LICENSE"

# Bootstrap Icons: icon-font CSS + woff2 only (every supported browser reads
# woff2), so the .woff fallback is removed from the @font-face src; plus the
# SVG sprite for <svg><use href="…/bootstrap-icons.svg#name"></use></svg>.
fresh bootstrap-icons
s="${SRC[bootstrap-icons]}"
put "$s/font/bootstrap-icons.min.css" "$VENDOR/bootstrap-icons/bootstrap-icons.min.css"
sed -i -E 's#,url\("fonts/bootstrap-icons\.woff\?[0-9a-f]+"\) format\("woff"\)##' "$VENDOR/bootstrap-icons/bootstrap-icons.min.css"
grep -q 'bootstrap-icons\.woff?' "$VENDOR/bootstrap-icons/bootstrap-icons.min.css" && die "could not drop the woff fallback from bootstrap-icons.min.css"
grep -q 'fonts/bootstrap-icons\.woff2?' "$VENDOR/bootstrap-icons/bootstrap-icons.min.css" || die "bootstrap-icons.min.css lost its woff2 url"
put "$s/font/fonts/bootstrap-icons.woff2" "$VENDOR/bootstrap-icons/fonts/bootstrap-icons.woff2"
[[ -f "$s/bootstrap-icons.svg" ]] && put "$s/bootstrap-icons.svg" "$VENDOR/bootstrap-icons/bootstrap-icons.svg"
put "$s/LICENSE" "$VENDOR/bootstrap-icons/LICENSE"

# htmx 2.x
fresh htmx
s="${SRC[htmx]}"
put "$s/dist/htmx.min.js" "$VENDOR/htmx/htmx.min.js"
put "$s/LICENSE" "$VENDOR/htmx/LICENSE"

# Apache ECharts: full minified build; Apache-2.0 wants NOTICE kept, and the
# build contains code under the d3 (BSD-3-Clause) licence in licenses/.
fresh echarts
s="${SRC[echarts]}"
put "$s/dist/echarts.min.js" "$VENDOR/echarts/echarts.min.js"
put "$s/LICENSE" "$VENDOR/echarts/LICENSE"
put "$s/NOTICE" "$VENDOR/echarts/NOTICE"
for f in "$s"/licenses/*; do put "$f" "$VENDOR/echarts/licenses/$(basename "$f")"; done

# Be Vietnam Pro (SIL OFL 1.1): normal style, 4 weights x 3 subsets, woff2.
fresh be-vietnam-pro
s="${SRC[be-vietnam-pro]}"
css="$VENDOR/be-vietnam-pro/be-vietnam-pro.css"
{
  echo "/*"
  echo " * Be Vietnam Pro ${FONT_WEIGHTS[*]}, subsets ${FONT_SUBSETS[*]}: @fontsource/be-vietnam-pro@${VERSION[be-vietnam-pro]}"
  echo " * SIL Open Font License 1.1 (see LICENSE beside this file)."
  echo " * Generated by tools/vendor/fetch.sh; do not edit by hand."
  echo " * Usage: font-family: 'Be Vietnam Pro', system-ui, sans-serif;"
  echo " */"
} >"$css"
for w in "${FONT_WEIGHTS[@]}"; do
  for sub in "${FONT_SUBSETS[@]}"; do
    base="be-vietnam-pro-$sub-$w-normal"
    put "$s/files/$base.woff2" "$VENDOR/be-vietnam-pro/files/$base.woff2"
    # The unicode-range of each subset is taken from fontsource's own CSS.
    range="$(awk -v want="/* $base */" '
      $0 == want { inblock = 1; next }
      inblock && /unicode-range:/ { sub(/^[ \t]*unicode-range:[ \t]*/, ""); sub(/;[ \t]*$/, ""); print; exit }
    ' "$s/$w.css")"
    [[ -n "$range" ]] || die "no unicode-range for $base"
    cat >>"$css" <<EOF

/* $base */
@font-face {
  font-family: 'Be Vietnam Pro';
  font-style: normal;
  font-display: swap;
  font-weight: $w;
  src: url(./files/$base.woff2) format('woff2');
  unicode-range: $range;
}
EOF
  done
done
chmod 0644 "$css"
put "$s/LICENSE" "$VENDOR/be-vietnam-pro/LICENSE"

# Swagger UI: stylesheet + standalone bundle. The page and its init script
# are the lead's (set validatorUrl: null there, or Swagger UI would ask an
# outside host to validate the spec). Maps: the CSS map is not needed and the
# bundle's is ~1.9 MB, so neither is vendored.
fresh swagger-ui
s="${SRC[swagger-ui]}"
put "$s/swagger-ui.css" "$VENDOR/swagger-ui/swagger-ui.css"
strip_map_ref "$VENDOR/swagger-ui/swagger-ui.css"
put "$s/swagger-ui-bundle.js" "$VENDOR/swagger-ui/swagger-ui-bundle.js"
strip_map_ref "$VENDOR/swagger-ui/swagger-ui-bundle.js"
put "$s/swagger-ui-bundle.js.LICENSE.txt" "$VENDOR/swagger-ui/swagger-ui-bundle.js.LICENSE.txt"
put "$s/LICENSE" "$VENDOR/swagger-ui/LICENSE"
put "$s/NOTICE" "$VENDOR/swagger-ui/NOTICE"

# Nothing we serve may point at another host for a stylesheet or font.
if grep -rlE 'url\(["'"'"']?(https?:)?//|@import[^;]*(https?:)?//' --include='*.css' "$VENDOR"; then
  die "a vendored stylesheet references another host (files listed above)"
fi

# ----------------------------------------------------------- VERSIONS.md ----
human() { awk -v b="$1" 'BEGIN { if (b < 1024) printf "%d B", b; else if (b < 1048576) printf "%.1f KiB", b / 1024; else printf "%.2f MiB", b / 1048576 }'; }
{
  cat <<'EOF'
# Vendored front-end assets

Everything under `static/vendor/` is copied from npm packages by
`tools/vendor/fetch.sh`; do not edit these files by hand. They are served by
the project itself (no CDN: the system runs on closed networks and no page may
load anything from another host).

Refresh (or verify) with:

```sh
tools/vendor/fetch.sh                   # rebuild static/vendor/ from the pinned versions
tools/vendor/fetch.sh --check-updates   # list newer versions inside the allowed ranges
git diff --stat static/vendor           # a rerun with unchanged pins shows no change
```

To upgrade, edit the pins at the top of `tools/vendor/fetch.sh` and rerun.
The integrity hash is npm's `dist.integrity` of the package tarball
(`npm view <package>@<version> dist.integrity`); the script checks the
downloaded tarball against it.

| Package | Version | Licence | Files (under `static/vendor/`) | npm integrity |
| --- | --- | --- | --- | --- |
EOF
  for pin in "${PINS[@]}"; do
    IFS='|' read -r dir pkg ver range <<<"$pin"
    files=""
    while IFS= read -r f; do
      rel="${f#"$VENDOR"/}"
      files+="${files:+<br>}\`$rel\` ($(human "$(stat -c %s "$f")"))"
    done < <(find "$VENDOR/$dir" -type f | LC_ALL=C sort)
    echo "| [\`$pkg\`](https://www.npmjs.com/package/$pkg) | $ver | ${LICENSE[$dir]} | $files | \`${INTEGRITY[$dir]}\` |"
  done
  cat <<'EOF'

## Changes made while copying

- `bootstrap/css/bootstrap.min.css`, `bootstrap/js/bootstrap.bundle.min.js`,
  `swagger-ui/swagger-ui.css`: the trailing `sourceMappingURL` comment is
  removed because the maps are not vendored (the Bootstrap maps are over
  300 KB, the Swagger UI CSS map is of no use in production). A dangling
  reference would make Django's `ManifestStaticFilesStorage` fail in
  `collectstatic`.
- `bootstrap-icons/bootstrap-icons.min.css`: the `.woff` fallback is removed
  from the `@font-face` `src` (only the `.woff2` is vendored; every browser we
  support reads woff2).
- `be-vietnam-pro/be-vietnam-pro.css` is generated by the script: one
  `@font-face` rule per weight (400, 500, 600, 700) and subset (vietnamese,
  latin-ext, latin), normal style, woff2 only, relative URLs,
  `font-display: swap`, with the `unicode-range` values of fontsource's CSS.
  The browser downloads only the subsets a page needs.
- Nothing else is changed; the other files are byte-identical to the package.

## Licence notes

- Bootstrap, Bootstrap Icons: MIT. htmx: 0BSD (no attribution required).
- Apache ECharts and Swagger UI: Apache-2.0; their `NOTICE` files are kept
  beside the code and must stay with it. `echarts/licenses/LICENSE-d3` covers
  d3 code inside ECharts (BSD-3-Clause); `swagger-ui-bundle.js.LICENSE.txt`
  lists the third-party licences of code bundled into Swagger UI.
- Be Vietnam Pro: SIL Open Font License 1.1 (fonts may be bundled and served
  freely; the font files may not be sold on their own; `LICENSE` stays with
  them).

The map data in `static/map/` (Natural Earth, via `world-atlas`) is built by
`tools/map/build_outline.mjs`; see `static/map/README.md`.
EOF
} >"$VENDOR/VERSIONS.md"

echo "done: $(du -sh "$VENDOR" | cut -f1) in $VENDOR"
