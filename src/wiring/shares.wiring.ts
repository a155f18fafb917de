import { MemoryShareStore } from '../adapters/memory/memory-share-store';
import { ShareLinks } from '../application/shares/share-links';
import { SHARE_STORE } from '../ports/share-store.port';
import type { FeatureModule } from './shared';

/** Share links: read-only snapshots of a branch behind a random id, and their store. */
export const shares: FeatureModule = {
  name: 'shares',
  register(c, _config, { bind }) {
    c.registerInstance(SHARE_STORE, new MemoryShareStore());
    bind('ShareStore', 'memory');
    c.registerSingleton(ShareLinks);
  },
};
