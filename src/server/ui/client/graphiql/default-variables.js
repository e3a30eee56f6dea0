const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * The range a baseline opens with: the last seven delivery days of the lake when known
 * (`lastDay` from `lake`), else the seven days before today (UTC).
 */
export function defaultRange(lastDay) {
  const end = (lastDay ? Date.parse(`${lastDay}T00:00:00Z`) : Date.parse(`${isoDay(Date.now())}T00:00:00Z`) - DAY_MS) + DAY_MS;
  return { from: `${isoDay(end - 7 * DAY_MS)}T00:00:00Z`, to: `${isoDay(end)}T00:00:00Z` };
}

/**
 * Variables for a catalogue operation: the range, the operation's own defaults (shown so they
 * can be edited), null for other required values, and no `accounts` (every account the caller
 * may read).
 */
export function defaultVariables(operation, range) {
  const variables = {};
  for (const { name, type, defaultValue } of operation.variables) {
    if (name === 'range') variables.range = range;
    else if (name === 'from' || name === 'to') variables[name] = range[name];
    else if (defaultValue !== null && defaultValue !== undefined) variables[name] = defaultValue;
    else if (type.endsWith('!')) variables[name] = null;
  }
  return variables;
}
