/**
 * One open session's state: its details (tokens, cost), its transcript from the stored history
 * and then the stream, and the stream's connection status. The stream is opened first and its
 * events held until the history is loaded, so nothing that happens in between is missed; an
 * event for a step the history already holds changes nothing (the transcript knows stored ids).
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Api } from "./api";
import { SessionStream, type StreamStatus } from "./session-stream";
import { Transcript } from "./transcript";
import type { Session, StreamEvent } from "./types";

export interface SessionState {
  session?: Session;
  transcript: Transcript;
  version: number;
  status: StreamStatus;
  statusDetail?: string;
  error?: string;
  running: boolean;
  /** Counts the runs that ended while open (what may have changed the session's files). */
  completions: number;
  refresh(): void;
  rerender(): void;
}

export function useSession(api: Api, sessionId: string, reloadKey: number): SessionState {
  const transcript = useMemo(() => new Transcript(), [sessionId, reloadKey]);
  const [session, setSession] = useState<Session>();
  const [version, setVersion] = useState(0);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [statusDetail, setStatusDetail] = useState<string>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const [completions, setCompletions] = useState(0);
  const alive = useRef(true);
  const rerender = () => setVersion((v) => v + 1);

  const refresh = () => {
    api.getSession(sessionId).then(
      (s) => alive.current && setSession(s),
      (e: Error) => setError(e.message),
    );
  };

  useEffect(() => {
    alive.current = true;
    let held: StreamEvent[] | undefined = [];
    const apply = (event: StreamEvent) => {
      if (event.event === "user_message_created") setRunning(true);
      if (event.event === "complete" && !event.data.parentToolCallId) {
        setRunning(false);
        setCompletions((n) => n + 1);
        refresh();
        // The stored results of the run's tool calls, which the stream only summarises.
        api.messages(sessionId).then(
          (messages) => alive.current && (transcript.attachStored(messages), rerender()),
          () => undefined,
        );
      }
      if (event.event === "session_deleted") setError("This session was deleted.");
      if (event.event === "error" && event.data.type === "replay_unavailable") {
        // What was missed is no longer in the replay log: Postgres has every stored step.
        api.messages(sessionId).then(
          (messages) => alive.current && (transcript.replaceHistory(messages), rerender()),
          (e: Error) => setError(e.message),
        );
        return;
      }
      if (transcript.apply(event)) rerender();
    };
    const stream = new SessionStream(api, sessionId, {
      onEvent: (event) => (held ? held.push(event) : apply(event)),
      onStatus: (next, detail) => {
        if (!alive.current) return;
        setStatus(next);
        setStatusDetail(detail);
      },
    });
    stream.start();
    refresh();
    api.messages(sessionId).then(
      (messages) => {
        if (!alive.current) return;
        transcript.loadHistory(messages);
        const waiting = held ?? [];
        held = undefined;
        waiting.forEach(apply);
        rerender();
      },
      (e: Error) => setError(e.message),
    );
    return () => {
      alive.current = false;
      stream.stop();
    };
  }, [api, sessionId, transcript]);

  return { session, transcript, version, status, statusDetail, error, running, completions, refresh, rerender };
}
