// Activates the bundled extension (dist/extension.js) against tests/host/vscode-mock.js, with a real
// `panoptic` behind it: lists a workspace's scenarios into the Test Explorer tree, asks for the CodeLenses
// of a file, runs one scenario through the run profile and one through the CodeLens command, and prints
// what the extension registered and reported as JSON. Usage: node explorer.js PANOPTIC WORKSPACE FILE
"use strict";

const Module = require("module");
const path = require("path");
const fs = require("fs");

const mock = require("./vscode-mock");
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "vscode" ? mock : load.call(this, request, ...rest);
};

// The language server is refused in this test (see the wrapper); the client's broken pipe is expected.
const serverErrors = [];
process.on("uncaughtException", (err) => serverErrors.push(String(err && err.code ? err.code : err)));
process.on("unhandledRejection", (err) => serverErrors.push(String(err && err.code ? err.code : err)));

async function main() {
  const [panoptic, workspace, file] = process.argv.slice(2);
  mock.__settings.executablePath = panoptic;
  mock.__setFolders([{ uri: mock.Uri.file(workspace), name: path.basename(workspace), index: 0 }]);
  const ext = require(path.join(__dirname, "..", "..", "dist", "extension.js"));
  const context = { subscriptions: [] };
  await ext.activate(context);
  const record = mock.__record;
  const controller = record.controllers[0];
  await controller.resolveHandler(undefined);
  const tree = [];
  controller.items.forEach((f) => {
    const children = [];
    f.children.forEach((c) => children.push({ id: c.id, label: c.label, line: c.range.start.line, tags: c.tags.map((t) => t.id), app: c.description }));
    tree.push({ id: f.id, label: f.label, children });
  });
  const document = { getText: () => fs.readFileSync(file, "utf8"), uri: mock.Uri.file(file) };
  const lenses = record.lenses[0].provider.provideCodeLenses(document).map((l) => ({ line: l.range.start.line, command: l.command.command, title: l.command.title, args: l.command.arguments }));

  // the run profile, on the first scenario of the file
  const profile = controller.profiles[0];
  const first = [...controller.items.get(tree[0].id).children.map.values()][0];
  await profile.handler(new mock.TestRunRequest([first]), new mock.CancellationTokenSource().token);
  // the CodeLens command, on the second scenario
  await record.commands["panoptic.runScenario"](...lenses[1].args);

  const runs = controller.runs.map((r) => ({
    ended: r.ended,
    events: r.events.map((e) => ({
      what: e.what,
      id: e.id,
      message: e.message && e.message.message,
      expected: e.message && e.message.expectedOutput,
      location: e.message && e.message.location ? { file: e.message.location.uri.fsPath, line: e.message.location.range.line } : undefined,
    })),
    output: r.output,
  }));
  await ext.deactivate();
  process.stdout.write(
    JSON.stringify({
      commands: Object.keys(record.commands).sort(),
      lensSelectors: record.lenses.map((l) => l.selector),
      profiles: controller.profiles.map((p) => ({ label: p.label, kind: p.kind, isDefault: p.isDefault })),
      errors: record.errors,
      serverErrors,
      tree,
      lenses,
      runs,
    })
  );
  process.exit(0);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
