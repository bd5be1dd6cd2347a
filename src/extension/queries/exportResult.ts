/**
 * Export a result (or a whole table) as CSV, JSON or Markdown: to the clipboard or to a file
 * chosen in a save dialog. Callers that already know where (another extension, a test) pass
 * `to`: 'clipboard' or a file URI, and no question is asked.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exportExtension, exportResult, type ExportableResult, type ExportFormat } from '../../core/queries';

export type ExportDestination = 'clipboard' | vscode.Uri;

const FORMAT_NAMES: Record<ExportFormat, string> = { csv: 'CSV', json: 'JSON', markdown: 'Markdown' };

export async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    (Object.keys(FORMAT_NAMES) as ExportFormat[]).map((f) => ({ label: FORMAT_NAMES[f], description: f === 'csv' ? 'RFC 4180' : f === 'markdown' ? 'a GitHub table' : 'an array of objects', format: f })),
    { title: 'Export as' },
  );
  return picked?.format;
}

/** Writes the export; returns where it went, or undefined when the user backed out. */
export async function exportTo(result: ExportableResult, format: ExportFormat, baseName: string, to?: ExportDestination): Promise<ExportDestination | undefined> {
  let destination = to;
  if (!destination) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: '$(copy) Copy to Clipboard', to: 'clipboard' as const },
        { label: '$(save-as) Save to File…', to: 'file' as const },
      ],
      { title: `Export ${result.rows.length} row(s) as ${FORMAT_NAMES[format]}` },
    );
    if (!choice) return undefined;
    if (choice.to === 'clipboard') destination = 'clipboard';
    else {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `${safeFileName(baseName)}.${exportExtension(format)}`;
      destination = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(path.join(os.homedir(), name)),
        filters: { [FORMAT_NAMES[format]]: [exportExtension(format)] },
        title: `Export as ${FORMAT_NAMES[format]}`,
      });
      if (!destination) return undefined;
    }
  }
  const text = exportResult(result, format);
  if (destination === 'clipboard') {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(`Copied ${result.rows.length} row(s) as ${FORMAT_NAMES[format]}.`);
  } else {
    await vscode.workspace.fs.writeFile(destination, Buffer.from(text, 'utf8'));
    const open = 'Open';
    void vscode.window.showInformationMessage(`Saved ${result.rows.length} row(s) to ${destination.fsPath}.`, open).then((c) => {
      if (c === open) void vscode.window.showTextDocument(destination as vscode.Uri);
    });
  }
  return destination;
}

function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').slice(0, 80) || 'result';
}
