import nock from 'nock';

/**
 * Once imported anywhere in the run, nock intercepts every HTTP request of the process, also those
 * it lets through to a real server: they lose keep-alive (`Connection: close`) and socket-level
 * behaviour (backpressure, a destroyed socket). A describe block that tests those calls this.
 */
export function useRealHttp(): void {
  let wasActive = false;
  before(() => {
    wasActive = nock.isActive();
    if (wasActive) nock.restore();
  });
  after(() => {
    if (wasActive && !nock.isActive()) nock.activate();
  });
}

/** The other way round: a describe block of nock interceptors, whatever state the run is in. */
export function useNock(): void {
  let wasActive = false;
  before(() => {
    wasActive = nock.isActive();
    if (!wasActive) nock.activate();
  });
  afterEach(() => nock.cleanAll());
  after(() => {
    if (!wasActive && nock.isActive()) nock.restore();
  });
}
