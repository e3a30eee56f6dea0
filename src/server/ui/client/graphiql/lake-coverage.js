/**
 * The lake's last delivery day, asked once (best effort: a persisted-only caller may not run
 * `lake`, and then baselines open on the seven days before today).
 */
export function createLakeCoverage(fetcher) {
  let lastDay;
  return {
    async lastDay(headers) {
      if (lastDay === undefined) {
        const answer = await fetcher({ query: '{ lake { lastDay } }' }, { headers }).catch(() => null);
        // kept only once answered: a first try without credentials should not stick
        if (answer?.data?.lake) lastDay = answer.data.lake.lastDay ?? null;
      }
      return lastDay ?? null;
    },
  };
}
