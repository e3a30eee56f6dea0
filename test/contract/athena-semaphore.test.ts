import { Semaphore } from '../../src/engines/athena/semaphore';

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore (the gateway queue in front of Athena)', () => {
  it('grants up to its capacity, then queues in arrival order', async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    const waiting = [3, 4, 5].map((n) => s.acquire().then((release) => (order.push(n), release)));
    await tick();
    expect(s.active).toBe(2);
    expect(s.pending).toBe(3);
    r2();
    r2(); // a second release of the same permit is ignored
    await tick();
    expect(order).toEqual([3]);
    expect(s.pending).toBe(2);
    r1();
    await tick();
    expect(order).toEqual([3, 4]);
    (await waiting[0])();
    (await waiting[1])();
    (await waiting[2])();
    expect(order).toEqual([3, 4, 5]);
    expect(s.active).toBe(0);
    expect(s.pending).toBe(0);
  });

  it('lets an aborted waiter leave the queue without losing a permit', async () => {
    const s = new Semaphore(1);
    const held = await s.acquire();
    const leaver = new AbortController();
    const left = s.acquire(leaver.signal);
    const next = s.acquire();
    leaver.abort(new Error('client gone'));
    await expect(left).rejects.toThrow('client gone');
    expect(s.pending).toBe(1);
    held();
    const release = await next;
    expect(s.active).toBe(1);
    release();
    expect(s.active).toBe(0);
  });

  it('rejects an already-aborted caller at once', async () => {
    const s = new Semaphore(1);
    const c = new AbortController();
    c.abort(new Error('gone'));
    await expect(s.acquire(c.signal)).rejects.toThrow('gone');
    expect(s.active).toBe(0);
  });

  it('on close, fails every waiter and every later caller', async () => {
    const s = new Semaphore(1);
    const held = await s.acquire();
    const waiter = s.acquire();
    s.close(new Error('shutting down'));
    await expect(waiter).rejects.toThrow('shutting down');
    await expect(s.acquire()).rejects.toThrow('shutting down');
    held();
    expect(s.active).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
  });
});
