// Render a .pan file to HTML with the extension's TextMate grammar (shiki runs vscode-textmate + oniguruma).
//   node highlight.mjs INPUT.pan OUTPUT.html [theme]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHighlighter } from "shiki";

const here = dirname(fileURLToPath(import.meta.url));
const [input, output, theme = "dark-plus"] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node highlight.mjs INPUT.pan OUTPUT.html [theme]");
  process.exit(2);
}
const grammar = JSON.parse(readFileSync(join(here, "..", "syntaxes", "panoptic.tmLanguage.json"), "utf8"));
const highlighter = await createHighlighter({ themes: [theme], langs: [{ ...grammar, name: "panoptic" }] });
const code = readFileSync(input, "utf8");
const body = highlighter.codeToHtml(code, { lang: "panoptic", theme });
writeFileSync(
  output,
  `<!doctype html><html><head><meta charset="utf-8"><title>${input}</title><style>
  body { margin: 0; background: #1e1e1e; }
  .frame { padding: 0; }
  .bar { font: 13px system-ui, sans-serif; color: #ccc; background: #252526; padding: 8px 16px; }
  pre.shiki { margin: 0; padding: 14px 18px; font: 15px/1.45 "DejaVu Sans Mono", monospace; }
  </style></head><body><div class="frame"><div class="bar">checkout.pan — Panoptic</div>${body}</div></body></html>\n`
);
console.log(`wrote ${output}`);
