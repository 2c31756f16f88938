// Builds the classroom view's page: bundles src/main.js and its modules (esbuild,
// minified, one IIFE) and src/style.css, and inlines both into src/page.html, giving
// one self-contained file, dist/view.html, that CMake embeds into cohsim (so neither
// building nor running cohsim needs Node.js). The output depends on the sources and
// the locked esbuild version only (no timestamps, no paths), so it is reproducible.
//   node build.js                 writes dist/view.html
//   node build.js --check         fails if dist/view.html differs from a fresh build
//   node build.js --out FILE      writes FILE instead
// (`npm ci` in this directory first: it installs the esbuild of package-lock.json.)
"use strict";
const esbuild = require("esbuild");
const fs = require("fs");
const path = require("path");

const here = __dirname;
const src = path.join(here, "src");
const committed = path.join(here, "dist", "view.html");
const arg = k => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : undefined; };

function bundle(entry, options) {
  const r = esbuild.buildSync(Object.assign({
    entryPoints: [path.join(src, entry)],
    bundle: true,
    minify: true,
    write: false,
    charset: "utf8",
    legalComments: "none",
    logLevel: "warning",
    absWorkingDir: here,
  }, options));
  return r.outputFiles[0].text.trim();
}

function build() {
  const t0 = Date.now();
  const js = bundle("main.js", {format: "iife", target: "es2020", platform: "browser"});
  const css = bundle("style.css", {loader: {".css": "css"}});
  const page = fs.readFileSync(path.join(src, "page.html"), "utf8");
  for (const m of ["<!--COHSIM_STYLE-->", "<!--COHSIM_SCRIPT-->", "/*COHSIM_EVENTS*/"])
    if (page.split(m).length !== 2) throw new Error(`src/page.html must hold ${m} exactly once`);
  // The page is embedded in a C++ raw string and its events marker is replaced at run
  // time: the script must hold neither, nor anything that closes its <script> element.
  for (const [what, text] of [["script", js], ["style", css]]) {
    if (/<\/(script|style)/i.test(text)) throw new Error(`the bundled ${what} contains a closing </script> or </style>`);
    if (text.includes("COHSIM_EVENTS") || text.includes(")cohsim_view\"")) throw new Error(`the bundled ${what} contains a reserved marker`);
  }
  const out = page.replace("<!--COHSIM_STYLE-->", () => `<style>${css}</style>`)
                  .replace("<!--COHSIM_SCRIPT-->", () => `<script>${js}</script>`);
  return {out, ms: Date.now() - t0};
}

const {out, ms} = build();
if (process.argv.includes("--check")) {
  const have = fs.existsSync(committed) ? fs.readFileSync(committed, "utf8") : "";
  if (have !== out) {
    const fresh = arg("--out") || path.join(require("os").tmpdir(), "cohsim-view.html");
    fs.writeFileSync(fresh, out);
    console.error(`FAIL: sim/cli/view/dist/view.html is not the build of sim/cli/view/src/ (fresh build: ${fresh}, ` +
                  `${out.length} bytes; committed: ${have.length} bytes). Run \`npm ci && npm run build\` in sim/cli/view and commit dist/view.html.`);
    process.exit(1);
  }
  console.log(`sim/cli/view/dist/view.html matches a fresh build of src/ (esbuild ${esbuild.version}, ${out.length} bytes, ${ms} ms)`);
} else {
  const dest = arg("--out") || committed;
  fs.mkdirSync(path.dirname(dest), {recursive: true});
  fs.writeFileSync(dest, out);
  console.log(`wrote ${path.relative(process.cwd(), dest) || dest} (esbuild ${esbuild.version}, ${out.length} bytes, ${ms} ms)`);
}
