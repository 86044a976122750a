/** The workspace's sessions, newest first, and a form to create one. */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "./api";
import { navigate } from "./router";
import type { Session } from "./types";

export function SessionList({ api, selected, version }: { api: Api; selected?: string; version: number }) {
  const [sessions, setSessions] = useState<Session[]>([]);
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string>();

  const reload = () =>
    api.listSessions().then(
      (list) => (setSessions(list), setError(undefined)),
      (e: Error) => setError(e.message),
    );
  useEffect(() => void reload(), [api, version]);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const session = await api.createSession(title.trim() || "New session");
      setTitle("");
      await reload();
      navigate(session.id);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <nav class="sessions" aria-label="Sessions">
      <form class="create" onSubmit={create}>
        <label for="new-title">New session</label>
        <div class="row">
          <input id="new-title" value={title} placeholder="Title" onInput={(e) => setTitle(e.currentTarget.value)} />
          <button type="submit">Create</button>
        </div>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul>
        {sessions.map((session) => (
          <li key={session.id}>
            <a
              href={`/console/sessions/${encodeURIComponent(session.id)}`}
              aria-current={session.id === selected ? "page" : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(session.id);
              }}
            >
              <span class="title">{session.title}</span>
              <span class="meta">
                {session.sessionType !== "main" ? `${session.sessionType} · ` : ""}
                {new Date(session.createdAt).toLocaleString()}
              </span>
            </a>
          </li>
        ))}
        {sessions.length === 0 && !error && <li class="meta">No sessions yet.</li>}
      </ul>
    </nav>
  );
}
