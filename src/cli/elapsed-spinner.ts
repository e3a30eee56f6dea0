const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const INTERVAL_MS = 100;

/**
 * `⠋ Running TopUsers… 3.4 s` on one stderr line while work of unknown length runs (a query over a
 * big lake), redrawn in place; nothing at all when stderr is not a terminal. `stop()` clears it.
 */
export function elapsedSpinner(label: string, write: (s: string) => void, isTTY: boolean): { stop: () => void } {
  if (!isTTY) return { stop: () => {} };
  const started = performance.now();
  let frame = 0;
  const draw = () => write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}… ${((performance.now() - started) / 1000).toFixed(1)} s`);
  draw();
  const timer = setInterval(draw, INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      write('\r\x1b[2K');
    },
  };
}
