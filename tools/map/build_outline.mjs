#!/usr/bin/env node
// Build static/map/vietnam-outline.geojson: the outline of Việt Nam with the
// Hoàng Sa and Trường Sa archipelagos, as a base layer for ECharts maps
// (echarts.registerMap) with no tile server.
//
//   node tools/map/build_outline.mjs                       # fetch world-atlas@2.0.2 into a temp dir
//   node tools/map/build_outline.mjs --input countries-10m.json [--output FILE]
//
// Source: world-atlas (npm, ISC) countries-10m.json = Natural Earth 4.1.0
// Admin 0 countries 1:10m (public domain). The TopoJSON is decoded here with
// no dependency. The output is deterministic: rerunning gives the same bytes.
// See static/map/README.md.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const WORLD_ATLAS = "world-atlas@2.0.2";
const WORLD_ATLAS_INTEGRITY =
  "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==";
const DECIMALS = 4;
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

// Hoàng Sa (Paracel Islands): Natural Earth has no separate feature; its
// island polygons sit inside another country's MultiPolygon. We take every
// polygon lying wholly inside this box, whatever feature holds it.
const HOANG_SA_BOX = { west: 110.9, south: 15.6, east: 113.0, north: 17.3 };
// Trường Sa (Spratly Islands): Natural Earth has the feature "Spratly Is.".
const TRUONG_SA_FEATURE = "Spratly Is.";
// Natural Earth 1:10m omits đảo Trường Sa (Trường Sa Lớn, Spratly Island),
// the archipelago's namesake and the seat of huyện Trường Sa. When no polygon
// lies near it, a small marker square (~0.006°, ~650 m) is added at its
// well-known position. Longitude, latitude:
const TRUONG_SA_LON_LAT = [111.9194, 8.6447];
const MARKER_HALF = 0.003;

function parseArgs(argv) {
  const args = { input: null, output: join(REPO, "static", "map", "vietnam-outline.geojson") };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--input") args.input = resolve(argv[++i]);
    else if (argv[i] === "--output") args.output = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (use --input FILE, --output FILE)`);
  }
  return args;
}

function fetchWorldAtlas() {
  const dir = mkdtempSync(join(tmpdir(), "khuyencong-map-"));
  try {
    const env = { ...process.env, npm_config_loglevel: "error" };
    const out = execFileSync("npm", ["pack", "--json", WORLD_ATLAS], { cwd: dir, env, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 26 });
    const [info] = JSON.parse(out.toString());
    if (info.integrity !== WORLD_ATLAS_INTEGRITY) {
      throw new Error(`${WORLD_ATLAS}: integrity ${info.integrity} is not the pinned ${WORLD_ATLAS_INTEGRITY}`);
    }
    execFileSync("tar", ["-xzf", info.filename, "package/countries-10m.json"], { cwd: dir });
    return readFileSync(join(dir, "package", "countries-10m.json"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- TopoJSON decoding (spec: github.com/topojson/topojson-specification) ---
function decodeArcs(topology) {
  const t = topology.transform;
  return topology.arcs.map((arc) => {
    if (!t) return arc.map((p) => [p[0], p[1]]);
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
      x += dx; y += dy;
      return [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]];
    });
  });
}

function ringFromArcs(indexes, arcs) {
  const out = [];
  indexes.forEach((i, k) => {
    const arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    out.push(...(k === 0 ? arc : arc.slice(1))); // arcs share their end points
  });
  return out;
}

function polygonsOf(geometry, arcs) {
  if (geometry.type === "Polygon") return [geometry.arcs.map((r) => ringFromArcs(r, arcs))];
  if (geometry.type === "MultiPolygon") return geometry.arcs.map((p) => p.map((r) => ringFromArcs(r, arcs)));
  return [];
}

// --- geometry helpers ---
const round = (v) => Math.round(v * 10 ** DECIMALS) / 10 ** DECIMALS + 0; // "+ 0" turns -0 into 0

function signedArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return a / 2; // > 0: counter-clockwise
}

// Round, drop repeated points, close the ring, wind it per RFC 7946 (exterior
// counter-clockwise, holes clockwise). Returns null for a ring that collapses.
function cleanRing(ring, exterior) {
  const out = [];
  for (const [x, y] of ring) {
    const p = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  const [f, l] = [out[0], out[out.length - 1]];
  if (f[0] !== l[0] || f[1] !== l[1]) out.push([f[0], f[1]]);
  if (out.length < 4 || signedArea(out) === 0) return null;
  if ((signedArea(out) > 0) !== exterior) out.reverse();
  return out;
}

let dropped = 0;
function cleanPolygons(polygons) {
  const result = [];
  for (const poly of polygons) {
    const outer = cleanRing(poly[0], true);
    if (!outer) { dropped++; continue; }
    const holes = poly.slice(1).map((r) => cleanRing(r, false)).filter(Boolean);
    result.push([outer, ...holes]);
  }
  return result;
}

function bboxOf(polygons) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polygons) for (const [x, y] of poly[0]) {
    b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y);
  }
  return b;
}

const inBox = (poly, box) => poly[0].every(([x, y]) => x >= box.west && x <= box.east && y >= box.south && y <= box.north);
const key = (poly) => JSON.stringify(bboxOf([poly]));
const sortPolygons = (polys) => polys.sort((a, b) => a[0][0][1] - b[0][0][1] || a[0][0][0] - b[0][0][0]);

function feature(properties, polygons) {
  return { type: "Feature", properties, geometry: { type: "MultiPolygon", coordinates: polygons } };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const topology = JSON.parse(args.input ? readFileSync(args.input, "utf8") : fetchWorldAtlas());
  const arcs = decodeArcs(topology);
  const geoms = topology.objects.countries.geometries;

  const vn = geoms.filter((g) => g.id === "704");
  if (vn.length !== 1) throw new Error(`expected one geometry with id 704 (Vietnam), found ${vn.length}`);
  const vietnam = cleanPolygons(polygonsOf(vn[0], arcs));

  const seen = new Set();
  const hoangSaRaw = [];
  for (const g of geoms) {
    for (const poly of polygonsOf(g, arcs)) {
      if (inBox(poly, HOANG_SA_BOX) && !seen.has(key(poly))) { seen.add(key(poly)); hoangSaRaw.push(poly); }
    }
  }
  const hoangSa = cleanPolygons(hoangSaRaw);
  if (hoangSa.length === 0) throw new Error("no island polygon found in the Hoàng Sa box");

  const sp = geoms.filter((g) => g.properties && g.properties.name === TRUONG_SA_FEATURE);
  if (sp.length !== 1) throw new Error(`expected one "${TRUONG_SA_FEATURE}" geometry, found ${sp.length}`);
  const truongSa = cleanPolygons(polygonsOf(sp[0], arcs));
  const [lon, lat] = TRUONG_SA_LON_LAT;
  const near = truongSa.some((poly) => poly[0].some(([x, y]) => Math.abs(x - lon) < 0.05 && Math.abs(y - lat) < 0.05));
  let marker = false;
  if (!near) {
    const h = MARKER_HALF;
    truongSa.push([[[lon - h, lat - h], [lon + h, lat - h], [lon + h, lat + h], [lon - h, lat + h], [lon - h, lat - h]].map(([x, y]) => [round(x), round(y)])]);
    marker = true;
  }

  const features = [
    feature({ name: "Việt Nam", iso_n3: "704" }, sortPolygons(vietnam)),
    feature({ name: "Quần đảo Hoàng Sa" }, sortPolygons(hoangSa)),
    feature({ name: "Quần đảo Trường Sa" }, sortPolygons(truongSa)),
  ];
  const bbox = bboxOf(features.flatMap((f) => f.geometry.coordinates));
  // One feature per line keeps diffs readable and the file small.
  const text = `{"type":"FeatureCollection","bbox":${JSON.stringify(bbox)},"features":[\n${features.map((f) => JSON.stringify(f)).join(",\n")}\n]}\n`;
  writeFileSync(args.output, text);

  const points = features.map((f) => f.geometry.coordinates.reduce((n, p) => n + p.reduce((m, r) => m + r.length, 0), 0));
  console.log(`wrote ${args.output} (${Buffer.byteLength(text)} bytes)`);
  features.forEach((f, i) => console.log(`  ${f.properties.name}: ${f.geometry.coordinates.length} polygons, ${points[i]} positions`));
  console.log(`  bbox ${bbox.join(", ")}; ${dropped} ring(s) dropped as degenerate after rounding; Trường Sa marker added: ${marker}`);
}

main();
