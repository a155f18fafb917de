import { expect } from 'chai';
import { deprecationHeaders } from '../../../src/interface/http/routing/route-spec';
import { startApp, type RunningApp } from '../../support/http';

describe('deprecated operations', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp();
  });
  after(async () => app.close());

  for (const [path, successor] of [
    ['/live', '/health/live'],
    ['/ready', '/health/ready'],
  ] as const) {
    it(`GET ${path} still answers, with Deprecation and a Link to ${successor}`, async () => {
      const res = await app.request(path);
      expect(res.status).to.equal(200);
      await res.json();
      expect(res.headers.get('deprecation')).to.match(/^@\d{10}$/);
      expect(res.headers.get('link')).to.equal(`<${successor}>; rel="successor-version"`);
      expect(res.headers.get('sunset')).to.equal(null);
    });
  }

  it('leaves the successors and every other operation without deprecation headers', async () => {
    for (const path of ['/health/live', '/health/ready', '/health', '/']) {
      const res = await app.request(path);
      await res.arrayBuffer();
      expect(res.headers.get('deprecation'), path).to.equal(null);
      expect(res.headers.get('link'), path).to.equal(null);
    }
  });

  it('writes RFC 9745 and RFC 8594 values', () => {
    expect(deprecationHeaders({ since: '2026-11-28', successor: '/health/live', sunset: '2027-06-01' })).to.deep.equal({
      Deprecation: '@1795824000',
      Link: '</health/live>; rel="successor-version"',
      Sunset: 'Tue, 01 Jun 2027 00:00:00 GMT',
    });
  });
});
