/** Small pure formatters shared by tree items, progress messages and the grid. */

export function formatMB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)}`;
}

/** 12:03 (local time) for today, else 2026-11-24 12:03. */
export function formatClock(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === now.toDateString() ? hm : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
