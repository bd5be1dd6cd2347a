#!/usr/bin/env node
// Regenerates the Settings and Commands tables of README.md from package.json
// (contributes.configuration and contributes.commands), between the <!-- settings:begin/end -->
// and <!-- commands:begin/end --> markers, so the documentation cannot drift from the manifest.
//
//   node scripts/extensionDocs.js          rewrite the tables
//   node scripts/extensionDocs.js --check  exit 1 if they are out of date
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const doc = path.join(root, 'README.md');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// A table cell: one line, pipes escaped; VS Code's #setting# links become plain code.
const cell = (s) => String(s).replace(/#(containerDb\.\w+)#/g, '$1').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function settingsTable() {
  const props = manifest.contributes.configuration.properties;
  const rows = Object.entries(props).map(([key, p]) => {
    const type = Array.isArray(p.type) ? p.type.join(' or ') : p.type;
    const range = p.minimum !== undefined || p.maximum !== undefined ? ` (${p.minimum ?? '…'}–${p.maximum ?? '…'})` : '';
    return `| \`${key}\` | ${type}${range} | \`${JSON.stringify(p.default)}\` | ${cell(p.markdownDescription || p.description || '')} |`;
  });
  return ['| Setting | Type | Default | What it does |', '|---|---|---|---|', ...rows].join('\n');
}

function commandsTable() {
  const hidden = new Set((manifest.contributes.menus.commandPalette || []).filter((m) => m.when === 'false').map((m) => m.command));
  const rows = manifest.contributes.commands.map(
    (c) => `| ${cell(`${c.category ? `${c.category}: ` : ''}${c.title}`)} | \`${c.command}\` | ${hidden.has(c.command) ? 'tree items only' : 'palette'} |`,
  );
  return ['| Command | Id | Where |', '|---|---|---|', ...rows].join('\n');
}

function replaceBlock(text, name, body) {
  const re = new RegExp(`(<!-- ${name}:begin[^>]*-->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`${doc} has no <!-- ${name}:begin --> … <!-- ${name}:end --> block`);
  return text.replace(re, (_m, a, b) => `${a}${body}\n${b}`);
}

const before = fs.readFileSync(doc, 'utf8');
const after = replaceBlock(replaceBlock(before, 'settings', settingsTable()), 'commands', commandsTable());
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md: the settings or commands table is out of date: run node scripts/extensionDocs.js');
    process.exit(1);
  }
} else if (after !== before) {
  fs.writeFileSync(doc, after);
  console.log('README.md: tables updated');
}
