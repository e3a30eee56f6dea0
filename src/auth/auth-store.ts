import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { AuthConfigError } from './auth-config-error';
import type { AuthConfig } from './auth-config';
import { authEnvOverridesIn } from './auth-env-overrides';
import { createJwtVerifier, type JwtVerifier } from './jwt-verifier';
import { authConfigFromText, readAuthConfigFile } from './load-auth-config';

export interface AuthState {
  readonly config: AuthConfig;
  readonly verifier: JwtVerifier | null;
}

export interface AuthStore {
  /** Authentication is on. Once on it stays on: a reload that removes every credential refuses all requests rather than opening the server. */
  readonly enabled: boolean;
  /** null: no config file (dev mode) */
  current(): AuthState | null;
  /** Re-reads the file; an invalid file is logged and the last good config kept. */
  reload(): Promise<void>;
  /** Stops the file watcher and the SIGHUP listener. */
  close(): void;
}

export interface AuthStoreOptions {
  readonly file: string | null;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** watch the file for changes (default true); SIGHUP reloads either way */
  readonly watch?: boolean;
  readonly cwd?: string;
}

// Editors and config-management tools write a file in several steps; wait for them to settle.
const WATCH_DEBOUNCE_MS = 150;

/** Loads the config file (a bad one stops the start) and keeps it current on SIGHUP and file changes. */
export async function createAuthStore(opts: AuthStoreOptions): Promise<AuthStore> {
  const env = opts.env ?? process.env;
  if (opts.file === null) {
    const set = authEnvOverridesIn(env);
    // Those variables only adjust a file's jwt section; without a file they would be silently ignored and the server left open.
    if (set.length) throw new AuthConfigError('(none found)', [`${set.join(', ')} set, but principals live in a config file: add trailgate.config.json or set TRAILGATE_CONFIG`]);
    return { enabled: false, current: () => null, reload: async () => undefined, close: () => undefined };
  }
  const store = new FileAuthStore(opts.file, env, opts.cwd ?? process.cwd(), opts.logger);
  await store.start(opts.watch ?? true);
  return store;
}

const fingerprint = (text: string) => createHash('sha256').update(text).digest('hex');

class FileAuthStore implements AuthStore {
  private state!: AuthState;
  private everEnabled = false;
  private queue: Promise<void> = Promise.resolve();
  /** fingerprint of the text last loaded or tried, so directory events for other files cost nothing */
  private lastSeen = '';
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly onHangup = () => void this.enqueue('SIGHUP', false);

  constructor(
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.everEnabled;
  }

  current(): AuthState {
    return this.state;
  }

  async start(watchFile: boolean): Promise<void> {
    const text = await readAuthConfigFile(this.file);
    this.lastSeen = fingerprint(text);
    this.apply(await authConfigFromText(text, this.file, this.env, this.cwd));
    // The directory, not the file: an editor's or Kubernetes' atomic replace gives the name a new inode, which a file watch would lose.
    if (watchFile) {
      this.watcher = watch(path.dirname(this.file), { persistent: false }, () => this.schedule());
      this.watcher.on('error', (err) => this.logger.error({ file: this.file, error: err.message }, 'auth config watch failed; reload with SIGHUP'));
    }
    process.on('SIGHUP', this.onHangup);
  }

  reload(): Promise<void> {
    return this.enqueue('reload', false);
  }

  close(): void {
    process.off('SIGHUP', this.onHangup);
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.enqueue('file change', true), WATCH_DEBOUNCE_MS);
    this.timer.unref();
  }

  /** One reload at a time, in order, so an older read never replaces a newer one. */
  private enqueue(trigger: string, onlyIfChanged: boolean): Promise<void> {
    this.queue = this.queue.then(() => this.load(trigger, onlyIfChanged));
    return this.queue;
  }

  private async load(trigger: string, onlyIfChanged: boolean): Promise<void> {
    try {
      const text = await readAuthConfigFile(this.file).catch((err: unknown) => {
        if (onlyIfChanged && this.lastSeen === 'unreadable') return null;
        this.lastSeen = 'unreadable';
        throw err;
      });
      if (text === null || (onlyIfChanged && fingerprint(text) === this.lastSeen)) return;
      this.lastSeen = fingerprint(text);
      const config = await authConfigFromText(text, this.file, this.env, this.cwd);
      this.apply(config);
      this.logger.info({ file: this.file, trigger, apiKeys: config.apiKeys.size, jwt: config.jwt !== null }, 'auth config reloaded');
    } catch (err) {
      // AuthConfigError problems name paths, never values: safe to log. Anything else: the message only.
      const detail = err instanceof AuthConfigError ? { problems: err.problems } : { error: (err as Error)?.message ?? String(err) };
      this.logger.error({ file: this.file, trigger, ...detail }, 'auth config reload failed; keeping the last good config');
    }
  }

  private apply(config: AuthConfig): void {
    this.state = Object.freeze({ config, verifier: config.jwt ? createJwtVerifier(config.jwt) : null });
    if (this.everEnabled && !config.configured) {
      this.logger.warn({ file: this.file }, 'auth config has no API keys and no jwt section: every request is refused until credentials are configured again');
    }
    this.everEnabled ||= config.configured;
  }
}
