/**
 * What a run job takes before its run is read: the session's lease and then (lease first, as
 * RunScheduling orders them) a slot of its workspace. The job names both, so neither waits for
 * the read; both held, the read may mark a first start running in its own statement (run-load.ts),
 * one write and one round trip fewer before the first delta. Whoever claimed gives the claim to
 * RunScheduling.executeInTurn, or drops it (the run is gone, over, or must wait).
 */
import type { Lease, RunLeases } from "./run-lease";
import type { WorkspaceSlot, WorkspaceSlots } from "./workspace-slots";

export interface RunClaim {
  sessionId: string;
  workspaceId: string;
  /** Null when another run holds the session. */
  lease: Promise<Lease | null>;
  /** The workspace's cap on runs executing at once (null: none). */
  cap: Promise<number | null>;
  /** Null when the lease was not got, or every slot of the workspace is taken. */
  slot: Promise<WorkspaceSlot | null>;
  /** Whether both are held (false too when taking either failed). */
  held(): Promise<boolean>;
  /** Gives back what was taken; resolves to how many other runs wait for the session (0 when the lease was not held). */
  drop(): Promise<number>;
}

export interface RunClaimRequest {
  sessionId: string;
  workspaceId: string;
  runId: string;
  /** The run's place among its workspace's waiters, should the workspace be full (its job's timestamp). */
  order: number;
}

export function claimRun(leases: Pick<RunLeases, "acquire">, slots: Pick<WorkspaceSlots, "capOf" | "take">, request: RunClaimRequest): RunClaim {
  const { sessionId, workspaceId, runId, order } = request;
  const lease = leases.acquire(sessionId, runId);
  const cap = slots.capOf(workspaceId);
  const slot = lease.then(async (held) => (held ? slots.take(workspaceId, runId, await cap, order) : null));
  // Each is awaited later, or never (a run that is gone): none may go unhandled meanwhile.
  for (const taken of [lease, cap, slot]) taken.catch(() => undefined);
  return {
    sessionId,
    workspaceId,
    lease,
    cap,
    slot,
    held: async () => (await slot.catch(() => null)) !== null,
    drop: async () => {
      const [heldLease, heldSlot] = await Promise.all([lease.catch(() => null), slot.catch(() => null)]);
      await heldSlot?.release();
      return (await heldLease?.release()) ?? 0;
    },
  };
}
