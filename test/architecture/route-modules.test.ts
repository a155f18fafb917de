import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const routesDir = join(__dirname, '..', '..', '..', 'src', 'interface', 'http', 'routes');

describe('route modules', () => {
  it('take their use cases from RouteDeps when the routes are built, never from the container per request', () => {
    const files = readdirSync(routesDir).filter((name) => name.endsWith('.ts'));
    expect(files.length).to.be.greaterThan(5);
    const offenders = files.filter((name) => /\bcontainer\b/.test(readFileSync(join(routesDir, name), 'utf8')));
    expect(offenders, 'resolve with deps.get(...) at the top of the module function instead').to.deep.equal([]);
  });
});
