/**
 * What a command's result looks like to the workbench.
 *
 * A command run from the palette, a menu or a click sends its result back to the workbench as
 * JSON. Our commands return live objects for their callers in the extension host (tests, other
 * commands): a snapshot entry holds the database's bytes, a grid its panel and pages. JSON of a
 * Uint8Array spells every byte as a key: for a 100 MB database that held the extension host for
 * minutes after the pull had finished, with the view stuck on "pulling…". The workbench does
 * nothing with these results, so it gets a shallow summary instead.
 */

type Summary = Record<string, string | number | boolean | null> | { length: number };

/** Gives `value` a hidden toJSON that yields only its own primitive fields; returns `value` itself. */
export function compactForWorkbench<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value) && value.every(isPrimitive)) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  Object.defineProperty(value, 'toJSON', { value: () => summary(value as object), enumerable: false, configurable: true, writable: true });
  return value;
}

function summary(value: object): Summary {
  if (Array.isArray(value)) return { length: value.length };
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isPrimitive(v)) out[key] = typeof v === 'string' && v.length > 1000 ? `${v.slice(0, 1000)}…` : (v as string | number | boolean | null);
  }
  return out;
}

function isPrimitive(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
