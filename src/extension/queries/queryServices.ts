import type { HostDatabaseFinder } from './hostDatabaseFile';
import type { QueryDatabases } from './queryDatabases';
import type { QueryRunner } from './queryRunner';
import type { ResultsPanels } from './resultsPanels';

/** What the query and console commands share, made once at activation. */
export interface QueryServices {
  databases: QueryDatabases;
  runner: QueryRunner;
  panels: ResultsPanels;
  hosts: HostDatabaseFinder;
  /** Parameter values last typed, per query (quick:<id>) or console document, to prefill next time. */
  rememberedParams(key: string): Map<string, string>;
}
