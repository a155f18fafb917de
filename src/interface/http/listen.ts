import type { Server } from 'node:http';

/** Listening failed for a reason the operator can fix: the message says what to set. */
export class ListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'ListenError';
  }
}

function explain(err: NodeJS.ErrnoException, port: number, host: string): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use: set PORT`;
    case 'EACCES':
      return `port ${port} needs privileges this process does not have: set PORT (above 1023)`;
    case 'EADDRNOTAVAIL':
      return `host ${host} is not an address of this machine: set HOST`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${host} does not resolve: set HOST`;
    default:
      return `cannot listen on ${host}:${port}: ${err.message}`;
  }
}

/**
 * `server.listen` as a promise that rejects with a ListenError saying what to change, instead of
 * an 'error' event nobody listens to (a raw stack trace and exit code 1 from Node).
 */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(new ListenError(explain(err, port, host), { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
