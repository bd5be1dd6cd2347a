import type { ChangesPanels } from './changesPanel';
import type { ChangesService } from './changesService';
import type { ChangesStatusBar } from './changesStatusBar';

/** The changes since the last pull as the rest of the extension (and tests) reach them: `Services.changes`. */
export interface ChangesFeature {
  service: ChangesService;
  panels: ChangesPanels;
  status: ChangesStatusBar;
}
