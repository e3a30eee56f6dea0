import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { type HttpRequest, HttpResponse } from '@smithy/core/protocols';

/**
 * HTTP-level fakes for the Athena JSON 1.1 protocol. aws-sdk-client-mock replaces Client#send,
 * so the SDK's retry middleware never runs under it; these sit under the whole SDK stack instead.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

export const ok = (body: unknown): Reply => ({ status: 200, body: JSON.stringify(body), headers: { ...JSON_11, 'x-amzn-requestid': 'req-ok' } });
export const awsError = (status: number, type: string, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: JSON.stringify({ __type: type, message, ...extra }),
  headers: { ...JSON_11, 'x-amzn-requestid': `req-${status}` },
});
export const bare = (status: number, body = ''): Reply => ({ status, body, headers: { 'content-type': 'text/plain' } });

/** A requestHandler answering each request with the next reply (the last one repeats). */
export class ScriptedHandler {
  readonly requests: HttpRequest[] = [];

  constructor(private readonly reply: (request: HttpRequest, n: number) => Reply) {}

  static sequence(...replies: Reply[]): ScriptedHandler {
    return new ScriptedHandler((_req, n) => replies[Math.min(n - 1, replies.length - 1)]);
  }

  /** Requests for one operation, from the X-Amz-Target header. */
  calls(operation: string): number {
    return this.requests.filter((r) => target(r.headers) === operation).length;
  }

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    this.requests.push(request);
    const r = this.reply(request, this.requests.length);
    return {
      response: new HttpResponse({
        statusCode: r.status,
        headers: { 'content-length': String(Buffer.byteLength(r.body)), ...(r.headers ?? {}) },
        body: Readable.from([Buffer.from(r.body)]),
      }),
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

/** 'AmazonAthena.StartQueryExecution' → 'StartQueryExecution' */
export function target(headers: Record<string, string | string[] | undefined>): string {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'x-amz-target');
  const value = key ? headers[key] : undefined;
  return String(Array.isArray(value) ? value[0] : (value ?? '')).replace(/^AmazonAthena\./, '');
}

/** A local Athena lookalike on 127.0.0.1 (ephemeral port), answering by X-Amz-Target. */
export interface FakeAthenaServer {
  readonly url: string;
  readonly seen: Array<{ operation: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startFakeAthenaServer(answer: (operation: string, body: Record<string, unknown>) => Reply): Promise<FakeAthenaServer> {
  const seen: FakeAthenaServer['seen'] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const operation = target(req.headers);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    seen.push({ operation, body });
    const r = answer(operation, body);
    res.writeHead(r.status, { ...(r.headers ?? {}), 'content-length': Buffer.byteLength(r.body) });
    res.end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
