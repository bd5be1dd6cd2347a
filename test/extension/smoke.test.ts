// The first thing every other extension test relies on: inside a real VS Code extension host the
// extension is found under its manifest id, activates without throwing, and has registered every
// command its package.json promises (a declared command without a handler fails only when a person
// clicks it, with "command not found").
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

interface Manifest {
  name: string;
  publisher: string;
  contributes?: { commands?: { command: string }[] };
}

// out/test/extension/smoke.test.js → the repository root.
const manifest = require(path.resolve(__dirname, '..', '..', '..', 'package.json')) as Manifest;
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('extension smoke', () => {
  it('is installed under its manifest id', () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} is not loaded; ids seen: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext);
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    const declared = (manifest.contributes?.commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json contributes no commands');
    await vscode.extensions.getExtension(extensionId)?.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
  });
});
