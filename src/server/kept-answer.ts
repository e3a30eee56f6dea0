const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A complete answer of a catalogue operation, serialised once for every later request that asks
 * the same: the body is its data, then that request's own cost facts (its request id; nothing
 * ran, `responseCache: "hit"`), spliced around the id without parsing or stringifying the data
 * again. Bytes on the wire are those Apollo writes (`JSON.stringify(result) + "\n"`, data before
 * extensions), with the fields trailgate-plugin.ts puts in `extensions.trailgate`.
 */
export class KeptAnswer {
  private constructor(
    /** the operation's name, for the log line and the metrics */
    readonly operation: string,
    /** `{"data":…,"extensions":{"trailgate":{"requestId":` */
    private readonly head: Buffer,
    /** `,"engine":…,"queries":[],"responseCache":"hit"}}}` and the newline */
    private readonly tail: Buffer,
    /** the headers the answer went out with (the content type is negotiated per request) */
    readonly headers: Readonly<Record<string, string>>,
  ) {}

  /**
   * The answer to keep from Apollo's body, or undefined when it is not one to keep: anything but
   * data without errors, or extensions other than ours (they would be lost on a hit).
   */
  static of(operation: string, engine: string, apolloBody: string, headers: Readonly<Record<string, string>>): KeptAnswer | undefined {
    let result: unknown;
    try {
      result = JSON.parse(apolloBody);
    } catch {
      return undefined;
    }
    if (!isRecord(result) || 'errors' in result || !isRecord(result.data)) return undefined;
    if (Object.keys(result).some((k) => k !== 'data' && k !== 'extensions')) return undefined;
    if (isRecord(result.extensions) && Object.keys(result.extensions).some((k) => k !== 'trailgate')) return undefined;
    const head = Buffer.from(`{"data":${JSON.stringify(result.data)},"extensions":{"trailgate":{"requestId":`);
    const tail = Buffer.from(`,"engine":${JSON.stringify(engine)},"queries":[],"responseCache":"hit"}}}\n`);
    return new KeptAnswer(operation, head, tail, headers);
  }

  /** approximate bytes held */
  get size(): number {
    return this.head.length + this.tail.length + 256;
  }

  /** The body for one request. */
  body(requestId: string): Buffer {
    const id = Buffer.from(JSON.stringify(requestId));
    return Buffer.concat([this.head, id, this.tail], this.head.length + id.length + this.tail.length);
  }
}
