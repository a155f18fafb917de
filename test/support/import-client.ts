import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConversationFull } from '../../src/domain/conversation/conversation';
import { describeConversation } from '../../src/domain/conversation/conversation-tree';
import type { RunningApp } from './http';
import { devToken } from './tokens';

/** The text of a fixture of test/fixtures/ (read from the source tree). */
export function fixtureText(name: string): string {
  return readFileSync(path.join(__dirname, '../../../test/fixtures', name), 'utf8');
}

/** POST /v1/import with `body` as the file. */
export function postImport(
  app: RunningApp,
  body: string | Buffer,
  options: { userId?: string; query?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return app.request(`/v1/import${options.query ?? ''}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${devToken(options.userId)}`, 'Content-Type': 'application/json', ...options.headers },
    body,
  });
}

/** The thread the user sees, as `role: content` lines. */
export function activeThread(full: ConversationFull): string[] {
  const byId = new Map(full.messages.map((m) => [m.id, m]));
  return describeConversation(full).tree.active_thread.map((id) => `${byId.get(id)!.role}: ${byId.get(id)!.content}`);
}
