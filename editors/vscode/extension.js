// Panoptic for VS Code: starts `panoptic lsp` (the language server) when a .pan file is opened.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const config = vscode.workspace.getConfiguration("panoptic");
  const command = config.get("executablePath") || "panoptic";
  const args = ["lsp", ...(config.get("extraArgs") || [])];
  return { command, args, transport: TransportKind.stdio };
}

async function start(context) {
  client = new LanguageClient(
    "panoptic",
    "Panoptic Language Server",
    serverOptions(),
    {
      documentSelector: [{ scheme: "file", language: "panoptic" }, { scheme: "untitled", language: "panoptic" }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.pan") },
    }
  );
  try {
    await client.start();
  } catch (err) {
    const path = vscode.workspace.getConfiguration("panoptic").get("executablePath");
    vscode.window.showErrorMessage(
      `Panoptic: could not start \`${path} lsp\` (${err.message}). Set "panoptic.executablePath" to your panoptic executable.`
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("panoptic.restartServer", async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("panoptic.executablePath") || event.affectsConfiguration("panoptic.extraArgs")) {
        await stop();
        await start(context);
      }
    })
  );
  await start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
