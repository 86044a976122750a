/** What the proxy's request handlers share: the rule, the limits, the logger and the connection registry. */
import type { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import type { Logger } from "../../logging/logger";
import type { EgressPolicy } from "./egress-target";

export interface ProxyContext {
  policy: EgressPolicy;
  logger: Logger;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  /** Registers a socket the proxy opened or accepted, so close() can destroy it. */
  track(socket: Socket): void;
  /** Counts a tunnel or forwarded request until `holder` closes; false when the cap is reached. */
  admit(holder: EventEmitter): boolean;
}
