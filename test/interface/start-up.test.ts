import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LOST_ON_RESTART } from '../../src/adapters/memory/lost-on-restart';
import { refusedStart, startService, type ServiceProcess } from '../support/service-process';

async function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('start-up of the service (a child process, as `npm start` runs it)', () => {
  describe('on the embedded default', () => {
    let service: ServiceProcess;
    let port: number;
    let banner: string;

    before(async () => {
      // HOST blank is HOST unset: the default is under test.
      service = await startService({ HOST: '' });
      port = Number(new URL(service.url).port);
      banner = await new Promise<string>((resolve, reject) => {
        let text = '';
        service.proc.stderr.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('try it')) resolve(text);
        });
        service.proc.once('exit', (code) => reject(new Error(`service exited with ${code}: ${text}`)));
      });
    });
    after(async () => {
      service.proc.kill('SIGKILL');
      await service.exit;
    });

    it('says next to the conversation store that it is the embedded PGlite, and where its data lives', () => {
      expect(banner).to.match(/^ +ConversationStore +pglite \(.*acg-service-[^)]+\)$/m);
    });

    it(`the README says that STORAGE=memory is ${LOST_ON_RESTART}, in the banner's words`, () => {
      const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8').replace(/\s+/g, ' ');
      expect(readme).to.contain(`with \`STORAGE=memory\` it says \`${LOST_ON_RESTART}\``);
    });

    it('listens on 127.0.0.1 only in development', async () => {
      expect(await connects('127.0.0.1', port)).to.equal(true);
      const outside = Object.values(os.networkInterfaces())
        .flat()
        .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
        .map((a) => a!.address);
      for (const address of outside) expect(await connects(address, port), address).to.equal(false);
    });
  });

  describe('when it cannot listen', () => {
    let holder: net.Server;
    let port: number;

    before(async () => {
      holder = net.createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      port = (holder.address() as net.AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    it('says `port N is in use: set PORT` on stderr, without a stack trace, and exits 1', async () => {
      const { code, stderr } = await refusedStart({ PORT: String(port) });
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n').at(-1)).to.equal(`port ${port} is in use: set PORT`);
      expect(stderr).not.to.match(/^\s+at /m);
    });

    it('says `set HOST` when HOST is not an address of this machine', async () => {
      const { code, stderr } = await refusedStart({ PORT: '0', HOST: '203.0.113.7' });
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n').at(-1)).to.equal('host 203.0.113.7 is not an address of this machine: set HOST');
      expect(stderr).not.to.match(/^\s+at /m);
    });
  });
});
