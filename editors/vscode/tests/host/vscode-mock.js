// A stand-in for the `vscode` module, enough to activate the bundled extension outside VS Code and record
// what it registers and reports. Members it does not define are inert placeholders (vscode-languageclient
// touches many classes and enums when it loads).
"use strict";

function anything(name) {
  // callable (returns another placeholder), constructible (a base class) and with every property
  const target = function () {
    if (new.target) return undefined;
    return anything(`${name}()`);
  };
  return new Proxy(target, {
    get(t, prop) {
      if (prop in t) return t[prop];
      if (prop === Symbol.toPrimitive) return () => 0;
      if (prop === "then") return undefined;
      return anything(`${name}.${String(prop)}`);
    },
  });
}

const disposable = { dispose() {} };
const record = { commands: {}, lenses: [], controllers: [], errors: [], terminals: [] };
const settings = { executablePath: "panoptic", extraArgs: [], runArgs: [] };
let folders = [];

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener) => {
      this.listeners.push(listener);
      return disposable;
    };
  }
  fire(value) {
    for (const l of this.listeners) l(value);
  }
  dispose() {}
}

class Position {
  constructor(line, character) {
    Object.assign(this, { line, character });
  }
}

class Range {
  constructor(a, b, c, d) {
    this.start = new Position(a, b);
    this.end = new Position(c, d);
  }
}

class Location {
  constructor(uri, position) {
    Object.assign(this, { uri, range: position });
  }
}

class CodeLens {
  constructor(range, command) {
    Object.assign(this, { range, command });
  }
}

class TestMessage {
  constructor(message) {
    this.message = message;
  }
  static diff(message, expected, actual) {
    const m = new TestMessage(message);
    Object.assign(m, { expectedOutput: expected, actualOutput: actual });
    return m;
  }
}

class TestTag {
  constructor(id) {
    this.id = id;
  }
}

class TestRunRequest {
  constructor(include, exclude) {
    Object.assign(this, { include, exclude });
  }
}

class CancellationTokenSource {
  constructor() {
    this.token = { isCancellationRequested: false, onCancellationRequested: () => disposable };
  }
}

const Uri = {
  file: (p) => ({ fsPath: p, path: p, scheme: "file", toString: () => `file://${p}` }),
};

class Collection {
  constructor() {
    this.map = new Map();
  }
  get size() {
    return this.map.size;
  }
  add(item) {
    this.map.set(item.id, item);
  }
  replace(items) {
    this.map = new Map(items.map((i) => [i.id, i]));
  }
  get(id) {
    return this.map.get(id);
  }
  forEach(fn) {
    [...this.map.values()].forEach(fn);
  }
}

function createTestController(id, label) {
  const controller = {
    id,
    label,
    items: new Collection(),
    profiles: [],
    runs: [],
    createTestItem(itemId, itemLabel, uri) {
      return { id: itemId, label: itemLabel, uri, children: new Collection(), tags: [] };
    },
    createRunProfile(profileLabel, kind, handler, isDefault) {
      const profile = { label: profileLabel, kind, handler, isDefault };
      controller.profiles.push(profile);
      return profile;
    },
    createTestRun(request) {
      const events = [];
      const run = { request, events, output: "", ended: false };
      for (const what of ["enqueued", "started", "passed", "failed", "errored", "skipped"]) {
        run[what] = (item, message, duration) => events.push({ what, id: item.id, message, duration });
      }
      run.appendOutput = (text) => {
        run.output += text;
      };
      run.end = () => {
        run.ended = true;
      };
      controller.runs.push(run);
      return run;
    },
    dispose() {},
  };
  record.controllers.push(controller);
  return controller;
}

const known = {
  version: "1.95.0",
  EventEmitter,
  Position,
  Range,
  Location,
  CodeLens,
  TestMessage,
  TestTag,
  TestRunRequest,
  CancellationTokenSource,
  Uri,
  TestRunProfileKind: { Run: 1, Debug: 2, Coverage: 3 },
  tests: { createTestController },
  languages: {
    registerCodeLensProvider(selector, provider) {
      record.lenses.push({ selector, provider });
      return disposable;
    },
  },
  commands: {
    registerCommand(name, fn) {
      record.commands[name] = fn;
      return disposable;
    },
    executeCommand: async () => undefined,
  },
  window: {
    showErrorMessage(message) {
      record.errors.push(message);
      return Promise.resolve(undefined);
    },
    createTerminal(name) {
      const terminal = { name, sent: [], show() {}, sendText: (t) => terminal.sent.push(t) };
      record.terminals.push(terminal);
      return terminal;
    },
  },
  workspace: {
    get workspaceFolders() {
      return folders;
    },
    getConfiguration: () => ({ get: (key) => settings[key] }),
    createFileSystemWatcher: () => ({
      onDidChange: () => disposable,
      onDidCreate: () => disposable,
      onDidDelete: () => disposable,
      dispose() {},
    }),
    onDidChangeConfiguration: () => disposable,
    getWorkspaceFolder: (uri) => folders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
  },
};

// every namespace answers members it does not define with a placeholder (events, providers, …)
for (const ns of ["languages", "commands", "window", "workspace", "tests"]) {
  known[ns] = new Proxy(known[ns], {
    get(t, prop) {
      return prop in t ? t[prop] : anything(`vscode.${ns}.${String(prop)}`);
    },
  });
}

const vscode = new Proxy(known, {
  get(t, prop) {
    if (prop in t) return t[prop];
    if (prop === "__record") return record;
    if (prop === "__settings") return settings;
    if (prop === "__setFolders") return (list) => (folders = list);
    return anything(`vscode.${String(prop)}`);
  },
});

module.exports = vscode;
