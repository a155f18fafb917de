import type { Static } from 'typebox';
import { SETTINGS } from './settings';
import { token } from '../ports/token';

type Settings = typeof SETTINGS;

/** The settings as typed values: those without a default may be undefined. */
export type SettingValues = {
  [K in keyof Settings]: Settings[K] extends { default: string }
    ? Static<Settings[K]['schema']>
    : Static<Settings[K]['schema']> | undefined;
};

/** Values computed from the settings once, at start-up. */
export interface DerivedConfig {
  isProduction: boolean;
  version: string;
  /** The HS* secret in force: JWT_SECRET_KEY, or the fixed development secret outside production. */
  jwtSecret: string | undefined;
  /** True when the development secret is in use (the banner says so). */
  usesDevJwtSecret: boolean;
  /** DEFAULT_MODEL, or the built-in local model when no LiteLLM is configured. */
  effectiveDefaultModel: string;
  /** Expected `iss`, or undefined when it is not checked. */
  expectedIssuer: string | undefined;
  /** Where ES256/RS256 keys come from, or undefined (then only HS* tokens can be accepted). */
  effectiveJwksUrl: string | undefined;
}

export type Config = Readonly<SettingValues & DerivedConfig>;

export const CONFIG = token<Config>('Config');

/**
 * The development JWT secret: public on purpose (it is in the README), so `npm run token` and the
 * embedded default work with no setup. Production refuses to start without JWT_SECRET_KEY.
 */
export const DEV_JWT_SECRET = 'development-only-secret-do-not-use-in-production';
