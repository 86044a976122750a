/**
 * Whether a permission request still waits for its answer. PermissionsService answers requests
 * but has no reader of one's status, so the follower reads the request from its store.
 */
import type { PermissionStore } from "../permissions/permission-store";

export async function isPermissionPending(store: PermissionStore, permissionId: string): Promise<boolean> {
  return (await store.get(permissionId))?.status === "pending";
}
