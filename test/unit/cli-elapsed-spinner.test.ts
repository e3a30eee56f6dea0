import { elapsedSpinner } from '../../src/cli/elapsed-spinner';

describe('the elapsed-time spinner of long CLI runs', () => {
  afterEach(() => jest.useRealTimers());

  it('redraws one stderr line with the elapsed seconds on a terminal, and clears it when stopped', () => {
    jest.useFakeTimers();
    const writes: string[] = [];
    const s = elapsedSpinner('Running TopUsers', (t) => void writes.push(t), true);
    jest.advanceTimersByTime(1_000);
    s.stop();
    expect(writes.length).toBeGreaterThanOrEqual(10);
    expect(writes[0]).toMatch(/^\r\x1b\[2K. Running TopUsers… \d+\.\d s$/);
    expect(writes[writes.length - 1]).toBe('\r\x1b[2K');
    const count = writes.length;
    jest.advanceTimersByTime(1_000);
    expect(writes).toHaveLength(count);
  });

  it('writes nothing when stderr is not a terminal (logs and pipes stay clean)', () => {
    const writes: string[] = [];
    elapsedSpinner('Running', (t) => void writes.push(t), false).stop();
    expect(writes).toEqual([]);
  });
});
