/**
 * The stream log's atomic steps as Lua scripts (each runs alone in Redis, so a check and the write
 * it guards cannot interleave with another replica's). Keys: 1 the turn's hash, 2 the running set
 * (member: stream id, score: last heartbeat), 3 the turn's event stream.
 *
 * Stream entry ids: events are `0-<seq of the last event in the entry>`; a claim writes a fence
 * `1-0` (any later `0-n` append of the fenced producer then fails), the terminal event is `2-0`.
 */

/**
 * ARGV: producer, now, stream id. 0 when the turn is not this producer's; else the heartbeat is
 * refreshed and the answer is 2 when a stop was requested (field `x`), 1 otherwise.
 */
export const HEARTBEAT_SCRIPT = `
if redis.call('HGET', KEYS[1], 's') ~= 'running' or redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if redis.call('HEXISTS', KEYS[1], 'x') == 1 then return 2 end
return 1
`;

/** ARGV: none. Marks a stop request on a turn that exists (its producer sees it at the next heartbeat). */
export const REQUEST_STOP_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'x', '1') end
return 1
`;

/** ARGV: producer, status, now, terminal seq, terminal value, retention ms, stream id. */
export const FINISH_SCRIPT = `
if redis.call('HGET', KEYS[1], 's') ~= 'running' or redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
redis.call('XADD', KEYS[3], '2-0', ARGV[4], ARGV[5])
redis.call('HSET', KEYS[1], 's', ARGV[2], 'e', ARGV[3])
redis.call('HDEL', KEYS[1], 't')
redis.call('ZREM', KEYS[2], ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return 1
`;

/**
 * ARGV: new producer, heartbeat bound (claim only when the last heartbeat is older), now, stream id.
 * 1 when this caller now owns the turn.
 */
export const CLAIM_SCRIPT = `
if redis.call('HGET', KEYS[1], 's') ~= 'running' then return 0 end
local beat = redis.call('ZSCORE', KEYS[2], ARGV[4])
if beat and tonumber(beat) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'o', ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
pcall(redis.call, 'XADD', KEYS[3], '1-0', 'x', '')
return 1
`;
