import { CdbError } from '../../core/errors';
import type { Services } from '../services';
import type { TableGridPanel } from '../tableGrid/tableGridPanel';
import { TableItem } from '../treeItems/tableItem';

/** Open Table: the table's grid, one panel per table (opening it again reveals the panel). */
export async function openTableCommand(s: Services, arg?: unknown): Promise<TableGridPanel | undefined> {
  const target = arg instanceof TableItem ? { containerId: arg.containerId, tableName: arg.table.name } : asTarget(arg);
  if (!target) throw new CdbError('USAGE', 'Open a table from the Containers view: expand a pulled database and click a table.');
  const existing = s.grids.get(target);
  const grid = s.grids.open(target);
  if (!existing) await grid.load('first');
  return grid;
}

function asTarget(arg: unknown): { containerId: string; tableName: string } | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as Record<string, unknown>;
  return typeof a.containerId === 'string' && typeof a.tableName === 'string' ? { containerId: a.containerId, tableName: a.tableName } : undefined;
}
