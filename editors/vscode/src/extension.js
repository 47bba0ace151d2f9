// Panoptic for VS Code: the language server (`panoptic lsp`), a "Run scenario" CodeLens above every scenario,
// and the Test Explorer tree from `panoptic run --list --format json`, with results read from the run's event
// stream (results.jsonl.gz) while it runs.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");
const childProcess = require("child_process");
const fs = require("fs");
const path = require("path");
const { codeLenses, parseList, readEvents, outcome, runArgs, keywordFor } = require("./scenarios");

let client;
let controller;
const scenarioItems = new Map(); // `${file path}\0${title}` → TestItem

function config() {
  return vscode.workspace.getConfiguration("panoptic");
}

function executable() {
  return config().get("executablePath") || "panoptic";
}

// ---- language server -------------------------------------------------------------------------------------

function serverOptions() {
  const args = ["lsp", ...(config().get("extraArgs") || [])];
  return { command: executable(), args, transport: TransportKind.stdio };
}

async function start() {
  client = new LanguageClient("panoptic", "Panoptic Language Server", serverOptions(), {
    documentSelector: [
      { scheme: "file", language: "panoptic" },
      { scheme: "untitled", language: "panoptic" },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.pan") },
  });
  try {
    await client.start();
  } catch (err) {
    client = undefined; // a client whose start failed cannot be stopped
    vscode.window.showErrorMessage(
      `Panoptic: could not start \`${executable()} lsp\` (${err.message}). Set "panoptic.executablePath" to your panoptic executable.`
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    try {
      await running.stop();
    } catch (_err) {
      // already stopped, or it never started
    }
  }
}

// ---- CodeLens --------------------------------------------------------------------------------------------

class ScenarioLenses {
  constructor() {
    this.changed = new vscode.EventEmitter();
    this.onDidChangeCodeLenses = this.changed.event;
  }

  provideCodeLenses(document) {
    return codeLenses(document.getText(), document.uri.fsPath).map((lens) => {
      const range = new vscode.Range(lens.line, lens.col, lens.line, lens.col + lens.length);
      return new vscode.CodeLens(range, {
        title: lens.title,
        tooltip: lens.tooltip,
        command: "panoptic.runScenario",
        arguments: lens.args,
      });
    });
  }
}

async function runScenario(file, title) {
  let item = scenarioItems.get(key(file, title));
  if (!item) {
    await refresh();
    item = scenarioItems.get(key(file, title));
  }
  if (item) {
    const cancel = new vscode.CancellationTokenSource();
    await runTests(new vscode.TestRunRequest([item]), cancel.token);
    return;
  }
  // Not in the tree (e.g. the file has errors): run it in a terminal, where the errors are printed.
  const terminal = vscode.window.createTerminal("Panoptic");
  terminal.show();
  terminal.sendText(`${shellQuote(executable())} run ${shellQuote(file)} -k ${shellQuote(keywordFor(title))}`);
}

function shellQuote(text) {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : "'" + text.replace(/'/g, "'\\''") + "'";
}

// ---- Test Explorer ---------------------------------------------------------------------------------------

function key(file, title) {
  return `${path.resolve(file)}\0${title}`;
}

function exec(args, cwd) {
  return new Promise((resolve) => {
    childProcess.execFile(executable(), args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr, error });
    });
  });
}

async function refresh() {
  const folders = vscode.workspace.workspaceFolders || [];
  const files = [];
  scenarioItems.clear();
  for (const folder of folders) {
    const result = await exec(["run", folder.uri.fsPath, "--list", "--format", "json"], folder.uri.fsPath);
    if (result.code !== 0) {
      const item = controller.createTestItem(`error:${folder.uri.fsPath}`, `${folder.name}: cannot list the scenarios`);
      item.error = (result.stderr || (result.error && result.error.message) || "").trim();
      files.push(item);
      continue;
    }
    for (const file of parseList(result.stdout)) {
      const uri = vscode.Uri.file(file.path);
      const fileItem = controller.createTestItem(file.path, path.relative(folder.uri.fsPath, file.path) || file.file, uri);
      for (const sc of file.scenarios) {
        const item = controller.createTestItem(sc.id, sc.title, uri);
        item.range = new vscode.Range(sc.line - 1, sc.col - 1, sc.line - 1, sc.col - 1);
        item.tags = (sc.tags || []).map((t) => new vscode.TestTag(t));
        item.description = sc.app;
        fileItem.children.add(item);
        scenarioItems.set(key(file.path, sc.title), item);
      }
      files.push(fileItem);
    }
  }
  controller.items.replace(files);
}

function leaves(request) {
  const chosen = [];
  const excluded = new Set((request.exclude || []).map((i) => i.id));
  const visit = (item) => {
    if (excluded.has(item.id)) return;
    if (item.children.size === 0) {
      if (item.uri) chosen.push(item);
      return;
    }
    item.children.forEach(visit);
  };
  if (request.include) request.include.forEach(visit);
  else controller.items.forEach(visit);
  return chosen;
}

async function runTests(request, token) {
  const run = controller.createTestRun(request);
  const byFile = new Map();
  for (const item of leaves(request)) {
    const file = item.uri.fsPath;
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push(item);
    run.enqueued(item);
  }
  for (const [file, items] of byFile) {
    if (token.isCancellationRequested) break;
    await runFile(run, file, items, token);
  }
  run.end();
}

function runFile(run, file, items, token) {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  const cwd = folder ? folder.uri.fsPath : path.dirname(file);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const output = path.join(cwd, "panoptic-results", `editor-${stamp}`);
  const byTitle = new Map(items.map((i) => [i.label, i]));
  const args = [...runArgs(file, items.map((i) => i.label), output), ...(config().get("runArgs") || [])];
  run.appendOutput(`$ ${executable()} ${args.join(" ")}\r\n`);
  return new Promise((resolve) => {
    const child = childProcess.spawn(executable(), args, { cwd, env: { ...process.env, NO_COLOR: "1" } });
    child.stdout.on("data", (d) => run.appendOutput(d.toString().replace(/\r?\n/g, "\r\n")));
    child.stderr.on("data", (d) => run.appendOutput(d.toString().replace(/\r?\n/g, "\r\n")));
    let seen = 0;
    const results = path.join(output, "results.jsonl.gz");
    const poll = () => {
      let events;
      try {
        events = readEvents(fs.readFileSync(results));
      } catch (_err) {
        return; // not written yet, or a block being flushed
      }
      for (const event of events.slice(seen)) apply(run, event, byTitle, output, cwd);
      seen = events.length;
    };
    const timer = setInterval(poll, 300);
    const cancel = token.onCancellationRequested(() => child.kill("SIGINT"));
    child.on("error", (err) => {
      for (const item of items) run.errored(item, new vscode.TestMessage(`cannot start ${executable()}: ${err.message}`));
    });
    child.on("close", () => {
      clearInterval(timer);
      cancel.dispose();
      poll();
      resolve();
    });
  });
}

function titleOf(scenarioId) {
  const at = scenarioId.indexOf("::");
  return at >= 0 ? scenarioId.slice(at + 2) : scenarioId;
}

function apply(run, event, byTitle, output, cwd) {
  const item = event.scenario !== undefined ? byTitle.get(titleOf(event.scenario)) : undefined;
  if (!item) return;
  if (event.kind === "scenario_started") {
    run.started(item);
  } else if (event.kind === "step_finished" && event.status !== "passed") {
    run.appendOutput(`  ${event.status}: step ${event.path}\r\n`, undefined, item);
  } else if (event.kind === "scenario_finished") {
    const o = outcome(event);
    if (o.state === "passed") run.passed(item, o.durationMs);
    else if (o.state === "skipped") run.skipped(item);
    else {
      const message = o.expected !== null ? vscode.TestMessage.diff(o.message, o.expected, o.actual) : new vscode.TestMessage(o.message || o.state);
      if (o.file) {
        message.location = new vscode.Location(vscode.Uri.file(path.resolve(cwd, o.file)), new vscode.Position(o.line, o.col));
      }
      if (o.state === "failed") run.failed(item, message, o.durationMs);
      else run.errored(item, message, o.durationMs);
      for (const artifact of o.artifacts) run.appendOutput(`  ${path.join(output, artifact)}\r\n`, undefined, item);
    }
  }
}

// ---- activation ------------------------------------------------------------------------------------------

async function activate(context) {
  controller = vscode.tests.createTestController("panoptic", "Panoptic");
  controller.resolveHandler = async (item) => {
    if (!item) await refresh();
  };
  controller.refreshHandler = () => refresh();
  controller.createRunProfile("Run", vscode.TestRunProfileKind.Run, (request, token) => runTests(request, token), true);
  const lenses = new ScenarioLenses();
  const watcher = vscode.workspace.createFileSystemWatcher("**/*.pan");
  context.subscriptions.push(
    controller,
    watcher,
    watcher.onDidChange(() => refresh()),
    watcher.onDidCreate(() => refresh()),
    watcher.onDidDelete(() => refresh()),
    vscode.languages.registerCodeLensProvider({ language: "panoptic" }, lenses),
    vscode.commands.registerCommand("panoptic.runScenario", runScenario),
    vscode.commands.registerCommand("panoptic.refreshTests", () => refresh()),
    vscode.commands.registerCommand("panoptic.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("panoptic.executablePath") || event.affectsConfiguration("panoptic.extraArgs")) {
        await stop();
        await start();
      }
    })
  );
  start(); // not awaited: the scenarios and the CodeLens work even while (or when) the server cannot start
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
