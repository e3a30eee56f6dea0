import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Every process the benchmark starts, so none outlives it: they are killed when the run ends,
 * fails, or is interrupted. Each is started in its own process group (detached) and killed as a
 * group, so a shell pipeline takes its `zcat`, `jq` and `sort` with it.
 */
const live = new Set<ChildProcess>();

export function startChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGTERM to the child's group, SIGKILL after `graceMs` if it is still there. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // already gone
  }
}

/** Synchronous last resort (process 'exit' handlers cannot wait). */
export function killAllChildren(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
}

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command to completion within `deadlineMs` (killed after it), rejecting on a non-zero exit. */
export async function runCommand(command: string, args: readonly string[], deadlineMs: number, options: SpawnOptions = {}): Promise<CommandResult> {
  const started = performance.now();
  const child = startChild(command, args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(child);
  }, deadlineMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  const ms = performance.now() - started;
  if (timedOut) throw new Error(`${command} ${args.join(' ').slice(0, 120)} did not finish within ${Math.round(deadlineMs / 1000)} s`);
  if (code !== 0) throw new Error(`${command} exited with ${code}: ${stderr.trim().slice(-2_000)}`);
  return { stdout, stderr, ms };
}

/** Resolves with the first stdout line matching `pattern`, or rejects when the child exits or the deadline passes. */
export function waitForLine(child: ChildProcess, pattern: RegExp, deadlineMs: number, stderrTail: () => string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const done = (err: Error | null, match?: RegExpExecArray) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(match as RegExpExecArray);
    };
    const onData = (d: Buffer | string) => {
      buffered += d.toString();
      const m = pattern.exec(buffered);
      if (m) done(null, m);
    };
    const onExit = (code: number | null) => done(new Error(`process exited (${code}) before printing ${pattern}: ${stderrTail().slice(-2_000)}`));
    const timer = setTimeout(() => done(new Error(`no ${pattern} within ${Math.round(deadlineMs / 1000)} s`)), deadlineMs);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
