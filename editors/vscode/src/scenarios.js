// Plain logic of the extension, free of the `vscode` module so that node's test runner can test it:
// finding scenarios in a .pan text (CodeLens), the `panoptic run` arguments that select one scenario,
// reading `panoptic run --list --format json`, and reading the events of results.jsonl.gz as it grows.
"use strict";

const zlib = require("zlib");

const SCENARIO = /^(\s*)scenario\s+"((?:[^"\\]|\\.)*)"/;

// The scenarios declared in a .pan text: [{title, line (0-based), col (0-based), length}].
function findScenarios(text) {
  const out = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = SCENARIO.exec(lines[i]);
    if (!m) continue;
    out.push({ title: unescape(m[2]), line: i, col: m[1].length, length: m[0].length - m[1].length });
  }
  return out;
}

function unescape(text) {
  return text.replace(/\\(.)/g, (_all, c) => ({ n: "\n", t: "\t" })[c] || c);
}

// A `-k` expression that selects exactly this title: an explicit glob with its wildcards escaped, quoted
// so that spaces and the words and/or/not stay part of it.
function keywordFor(title) {
  const glob = "glob:" + title.replace(/[[\]*?]/g, (c) => "[" + c + "]");
  return title.includes('"') ? "'" + glob + "'" : '"' + glob + '"';
}

// The arguments of `panoptic run` for some scenarios of one file, writing into `output`.
function runArgs(file, titles, output) {
  const args = ["run", file];
  for (const title of titles) args.push("-k", keywordFor(title));
  if (output) args.push("--output", output);
  return args;
}

// The code lenses of a .pan text: one "Run scenario" per scenario, with the arguments of its command.
function codeLenses(text, file) {
  return findScenarios(text).map((sc) => ({
    line: sc.line,
    col: sc.col,
    length: sc.length,
    title: "▶ Run scenario",
    tooltip: `panoptic run ${file} -k ${keywordFor(sc.title)}`,
    args: [file, sc.title],
  }));
}

// `panoptic run --list --format json` → files in order, each with its scenarios.
function parseList(jsonText) {
  const data = JSON.parse(jsonText);
  if (!data || !Array.isArray(data.scenarios)) throw new Error("not the output of panoptic run --list --format json");
  const files = new Map();
  for (const sc of data.scenarios) {
    const key = sc.path || sc.file;
    if (!files.has(key)) files.set(key, { path: key, file: sc.file, scenarios: [] });
    files.get(key).scenarios.push(sc);
  }
  return [...files.values()];
}

// The records of a results.jsonl.gz that may still be growing (sync-flushed gzip, maybe a partial line).
// Step lines are arrays (["s", n, path, action, text, span, phase, at, chain?] and ["f", n, path, status,
// duration, extra?]); they are returned with the scenario id of the attempt they refer to.
function readEvents(buffer) {
  if (!buffer || buffer.length === 0) return [];
  let text;
  if (buffer[0] === 0x1f && buffer[1] === 0x8b) {
    text = zlib.gunzipSync(buffer, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8");
  } else {
    text = buffer.toString("utf8");
  }
  const lines = text.split("\n");
  if (!text.endsWith("\n")) lines.pop(); // a line still being written
  const attempts = new Map();
  const out = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    let item;
    try {
      item = JSON.parse(line);
    } catch (_err) {
      continue;
    }
    if (Array.isArray(item)) {
      const scenario = attempts.get(item[1]);
      if (scenario === undefined) continue;
      if (item[0] === "s") out.push({ kind: "step_started", scenario, path: item[2], text: item[4] });
      else out.push({ kind: "step_finished", scenario, path: item[2], status: item[3], duration: item[4], ...(item[5] || {}) });
      continue;
    }
    if (item.kind === "scenario_started" && item.n !== undefined) attempts.set(item.n, item.scenario);
    out.push(item);
  }
  return out;
}

// What the test explorer shows for a finished scenario: passed, failed, errored or skipped, and a message.
function outcome(event) {
  const status = event.status;
  const state = { passed: "passed", flaky: "passed", failed: "failed", error: "errored", skipped: "skipped" }[status] || "errored";
  const f = event.failure;
  let message = null;
  if (f) {
    const lines = [`${f.code}: ${f.message}`];
    if (f.expected != null) lines.push(`expected: ${f.expected}`);
    if (f.actual != null) lines.push(`actual:   ${f.actual}`);
    if (f.help) lines.push(`help: ${f.help}`);
    message = lines.join("\n");
  }
  return {
    state,
    message,
    expected: f && f.expected != null ? f.expected : null,
    actual: f && f.actual != null ? f.actual : null,
    file: f && f.span ? f.span.file : null,
    line: f && f.span ? f.span.line - 1 : null,
    col: f && f.span ? f.span.col - 1 : null,
    durationMs: Math.round((event.duration || 0) * 1000),
    flaky: status === "flaky",
    artifacts: (event.artifacts || []).map((a) => a.path),
  };
}

module.exports = { findScenarios, keywordFor, runArgs, codeLenses, parseList, readEvents, outcome };
