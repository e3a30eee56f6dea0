/** eventCategory values; records older than eventVersion 1.08 carry none (see column catalogue). */
export const EVENT_CATEGORIES = ['MANAGEMENT', 'DATA', 'NETWORK_ACTIVITY', 'INSIGHT'] as const;
export type EventCategoryName = (typeof EVENT_CATEGORIES)[number];

export const RAW_EVENT_CATEGORY = {
  MANAGEMENT: 'Management',
  DATA: 'Data',
  NETWORK_ACTIVITY: 'NetworkActivity',
  INSIGHT: 'Insight',
} as const satisfies Record<EventCategoryName, string>;

export function eventCategoryFromRaw(raw: string | null | undefined): EventCategoryName | null {
  const hit = (Object.entries(RAW_EVENT_CATEGORY) as Array<[EventCategoryName, string]>).find(([, v]) => v === raw);
  return hit ? hit[0] : null;
}
