// The supervisor's end of the verdict channel (contracts/verdict.ts): Check events sealed with the run's
// secret, on a descriptor the service does not inherit or in a file outside the workspace. Without a
// channel (a plain `node kit/supervisor.ts` in a terminal) check events go to stdout as before.
import fs from 'node:fs';
import net from 'node:net';
import {
  VERDICT_FD,
  VERDICT_FD_ARG,
  VERDICT_FILE_ARG,
  VERDICT_SECRET_ARG,
  type CheckEvent,
  type VerdictRecord,
} from '../contracts/verdict.ts';
import { seal } from './seal.ts';
import { LineSplitter } from '../contracts/lines.ts';

export interface VerdictOut {
  /** true when results leave on a private channel (stdout then carries no check results) */
  readonly private: boolean;
  /** also print each event on stdout as a notice that a record is there (WebContainer reads the file then) */
  readonly notifyOnStdout: boolean;
  /**
   * The starter asked for one Check and an exit on the channel itself (`<secret> check`), so that the
   * supervisor's argv is the same for a Check as for a Run: a service reading its parent's command
   * line learns nothing.
   */
  readonly checkOnce: boolean;
  send(nonce: string, seq: number, event: CheckEvent): void;
  close(): Promise<void>;
}

function argValue(argv: string[], name: string): string | undefined {
  const hit = argv.find((a) => a.startsWith(name + '='));
  return hit?.slice(name.length + 1);
}

/** Reads the secret (the first line) from the descriptor the starter opened; resolves once it arrived. */
function openFd(fd: number): Promise<VerdictOut> {
  const socket = new net.Socket({ fd, readable: true, writable: true });
  socket.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    const lines = new LineSplitter(1024);
    const onData = (chunk: string) => {
      const first = lines.push(chunk)[0];
      if (first === undefined) return;
      socket.off('data', onData);
      socket.off('error', reject);
      const m = /^([0-9a-f]{64})( check)?$/.exec(first);
      if (!m) return reject(new Error('the verdict channel did not start with a secret'));
      const secret = m[1];
      socket.on('error', () => {});
      resolve({
        private: true,
        notifyOnStdout: false,
        checkOnce: !!m[2],
        send(nonce, seq, event) {
          const record: VerdictRecord = { nonce, seq, event };
          socket.write(seal(secret, JSON.stringify(record)));
        },
        close: () => new Promise<void>((done) => socket.end(done)),
      });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

function openFile(file: string, secret: string): VerdictOut {
  if (!/^[0-9a-f]{64}$/.test(secret)) throw new Error(`${VERDICT_SECRET_ARG} must be 64 hex digits`);
  return {
    private: true,
    notifyOnStdout: true,
    checkOnce: false,
    send(nonce, seq, event) {
      const record: VerdictRecord = { nonce, seq, event };
      fs.appendFileSync(file, seal(secret, JSON.stringify(record)));
    },
    close: async () => {},
  };
}

const stdoutOnly: VerdictOut = {
  private: false,
  notifyOnStdout: true,
  checkOnce: false,
  send() {},
  close: async () => {},
};

export async function openVerdictOut(argv: string[]): Promise<VerdictOut> {
  const fd = argValue(argv, VERDICT_FD_ARG);
  if (fd !== undefined) {
    if (Number(fd) !== VERDICT_FD) throw new Error(`${VERDICT_FD_ARG} must be ${VERDICT_FD}`);
    return openFd(VERDICT_FD);
  }
  const file = argValue(argv, VERDICT_FILE_ARG);
  if (file !== undefined) return openFile(file, argValue(argv, VERDICT_SECRET_ARG) ?? '');
  return stdoutOnly;
}
