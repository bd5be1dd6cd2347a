/**
 * The one way a size is written for a person, in the CLI, the extension and every message:
 * "3.1 GB", "2 GB", "512 KB", "17 bytes" (binary units, one decimal, a trailing ".0" dropped).
 */
export function formatByteSize(bytes: number): string {
  const units: [number, string][] = [
    [1024 ** 4, 'TB'],
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [scale, unit] of units) {
    if (bytes >= scale) return `${(bytes / scale).toFixed(1).replace(/\.0$/, '')} ${unit}`;
  }
  return `${bytes} bytes`;
}
