import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { loadMigrations, migrate } from '../../src/adapters/postgres/migrator';
import { PgPoolDatabase } from '../../src/adapters/postgres/pg-pool-database';
import { PostgresConversationIndex } from '../../src/adapters/postgres/postgres-conversation-index';
import { ConversationMatcher } from '../../src/application/conversations/conversation-matcher';
import { SearchConversations } from '../../src/application/conversations/search-conversations.use-case';
import type { Logger } from '../../src/ports/logger.port';
import { figure, type Figure } from '../support/report';
import { round, summarize } from '../support/stats';
import { benchDatabase } from './postgres.scenario';

const SCENARIO = '7. search, 100,000 messages';
const CONVERSATIONS = 2000;
const MESSAGES_PER_CONVERSATION = 50;

/** Common words, a few rarer ones, one very rare: messages of 20-40 words drawn from them. */
const COMMON = `the a of and to in is it that for on with as was at by this be from or have an are not but what all were when we there can
your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time
could no make than first been its who now people my made over did down only way find use may water long little very after words called just
where most know get through back much before go good new write our used me man too any day same right look think also around another came
come work three word must because does part even place well such here take why things help put years different away again off went old
number great tell men say small every found still between name should home big give air line set own under read last never us left end
along while might next sound below saw something thought both few those always looked show large often together asked house world going
want school important until form food keep children feet land side without boy once animals life enough took sometimes four head above
kind began almost live page got earth need far hand high year mother light parts country father let night following picture being study
second eyes soon times story boys since white days ever paper hard near sentence better best across during today others however sure means
knew try told young miles sun ways thing whole hear example heard several change answer room sea against top turned learn point city play
toward five using himself usually castle wall walls stone tower gate river bridge garden market budget spreadsheet formula total percent`.split(
  /\s+/,
);
const RARE = ['fortress', 'narikala', 'tbilisi', 'mtskheta', 'sulphur'];
const VERY_RARE = 'quetzalcoatl';

const QUERIES: { label: string; q: string; mode: 'literal' | 'words' }[] = [
  { label: 'literal, rare word "fortress"', q: 'fortress', mode: 'literal' },
  { label: 'literal, very rare word', q: VERY_RARE, mode: 'literal' },
  { label: 'literal, common word "castle"', q: 'castle', mode: 'literal' },
  { label: 'literal, 2 characters "zz"', q: 'zz', mode: 'literal' },
  { label: 'words, rare word "fortress"', q: 'fortress', mode: 'words' },
  { label: 'words, two words "stone walls"', q: 'stone walls', mode: 'words' },
  { label: 'words, phrase "\\"river bridge\\""', q: '"river bridge"', mode: 'words' },
  { label: 'words, common word "castle"', q: 'castle', mode: 'words' },
];

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => quiet } as unknown as Logger;

/**
 * Search over 100,000 generated messages of ONE user (the worst case: every message is theirs) on
 * the PostgreSQL server: the search use case as the route runs it (literal: ILIKE with trigram
 * indexes; words: websearch_to_tsquery on the tsvector GIN indexes), p50 and p99 per query.
 */
export async function searchScenario(
  serverUrl: string,
  progress: (m: string) => void,
  runs = 40,
): Promise<{ figures: Figure[]; detail: unknown }> {
  const dbInfo = await benchDatabase(serverUrl);
  const db = new PgPoolDatabase({ connectionString: dbInfo.url, poolSize: 4, statementTimeoutMs: 120_000, connectTimeoutMs: 5000 }, quiet);
  try {
    await migrate(db, loadMigrations(), quiet);
    const userId = randomUUID();
    progress(`${SCENARIO}: generating ${CONVERSATIONS * MESSAGES_PER_CONVERSATION} messages`);
    const started = Date.now();
    await db.query(
      `INSERT INTO conversations (id, user_id, title, model, created_at, updated_at)
       SELECT gen_random_uuid(), $1, 'Conversation ' || i || ' on ' || ($2::text[])[1 + i % array_length($2::text[], 1)], 'bench/model',
              now() - make_interval(mins => i), now() - make_interval(mins => i)
         FROM generate_series(1, $3) AS i`,
      [userId, COMMON, CONVERSATIONS],
    );
    await db.query(
      `INSERT INTO branches (id, conversation_id, user_id, name, created_at) SELECT gen_random_uuid(), id, user_id, 'Main', created_at FROM conversations`,
    );
    await db.query('UPDATE conversations c SET active_branch_id = b.id FROM branches b WHERE b.conversation_id = c.id');
    // Words drawn per message (the subquery reads k, so it is evaluated for every row); rare words in ~1%, one message in 100,000 has the very rare one.
    await db.query(
      `INSERT INTO messages (id, conversation_id, branch_id, user_id, role, content, model, created_at)
       SELECT gen_random_uuid(), b.conversation_id, b.id, $1, CASE WHEN k % 2 = 0 THEN 'user' ELSE 'assistant' END,
              (SELECT string_agg(CASE WHEN random() < 0.0005 THEN ($3::text[])[1 + floor(random() * array_length($3::text[], 1))::int]
                                      ELSE ($2::text[])[1 + floor(random() * array_length($2::text[], 1))::int] END, ' ')
                 FROM generate_series(1, 20 + (k * 7 + length(b.id::text)) % 21) AS w(n) WHERE k > 0 OR n > 0)
              || CASE WHEN b.seq = 1 AND k = 1 THEN ' ${VERY_RARE}' ELSE '' END,
              'bench/model', b.created_at + make_interval(secs => k)
         FROM branches b, generate_series(1, $4) AS k`,
      [userId, COMMON, RARE, MESSAGES_PER_CONVERSATION],
    );
    await db.query('ANALYZE');
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    progress(
      `${SCENARIO}: ${rows[0]!.n} messages in ${Math.round((Date.now() - started) / 1000)} s; timing ${QUERIES.length} queries x ${runs}`,
    );

    const index = new PostgresConversationIndex(db);
    const policy = { searchMaxCandidates: 1000, batchConcurrency: 5, activityMaxRows: 100_000 };
    const search = new SearchConversations(new ConversationMatcher(index, policy), index, policy);
    const user = { userId, token: 'bench' };
    const figures: Figure[] = [];
    const detail: Record<string, unknown> = { messages: rows[0]!.n, conversations: CONVERSATIONS, runs };
    for (const query of QUERIES) {
      const input = { q: query.q, mode: query.mode, page: 1, limit: 20 };
      let hits = 0;
      for (let i = 0; i < 3; i += 1) hits = (await search.execute(user, input)).pagination.total;
      const ms: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const t = process.hrtime.bigint();
        await search.execute(user, input);
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      const s = summarize(ms);
      detail[query.label] = { hits, p50_ms: round(s.p50), p99_ms: round(s.p99) };
      figures.push(
        figure(SCENARIO, `${query.label}: p50`, 'ms', round(s.p50), { target: { text: '< 20 ms', met: s.p50 < 20 } }),
        figure(SCENARIO, `${query.label}: p99`, 'ms', round(s.p99)),
      );
    }
    return { figures, detail };
  } finally {
    await db.close();
    await dbInfo.drop();
  }
}
