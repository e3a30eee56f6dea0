/** Where a command writes, and whether a person is watching (tests pass their own). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

export const processIo = (): CliIo => ({
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
});
