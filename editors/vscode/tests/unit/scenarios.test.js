// Unit tests of the extension's plain logic (CodeLens, run arguments, the list and the event stream),
// run by node's own test runner: `node --test tests/unit/`.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const zlib = require("node:zlib");
const { findScenarios, keywordFor, runArgs, codeLenses, parseList, readEvents, outcome } = require("../../src/scenarios");

const PAN = [
  'use "./shop.pan"',
  "",
  'scenario "checkout with one item" on shop tags smoke {',
  '    open "/"',
  "}",
  "",
  '    scenario "say \\"hi\\" [twice]*" on shop {',
  "}",
  '# scenario "commented out" on shop {',
  'let scenario_name = "scenario \\"x\\""',
].join("\n");

test("finds every scenario with its line, column and unescaped title", () => {
  assert.deepEqual(findScenarios(PAN), [
    { title: "checkout with one item", line: 2, col: 0, length: 33 },
    { title: 'say "hi" [twice]*', line: 6, col: 4, length: 30 },
  ]);
});

test("a CodeLens above each scenario runs exactly that scenario", () => {
  const lenses = codeLenses(PAN, "/w/cart.pan");
  assert.equal(lenses.length, 2);
  assert.equal(lenses[0].title, "▶ Run scenario");
  assert.deepEqual(lenses[0].args, ["/w/cart.pan", "checkout with one item"]);
  assert.equal(lenses[0].line, 2);
  assert.equal(lenses[1].tooltip, `panoptic run /w/cart.pan -k 'glob:say "hi" [[]twice[]][*]'`);
});

test("the -k expression is an explicit, quoted glob with its wildcards escaped", () => {
  assert.equal(keywordFor("sign in and out"), '"glob:sign in and out"');
  assert.equal(keywordFor("50% off? [sale]*"), '"glob:50% off[?] [[]sale[]][*]"');
  assert.equal(keywordFor('say "hi"'), "'glob:say \"hi\"'");
  assert.deepEqual(runArgs("a.pan", ["one", "two"], "/tmp/out"), [
    "run", "a.pan", "-k", '"glob:one"', "-k", '"glob:two"', "--output", "/tmp/out",
  ]);
});

test("the list of `panoptic run --list --format json` becomes files with their scenarios", () => {
  const list = JSON.stringify({
    version: 1,
    total: 3,
    scenarios: [
      { id: "a.pan::one", title: "one", file: "a.pan", path: "/w/a.pan", line: 3, col: 1, app: "shop", platform: "web", tags: ["smoke"] },
      { id: "b.pan::two", title: "two", file: "b.pan", path: "/w/b.pan", line: 1, col: 1, app: "shop", platform: "web", tags: [] },
      { id: "a.pan::three", title: "three", file: "a.pan", path: "/w/a.pan", line: 9, col: 1, app: "shop", platform: "web", tags: [] },
    ],
  });
  const files = parseList(list);
  assert.deepEqual(files.map((f) => [f.path, f.scenarios.map((s) => s.title)]), [
    ["/w/a.pan", ["one", "three"]],
    ["/w/b.pan", ["two"]],
  ]);
  assert.throws(() => parseList('{"nope": 1}'), /panoptic run --list --format json/);
});

function stream(lines, { finish }) {
  // gzip as the results writer does it: a sync flush after a scenario, the end only when the run finished
  const deflate = zlib.createGzip();
  const chunks = [];
  deflate.on("data", (c) => chunks.push(c));
  return new Promise((resolve) => {
    deflate.write(lines.map((l) => JSON.stringify(l) + "\n").join(""));
    deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      if (!finish) return resolve(Buffer.concat(chunks));
      deflate.end(() => resolve(Buffer.concat(chunks)));
    });
  });
}

const FAILURE = {
  code: "PAN901",
  message: 'expected "#count" to have text "2"',
  span: { file: "a.pan", line: 4, col: 5 },
  expected: '"2"',
  actual: '"1"',
  help: "check the counter",
};
const EVENTS = [
  { kind: "run_started", run_id: "r", scenarios: ["a.pan::one"] },
  { kind: "scenario_started", scenario: "a.pan::one", title: "one", attempt: 1, n: 0 },
  ["s", 0, "0", "ui.navigate", 'open "/"', [0, 8, 4, 5, 4, 13], "body", 1.0],
  ["f", 0, "0", "passed", 0.2],
  ["s", 0, "1", "expect.has_text", 'expect "#count" has text "2"', [0, 8, 5, 5, 5, 13], "body", 1.2],
  ["f", 0, "1", "failed", 1.5, { failure: FAILURE, values: 'text = "2"' }],
  { kind: "scenario_finished", scenario: "a.pan::one", status: "failed", duration: 1.8, attempt: 1, failure: FAILURE, artifacts: [{ kind: "trace", path: "artifacts/001-one/trace.zip", name: "trace" }] },
];

test("events are read from a results.jsonl.gz that is still being written", async () => {
  const partial = await stream(EVENTS.slice(0, 4), { finish: false });
  const early = readEvents(partial);
  assert.deepEqual(early.map((e) => e.kind), ["run_started", "scenario_started", "step_started", "step_finished"]);
  assert.equal(early[2].scenario, "a.pan::one");
  const done = readEvents(await stream(EVENTS, { finish: true }));
  assert.equal(done.length, EVENTS.length);
  assert.equal(done[5].values, 'text = "2"');
  assert.equal(done[5].failure.code, "PAN901");
  const cut = Buffer.from(EVENTS.map((e) => JSON.stringify(e)).join("\n").slice(0, -10)); // plain, a line cut short
  assert.equal(readEvents(cut).length, EVENTS.length - 1);
});

test("a finished scenario becomes a test result with its message, diff and location", () => {
  const o = outcome(EVENTS[6]);
  assert.equal(o.state, "failed");
  assert.equal(o.message, 'PAN901: expected "#count" to have text "2"\nexpected: "2"\nactual:   "1"\nhelp: check the counter');
  assert.deepEqual([o.expected, o.actual, o.file, o.line, o.col, o.durationMs], ['"2"', '"1"', "a.pan", 3, 4, 1800]);
  assert.deepEqual(o.artifacts, ["artifacts/001-one/trace.zip"]);
  assert.equal(outcome({ status: "flaky", duration: 1 }).state, "passed");
  assert.equal(outcome({ status: "error", duration: 0 }).state, "errored");
  assert.equal(outcome({ status: "skipped", duration: 0 }).state, "skipped");
});
