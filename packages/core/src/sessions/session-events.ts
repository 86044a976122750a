/** Session lifecycle events on the session's own log (replayable like every other event). */
import type { Session } from "@mix/db";
import type { EventLog } from "../events/event-log";

export function announceSessionCreated(events: EventLog, session: Pick<Session, "id" | "title" | "createdAt">) {
  return events.append(session.id, "session_created", {
    type: "session_created",
    sessionId: session.id,
    title: session.title,
    createdAt: Math.floor(session.createdAt.getTime() / 1000),
  });
}
