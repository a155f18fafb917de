import type { Logger } from '../ports/logger.port';
import { token } from '../ports/token';

/** Things to close on shutdown (connections, pools, timers), closed in reverse registration order. */
export class Resources {
  private readonly closers: { name: string; close: () => Promise<unknown> }[] = [];

  add(name: string, close: () => Promise<unknown>): void {
    this.closers.push({ name, close });
  }

  async closeAll(logger: Logger): Promise<void> {
    for (const { name, close } of this.closers.reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message }, resource: name }, 'close failed');
      }
    }
  }
}

export const RESOURCES = token<Resources>('Resources');
