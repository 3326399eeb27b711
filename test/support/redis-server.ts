/**
 * A real redis-server for the shared cap store's tests: started on a free loopback port with nothing
 * persisted, killed with SIGKILL, and restarted on the same port (the gateway reconnects to the
 * address it was configured with). The binary comes from the peers module:
 *
 *   describeWithPeers('…', ['redisServer'], (peer) => { … startRedisServer(peer.redisServer) … });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export interface RedisServer {
  readonly port: number;
  readonly pid: number | undefined;
  /** SIGKILL, as a crash or an OOM kill does; resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port, empty (nothing is persisted). */
  restart(): Promise<void>;
}

const READY = /Ready to accept connections/;

export interface RedisServerOptions {
  port?: number;
  /** Serve TLS only, with this certificate and key (the certificate is also the CA it trusts). */
  tls?: { cert: string; key: string };
  args?: readonly string[];
}

export async function startRedisServer(bin: string, options: RedisServerOptions = {}): Promise<RedisServer> {
  const { port, tls } = options;
  let child: ChildProcess | undefined;
  let chosen = port ?? (await freePort());

  const launch = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const listen = tls
        ? ['--port', '0', '--tls-port', String(chosen), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.cert, '--tls-auth-clients', 'no']
        : ['--port', String(chosen)];
      const c = spawn(bin, [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', '', '--loglevel', 'notice', ...(options.args ?? [])], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const ok = await new Promise<boolean>((resolve) => {
        let out = '';
        const onData = (b: Buffer): void => {
          out += b.toString();
          if (READY.test(out)) resolve(true);
        };
        c.stdout!.on('data', onData);
        c.once('exit', () => resolve(false));
      });
      if (ok) {
        c.stdout!.resume();
        c.stderr!.resume();
        child = c;
        return;
      }
      // Another process took the port between the probe and the bind: try another (first start only).
      if (port !== undefined || attempt >= 4 || child !== undefined) throw new Error(`redis-server did not start on port ${chosen}`);
      chosen = await freePort();
    }
  };
  await launch();

  const kill = async (): Promise<void> => {
    const c = child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };

  return {
    get port() {
      return chosen;
    },
    get pid() {
      return child?.pid;
    },
    kill,
    async restart() {
      await kill();
      // The port was ours a moment ago; a fresh process binds it again (SO_REUSEADDR).
      await launch();
    },
  };
}
