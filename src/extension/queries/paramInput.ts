/**
 * Asking for named parameters: one input box per parameter, prefilled with its default (a quick
 * query's) or the value used last time (the console's), checked as it is typed.
 */
import * as vscode from 'vscode';
import { errorLine } from '../../core/errors';
import { coerceParam } from '../../core/queries';
import type { ParamContext, QuickParam } from '../../core/queries';

/** Values for `names` (in order; a default accepted unchanged is left out); undefined when the user pressed Escape. `given` values are not asked. */
export async function askParams(
  names: string[],
  declared: QuickParam[],
  given: Record<string, string>,
  remembered: Map<string, string>,
  ctx: ParamContext,
  title: string,
): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = {};
  const toAsk = names.filter((n) => !(n in given));
  for (const name of names) if (name in given) values[name] = given[name];
  for (const [i, name] of toAsk.entries()) {
    const decl = declared.find((p) => p.name === name);
    const def = decl?.default === undefined ? undefined : typeof decl.default === 'function' ? decl.default(ctx) : decl.default;
    const value = await vscode.window.showInputBox({
      title: `${title}: parameter ${i + 1} of ${toAsk.length}`,
      prompt: `:${name}${decl ? ` — ${decl.label}` : ''}${decl?.hint ? ` (${decl.hint})` : ''}`,
      value: remembered.get(name) ?? def ?? '',
      placeHolder: decl?.type === 'date' ? 'YYYY-MM-DD' : decl?.type === 'integer' ? 'an integer' : 'a number binds as a number, anything else as text',
      ignoreFocusOut: true,
      validateInput: (text) => {
        if (!decl) return undefined;
        try {
          coerceParam(name, decl.type, text);
          return undefined;
        } catch (err) {
          return errorLine(err);
        }
      },
    });
    if (value === undefined) return undefined;
    remembered.set(name, value);
    // The default accepted as shown stays "the default" (the results say so, and a date default moves with the clock).
    if (value !== def) values[name] = value;
  }
  return values;
}
