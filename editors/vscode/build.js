// Bundles the extension into dist/extension.js with esbuild (only `vscode` stays external), and writes
// dist/THIRD-PARTY-NOTICES.txt with the licence of every npm package the bundle contains.
"use strict";

const esbuild = require("esbuild");
const fs = require("fs");
const path = require("path");

async function main() {
  const result = await esbuild.build({
    entryPoints: ["src/extension.js"],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    external: ["vscode"],
    minify: true,
    metafile: true,
    outfile: "dist/extension.js",
    logLevel: "warning",
  });
  const packages = new Map();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m && !packages.has(m[1])) packages.set(m[1], JSON.parse(fs.readFileSync(path.join(m[1], "package.json"), "utf8")));
  }
  const parts = [];
  for (const [dir, pkg] of [...packages].sort((a, b) => a[1].name.localeCompare(b[1].name))) {
    const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? fs.readFileSync(path.join(dir, file), "utf8").trim() : `License: ${pkg.license}`;
    parts.push(`${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}\n`);
  }
  const header = "The Panoptic extension bundles these npm packages into dist/extension.js.\n";
  fs.writeFileSync("dist/THIRD-PARTY-NOTICES.txt", [header, ...parts].join("\n" + "-".repeat(78) + "\n\n"));
  const size = fs.statSync("dist/extension.js").size;
  console.log(`dist/extension.js ${(size / 1024).toFixed(1)} KB, ${packages.size} bundled packages`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
