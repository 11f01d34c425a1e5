/**
 * The processes the proxy bench measures against each other, and wrk to drive them: nginx (one
 * worker, keep-alive upstream pool), a Go net/http/httputil.ReverseProxy built here from a few
 * lines of stdlib Go (the engine kamal-proxy is built on), and Berth's SlotProxy in a process of its
 * own (bench/slot-proxy-server.ts). Each listens on loopback only and is stopped by the bench.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../test/fixtures/temp-dir';

export interface Contender {
  name: string;
  port: number;
  /** The process doing the proxying, for its CPU time; null when there is none to read. */
  pid: number | null;
  stop(): Promise<void>;
}

/** CPU time of a process so far, from /proc; null where there is no /proc. */
export function procCpuUs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks / 100) * 1e6;
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[1]) === pid) found.push(Number(entry));
    } catch {
      continue;
    }
  }
  return found;
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function findBinary(candidates: readonly string[]): string | null {
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

function stopper(child: ChildProcess, signal: NodeJS.Signals, cleanup: () => void): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        cleanup();
        resolve();
        return;
      }
      child.once('exit', () => (cleanup(), resolve()));
      child.kill(signal);
    });
}

export async function startNginx(binary: string, upstreamPort: number, listenPort: number): Promise<Contender> {
  const dir = makeTempDir('berth-nginx-');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(dir.path, name)};`);
  writeFileSync(
    join(dir.path, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${join(dir.path, 'nginx.pid')};
error_log ${join(dir.path, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp.join('\n  ')}
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Real-IP $remote_addr;
    }
  }
}
`,
  );
  const nginx = spawn(binary, ['-p', dir.path, '-c', join(dir.path, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitForPort(listenPort, 10_000);
  const workers = childrenOf(nginx.pid!);
  return { name: 'nginx (1 worker)', port: listenPort, pid: workers.length === 1 ? workers[0]! : null, stop: stopper(nginx, 'SIGQUIT', dir.cleanup) };
}

// The idle pool is raised to nginx's 64 (Go's default keeps 2 per host, which would make it open a
// connection for most requests at 32 clients and measure that instead of the proxy).
const GO_PROXY = `package main

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

func main() {
	target, _ := url.Parse("http://127.0.0.1:" + os.Args[1])
	proxy := httputil.NewSingleHostReverseProxy(target)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = 64
	transport.MaxIdleConnsPerHost = 64
	proxy.Transport = transport
	if err := http.ListenAndServe("127.0.0.1:"+os.Args[2], proxy); err != nil {
		panic(err)
	}
}
`;

/** Builds the Go proxy with Debian's golang (stdlib only: no module is fetched) and starts it on one core, like the other two. */
export async function startGoProxy(goBinary: string, upstreamPort: number, listenPort: number): Promise<Contender> {
  const dir = makeTempDir('berth-goproxy-');
  writeFileSync(join(dir.path, 'go.mod'), 'module berthbench\n\ngo 1.19\n');
  writeFileSync(join(dir.path, 'main.go'), GO_PROXY);
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOPROXY: 'off', GO111MODULE: 'on' };
  execFileSync(goBinary, ['build', '-o', 'goproxy', '.'], { cwd: dir.path, env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  const proxy = spawn(join(dir.path, 'goproxy'), [String(upstreamPort), String(listenPort)], {
    env: { ...process.env, GOMAXPROCS: '1' },
    // It logs "context canceled" for each request wrk leaves unfinished when a run ends.
    stdio: ['ignore', 'inherit', 'ignore'],
  });
  await waitForPort(listenPort, 10_000);
  return { name: 'Go httputil (1 core)', port: listenPort, pid: proxy.pid!, stop: stopper(proxy, 'SIGTERM', dir.cleanup) };
}

/** SlotProxy in a process of its own, pointed at the blue app; `execArgv` adds Node flags (--cpu-prof). */
export async function startSlotProxy(
  upstreamPort: number,
  execArgv: string[] = [],
  script = fileURLToPath(new URL('./slot-proxy-server.ts', import.meta.url)),
): Promise<Contender & { process: ChildProcess }> {
  const child = fork(script, [String(upstreamPort)], { execArgv: [...process.execArgv, ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the SlotProxy process ended (${code}) before listening`)));
  });
  return { name: 'Berth SlotProxy', port, pid: child.pid!, process: child, stop: stopper(child, 'SIGTERM', () => undefined) };
}

export interface WrkResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors plus non-2xx/3xx answers. */
  errors: number;
}

function latencyMs(text: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text);
  if (!match) return NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** One wrk run: 1 thread, `connections` keep-alive connections, for `seconds` (wrk ends on its own). */
export function runWrk(wrk: string, port: number, connections: number, seconds: number): WrkResult {
  const text = execFileSync(wrk, ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`], {
    encoding: 'utf8',
    timeout: (seconds + 30) * 1000,
  });
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return { requests, rps, p50Ms: latencyMs(text, '50'), p99Ms: latencyMs(text, '99'), errors: socketErrors + non2xx };
}
