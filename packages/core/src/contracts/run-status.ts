/**
 * The states of a run that still has work ahead: queued, or running on some worker. A session
 * with such a run is busy (it is neither deleted nor rewound), and only such a run is executed.
 */
export const ACTIVE_RUN_STATUSES = ["queued", "running"] as const;
export type ActiveRunStatus = (typeof ACTIVE_RUN_STATUSES)[number];

export function isActiveRunStatus(status: string): status is ActiveRunStatus {
  return (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
}
