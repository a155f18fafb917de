import { addDays, instantMs, startOfUtcDay, utcDay } from '../time/date-range';

export interface StatsConversation {
  model: string | null;
  message_count: number;
  branch_count: number;
  created_at: string;
  updated_at: string;
}

export interface ModelStats {
  model: string | null;
  conversations: number;
  messages: number;
}

export interface ActivityDay {
  date: string;
  conversations_created: number;
  messages: number;
}

export interface ConversationStats {
  conversations: number;
  messages: number;
  branches: number;
  by_model: ModelStats[];
  recent_activity: {
    window_days: number;
    /** Newest `updated_at` of any conversation; null without conversations. */
    last_activity_at: string | null;
    /** Conversations updated within the window. */
    active_conversations: number;
    conversations_created: number;
    messages: number;
    /** Every UTC day of the window, oldest first, today included. */
    days: ActivityDay[];
  };
}

/**
 * Statistics of one user's conversations. `recentMessages` are the creation times of the messages
 * of the window (it is the caller's job to fetch only those); the window is the last `windowDays`
 * UTC days up to and including today.
 */
export function conversationStats(
  conversations: readonly StatsConversation[],
  recentMessages: readonly { created_at: string }[],
  options: { nowMs: number; windowDays: number },
): ConversationStats {
  const firstDay = addDays(startOfUtcDay(options.nowMs), -(options.windowDays - 1));
  const days = new Map<string, ActivityDay>();
  for (let d = firstDay, i = 0; i < options.windowDays; d = addDays(d, 1), i += 1) {
    days.set(utcDay(d), { date: utcDay(d), conversations_created: 0, messages: 0 });
  }
  const byModel = new Map<string | null, ModelStats>();
  let messages = 0;
  let branches = 0;
  let active = 0;
  let last: { text: string; ms: number } | null = null;
  for (const c of conversations) {
    messages += c.message_count;
    branches += c.branch_count;
    const model = byModel.get(c.model) ?? { model: c.model, conversations: 0, messages: 0 };
    model.conversations += 1;
    model.messages += c.message_count;
    byModel.set(c.model, model);
    const updated = instantMs(c.updated_at);
    if (updated >= firstDay) active += 1;
    if (!last || updated > last.ms) last = { text: c.updated_at, ms: updated };
    const created = days.get(utcDay(instantMs(c.created_at)));
    if (created && instantMs(c.created_at) >= firstDay) created.conversations_created += 1;
  }
  for (const m of recentMessages) {
    const day = days.get(utcDay(instantMs(m.created_at)));
    if (day) day.messages += 1;
  }
  const window = [...days.values()];
  return {
    conversations: conversations.length,
    messages,
    branches,
    by_model: [...byModel.values()].sort(
      (a, b) => b.conversations - a.conversations || b.messages - a.messages || String(a.model).localeCompare(String(b.model)),
    ),
    recent_activity: {
      window_days: options.windowDays,
      last_activity_at: last?.text ?? null,
      active_conversations: active,
      conversations_created: window.reduce((n, d) => n + d.conversations_created, 0),
      messages: window.reduce((n, d) => n + d.messages, 0),
      days: window,
    },
  };
}
