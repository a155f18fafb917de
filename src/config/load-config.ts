import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TSchema } from 'typebox';
import { createAjv } from '../support/json-schema';
import { DEV_JWT_SECRET, type Config, type SettingValues } from './config';
import { SETTINGS, type SettingDefinition } from './settings';
import { configuredRealUpstreams, unsafeCombinations } from './startup-safety';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const ajv = createAjv();

function schemaType(schema: TSchema): string | undefined {
  return (schema as { type?: string }).type;
}

function convert(setting: SettingDefinition, raw: string): { value?: unknown; problem?: string } {
  if (setting.list) {
    return {
      value: raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    };
  }
  switch (schemaType(setting.schema)) {
    case 'integer':
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? { value: Number(raw.trim()) } : { problem: 'must be a number' };
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(v)) return { value: false };
      return { problem: 'must be true or false' };
    }
    default:
      return { value: setting.env === 'LOG_LEVEL' ? raw.trim().toLowerCase() : raw.trim() };
  }
}

function describeFailure(setting: SettingDefinition): string {
  const s = setting.schema as {
    enum?: unknown[];
    minimum?: number;
    maximum?: number;
    minLength?: number;
    pattern?: string;
    items?: { enum?: unknown[] };
  };
  if (s.enum) return `must be one of ${s.enum.join(', ')}`;
  if (s.items?.enum) return `must be a comma-separated list of ${s.items.enum.join(', ')}`;
  if (s.minimum !== undefined || s.maximum !== undefined) {
    return `must be an integer between ${s.minimum ?? '-inf'} and ${s.maximum ?? 'inf'}`;
  }
  if (s.minLength !== undefined) return `must be at least ${s.minLength} characters`;
  if (setting.env === 'EDGE_FUNCTION_URL') return 'must be the full http(s) URL of the function, ending with /conversation-manager';
  if (s.pattern?.startsWith('^rediss?')) return 'must be a redis:// or rediss:// URL';
  return 'has an invalid format';
}

export function readPackageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ai-chat-gateway' && pkg.version) return pkg.version;
    } catch {
      // not here: look one level up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/**
 * Reads the environment into the typed Config. The only reader of process.env in the service.
 * Every bad or missing setting is collected, so one start-up error names all of them.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const explicit = new Set<string>();
  const values: Record<string, unknown> = {};
  const nodeEnv = (env.NODE_ENV ?? '').trim() || 'development';
  const isProduction = nodeEnv === 'production';

  for (const [key, setting] of Object.entries(SETTINGS) as [string, SettingDefinition][]) {
    const given = env[setting.env];
    const isSet = given !== undefined && given.trim() !== '';
    let raw: string | undefined;
    if (isSet) {
      raw = given;
      explicit.add(setting.env);
    } else if (isProduction && setting.requiredInProduction) {
      problems.push(`${setting.env} is required in production`);
      continue;
    } else raw = setting.default;
    if (raw === undefined) {
      values[key] = undefined;
      continue;
    }
    const { value, problem } = convert(setting, raw);
    if (problem) {
      problems.push(`${setting.env} ${problem}`);
      continue;
    }
    if (!ajv.validate(setting.schema, value)) {
      problems.push(`${setting.env} ${describeFailure(setting)}`);
      continue;
    }
    values[key] = value;
  }

  const v = values as SettingValues;
  if (isProduction && (v.corsOrigins ?? []).includes('*')) {
    problems.push('CORS_ORIGINS may not contain * in production');
  }
  if (isProduction && v.debugRequests === true) {
    problems.push('DEBUG_REQUESTS may not be enabled in production (it keeps request bodies in memory and serves them without a token)');
  }
  if ((v.edgeFunctionUrl || v.supabaseUrl) && !v.supabaseAnonKey && !problems.some((p) => p.startsWith('SUPABASE_ANON_KEY'))) {
    problems.push('SUPABASE_ANON_KEY is required when EDGE_FUNCTION_URL or SUPABASE_URL is set (it is sent as apikey)');
  }
  problems.push(...unsafeCombinations(v, isProduction, explicit));
  if (problems.length > 0) throw new ConfigError(problems);

  const supabaseUrl = v.supabaseUrl?.replace(/\/+$/, '');
  // The public development secret only while every upstream is embedded (unsafeCombinations refuses
  // the rest when HS* tokens are allowed; with JWKS-only tokens no secret is needed).
  const usesDevJwtSecret = !v.jwtSecretKey && !isProduction && configuredRealUpstreams(v).length === 0;
  return Object.freeze({
    ...v,
    supabaseUrl,
    edgeFunctionUrl: v.edgeFunctionUrl?.replace(/\/+$/, ''),
    litellmUrl: v.litellmUrl?.replace(/\/+$/, ''),
    isProduction,
    version: readPackageVersion(),
    jwtSecret: v.jwtSecretKey ?? (usesDevJwtSecret ? DEV_JWT_SECRET : undefined),
    usesDevJwtSecret,
    effectiveDefaultModel: v.defaultModel ?? (v.litellmUrl ? 'gpt-4o-mini' : 'local/echo'),
    expectedIssuer: v.jwtIssuer ?? (supabaseUrl ? `${supabaseUrl}/auth/v1` : undefined),
    effectiveJwksUrl: v.jwksUrl ?? (supabaseUrl ? `${supabaseUrl}/auth/v1/.well-known/jwks.json` : undefined),
  });
}

/** Secret values of a config, for the log redactor. */
export function secretValues(config: Config): string[] {
  const out: string[] = [];
  for (const [key, setting] of Object.entries(SETTINGS) as [string, SettingDefinition][]) {
    const value = (config as unknown as Record<string, unknown>)[key];
    if (setting.secret && typeof value === 'string' && value.length >= 6) out.push(value);
  }
  if (config.jwtSecret) out.push(config.jwtSecret);
  return out;
}
