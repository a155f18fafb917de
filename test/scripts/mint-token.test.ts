import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { mintDevToken } from '../../scripts/mint-token';
import { buildContainer } from '../../src/composition-root';
import type { Config } from '../../src/config/config';
import { DEV_JWT_SECRET } from '../../src/config/config';
import { loadConfig } from '../../src/config/load-config';
import { AppError } from '../../src/domain/errors/app-error';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../../src/ports/access-token-verifier.port';
import { rejectionOf, thrownBy } from '../support/async';
import { LogCollector } from '../support/log-collector';
import { USER_A } from '../support/tokens';

const OWN_SECRET = 'a-project-secret-of-at-least-32-characters';

/** The verifier exactly as the service wires it from `config`. */
function verifierOf(config: Config): AccessTokenVerifier {
  return buildContainer(config, { logStream: new LogCollector() }).resolve<AccessTokenVerifier>(ACCESS_TOKEN_VERIFIER);
}

describe('mintDevToken (npm run token)', () => {
  it('mints a token the embedded default accepts', async () => {
    const config = loadConfig({});
    const token = mintDevToken(config, USER_A, { email: 'dev@example.com' });
    const user = await verifierOf(config).verify(token);
    expect(user).to.deep.equal({ userId: USER_A, token, email: 'dev@example.com' });
    const header = jwt.decode(token, { complete: true })?.header;
    expect(header?.alg).to.equal('HS256');
    // The embedded default signs with the published development secret.
    expect(() => jwt.verify(token, DEV_JWT_SECRET)).not.to.throw();
  });

  it('looks like a Supabase user token', () => {
    const claims = jwt.decode(mintDevToken(loadConfig({}), USER_A)) as Record<string, unknown>;
    expect(claims).to.include({ sub: USER_A, role: 'authenticated', aud: 'authenticated', aal: 'aal1', is_anonymous: false });
    expect((claims.exp as number) - (claims.iat as number)).to.equal(3600);
    expect(claims.email).to.equal('11111111@example.com');
  });

  it('follows the configured secret, algorithm, audience and issuer', async () => {
    const config = loadConfig({
      SUPABASE_URL: 'https://abcdefgh.supabase.co',
      SUPABASE_ANON_KEY: 'anon-key',
      JWT_SECRET_KEY: OWN_SECRET,
      JWT_ALGORITHM: 'HS512',
      JWT_ALLOWED_ALGORITHMS: 'HS512,ES256',
      JWT_AUDIENCE: 'my-app',
    });
    const token = mintDevToken(config, USER_A, { expiresInSeconds: 120 });
    expect(jwt.decode(token, { complete: true })?.header.alg).to.equal('HS512');
    expect(jwt.decode(token)).to.include({ iss: 'https://abcdefgh.supabase.co/auth/v1', aud: 'my-app' });
    expect((await verifierOf(config).verify(token)).userId).to.equal(USER_A);
  });

  it('is not accepted by a service configured differently', async () => {
    const token = mintDevToken(loadConfig({}), USER_A);
    const other = loadConfig({ JWT_SECRET_KEY: OWN_SECRET });
    const err = await rejectionOf(verifierOf(other).verify(token));
    expect((err as AppError).code).to.equal('AUTH_INVALID');
    const withIssuer = loadConfig({
      SUPABASE_URL: 'https://abcdefgh.supabase.co',
      SUPABASE_ANON_KEY: 'anon-key',
      JWT_SECRET_KEY: DEV_JWT_SECRET,
    });
    expect(((await rejectionOf(verifierOf(withIssuer).verify(token))) as AppError).code).to.equal('AUTH_INVALID');
  });

  it('refuses what the verifier of the same config would reject, and production', () => {
    // loadConfig refuses this combination itself; the script checks again for a config built otherwise.
    const hs384 = { ...loadConfig({ JWT_ALGORITHM: 'HS384', JWT_ALLOWED_ALGORITHMS: 'HS384' }), jwtAllowedAlgorithms: ['HS256' as const] };
    expect(thrownBy(() => mintDevToken(hs384, USER_A)).message).to.contain('JWT_ALLOWED_ALGORITHMS');
    expect(thrownBy(() => mintDevToken(loadConfig({}), 'not-a-uuid')).message).to.contain('UUID');
    expect(thrownBy(() => mintDevToken(loadConfig({}), USER_A, { expiresInSeconds: Number('soon') })).message).to.contain('seconds');
    const production = loadConfig({
      NODE_ENV: 'production',
      SUPABASE_URL: 'https://abcdefgh.supabase.co',
      SUPABASE_ANON_KEY: 'anon',
      EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager',
      LITELLM_URL: 'https://litellm.example.com',
      LITELLM_MASTER_KEY: 'master',
      JWT_SECRET_KEY: OWN_SECRET,
      METRICS_TOKEN: 'a-metrics-token-for-prometheus',
    });
    expect(thrownBy(() => mintDevToken(production, USER_A)).message).to.contain('production');
  });

  it('prints a token from the command line that the default config accepts', async () => {
    const script = path.resolve(__dirname, '../../scripts/mint-token.js');
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'development' };
    const token = execFileSync(process.execPath, [script, USER_A, '--email', 'cli@example.com'], { env, encoding: 'utf8' }).trim();
    const user = await verifierOf(loadConfig({ NODE_ENV: 'development' })).verify(token);
    expect(user).to.include({ userId: USER_A, email: 'cli@example.com' });
  });
});
