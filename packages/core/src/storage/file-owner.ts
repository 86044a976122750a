/** Who owns the files the server writes into a session folder. */

/**
 * A numeric owner for files and folders the server creates in a session folder, so the
 * sandbox's unprivileged user can change them later. Null (where a FileOwner | null is taken)
 * means "the server's own user", which needs no change of owner.
 */
export interface FileOwner {
  uid: number;
  gid: number;
}
