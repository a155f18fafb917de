import { Type } from 'typebox';
import { Timestamp, Uuid } from './common.schemas';

export const StreamIdParams = Type.Object({ stream_id: Uuid }, { additionalProperties: false });

export const ResumeQuery = Type.Object(
  {
    last_event_id: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Resume after this event (the `id:` of the last event received). The `Last-Event-ID` header says the same and wins when both are sent. Absent: every event of the turn.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ListStreamsQuery = Type.Object(
  { conversation_id: Type.Optional({ ...Uuid, description: 'Only the turns of this conversation.' }) },
  { additionalProperties: false },
);

export const TurnStatusSchema = Type.Enum(['running', 'completed', 'stopped', 'interrupted', 'failed'], {
  description:
    '`running` until the turn ends: `completed` (reply saved), `stopped` (a stop request; partial reply saved), `interrupted` (orphaned, client gone under the `abort` policy, shutdown, or its replica died; partial reply saved), `failed` (an error event ended it).',
});

export const StreamSummarySchema = Type.Object(
  {
    stream_id: Uuid,
    conversation_id: Uuid,
    branch_id: Uuid,
    user_message_id: Uuid,
    model: Type.String(),
    status: TurnStatusSchema,
    started_at: Timestamp,
    ended_at: Type.Union([Timestamp, Type.Null()]),
  },
  { 'x-component': 'StreamSummary', description: 'A streamed turn, running or ended within `STREAM_RETENTION_SECONDS`.' },
);

export const StreamListSchema = Type.Object({ streams: Type.Array(StreamSummarySchema) });

export const StopResultSchema = Type.Object(
  {
    stream_id: Uuid,
    was_running: Type.Boolean({ description: 'False when the turn had already ended: nothing changed.' }),
    status: TurnStatusSchema,
  },
  { 'x-component': 'StopResult' },
);
