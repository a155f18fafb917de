import { Type, type TSchema } from 'typebox';

/**
 * One entry of the settings table (settings.ts): an environment variable, its schema, its default
 * and what it does, from which the loader, `.env.example` and the README's table are derived.
 */
export interface SettingDefinition {
  /** The environment variable. */
  env: string;
  schema: TSchema;
  /** Used when the variable is unset (also in production unless `requiredInProduction`). */
  default?: string;
  /** In production, leaving it unset stops start-up. */
  requiredInProduction?: boolean;
  /** Never printed, logged or returned. */
  secret?: boolean;
  /** Comma-separated list. */
  list?: boolean;
  description: string;
}

export const httpUrl = Type.String({ pattern: '^https?://[^\\s]+$' });
export const positiveInt = (maximum?: number) => Type.Integer({ minimum: 1, ...(maximum === undefined ? {} : { maximum }) });
