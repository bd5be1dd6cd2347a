/**
 * Whether secret values are shown, for the whole session: hidden at every start, revealed only by
 * the explicit command (or a panel's Reveal button, which runs it). The grids, results, exports
 * and the compare view all read this one switch, so what a person sees and what they export agree.
 */
import * as vscode from 'vscode';
import { secretPolicy, type SecretPolicy } from '../core/secrets';

export const REVEAL_SECRETS_COMMAND = 'containerDb.revealSecrets';
export const HIDE_SECRETS_COMMAND = 'containerDb.hideSecrets';
/** Context key for the menus' `when` clauses. */
export const SECRETS_REVEALED_KEY = 'containerDb.secretsRevealed';
const PATTERN_SETTING = 'secretColumnPattern';

export class SecretReveal implements vscode.Disposable {
  private shown = false;
  private cached: SecretPolicy | undefined;
  private warnedPattern: string | undefined;
  private log: vscode.LogOutputChannel | undefined;
  private readonly changed = new vscode.EventEmitter<boolean>();
  /** Fires with the new state; also when the pattern setting changes (with the same state). */
  readonly onDidChange = this.changed.event;

  get revealed(): boolean {
    return this.shown;
  }

  /** The built-in rules plus containerDb.secretColumnPattern; an invalid pattern is left out, with one warning. */
  policy(): SecretPolicy {
    const text = vscode.workspace.getConfiguration('containerDb').get<string>(PATTERN_SETTING, '') ?? '';
    if (this.cached?.pattern === text) return this.cached;
    try {
      this.cached = secretPolicy(text);
    } catch (err) {
      if (this.warnedPattern !== text) {
        this.warnedPattern = text;
        const line = `${(err as Error).message} The built-in rules still apply meanwhile.`;
        this.log?.warn(line);
        void vscode.window.showWarningMessage(line);
      }
      this.cached = { ...secretPolicy(''), pattern: text };
    }
    return this.cached;
  }

  /** The policy to mask with, or undefined while secrets are revealed. */
  masking(): SecretPolicy | undefined {
    return this.shown ? undefined : this.policy();
  }

  set(revealed: boolean): void {
    if (revealed === this.shown) return;
    this.shown = revealed;
    void vscode.commands.executeCommand('setContext', SECRETS_REVEALED_KEY, revealed);
    this.log?.info(revealed ? 'Secret values revealed for this session (Hide Secret Values hides them again).' : 'Secret values hidden.');
    this.changed.fire(revealed);
  }

  /** Registers the two commands and the setting's watcher; call once from activation. */
  register(log: vscode.LogOutputChannel): vscode.Disposable[] {
    this.log = log;
    void vscode.commands.executeCommand('setContext', SECRETS_REVEALED_KEY, this.shown);
    return [
      vscode.commands.registerCommand(REVEAL_SECRETS_COMMAND, () => {
        this.set(true);
        return true;
      }),
      vscode.commands.registerCommand(HIDE_SECRETS_COMMAND, () => {
        this.set(false);
        return false;
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`containerDb.${PATTERN_SETTING}`)) this.changed.fire(this.shown);
      }),
      this,
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** One switch per extension host session (the bundle loads this module once). */
export const secretReveal = new SecretReveal();
