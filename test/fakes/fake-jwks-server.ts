import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const JWKS_PATH = '/auth/v1/.well-known/jwks.json';

/** An asymmetric signing key as Supabase publishes it: the private half signs test tokens. */
export interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK entry of the JWKS document. */
  jwk: Record<string, unknown>;
  /** The public key as PEM text (what an algorithm-confusion attacker would use as an HMAC key). */
  publicPem: string;
}

export function makeSigningKey(alg: 'ES256' | 'RS256', kid: string): SigningKey {
  const { privateKey, publicKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' },
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/**
 * Supabase Auth's JWKS endpoint on 127.0.0.1: serves `{keys}` at `/auth/v1/.well-known/jwks.json`,
 * counts the fetches, and can be switched to failing answers.
 */
export class FakeJwksServer {
  /** Fetches of the JWKS document so far. */
  fetches = 0;
  /** Entries served; tests may replace them (key rotation). */
  keys: Record<string, unknown>[] = [];
  /** When set, the JWKS answers this status with an error body. */
  failWithStatus: number | undefined;
  /** When set, served instead of `{keys}` (a malformed document). */
  bodyOverride: unknown;
  /** When true, a fetch is counted and never answered (a hung endpoint) until the server closes. */
  hang = false;

  /** `http://127.0.0.1:<port>`, the Supabase project URL of the fake. */
  baseUrl = '';
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  private constructor() {}

  static async start(keys: SigningKey[] = []): Promise<FakeJwksServer> {
    const fake = new FakeJwksServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    fake.setKeys(...keys);
    return fake;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'GET' || req.url !== JWKS_PATH) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"not found"}');
      return;
    }
    this.fetches += 1;
    if (this.hang) return;
    if (this.failWithStatus !== undefined) {
      res.writeHead(this.failWithStatus, { 'Content-Type': 'application/json' }).end('{"message":"unavailable"}');
      return;
    }
    const body = this.bodyOverride !== undefined ? this.bodyOverride : { keys: this.keys };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=600' }).end(JSON.stringify(body));
  }

  get jwksUrl(): string {
    return `${this.baseUrl}${JWKS_PATH}`;
  }

  setKeys(...keys: SigningKey[]): void {
    this.keys = keys.map((k) => k.jwk);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function unreachableUrl(path: string = JWKS_PATH): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
