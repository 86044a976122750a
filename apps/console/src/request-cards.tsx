/** What waits for the user: a permission request (Grant / Always / Deny) and a notification. */
import { useState } from "preact/hooks";
import type { Api } from "./api";
import type { Entry } from "./transcript";

type PermissionEntry = Extract<Entry, { kind: "permission" }>;
type NotificationEntry = Extract<Entry, { kind: "notification" }>;

export function PermissionCard({ api, entry, onChange }: { api: Api; entry: PermissionEntry; onChange: () => void }) {
  const { request } = entry;
  const answer = async (state: "granted" | "always" | "denied") => {
    try {
      if (state === "denied") await api.deny(request.id);
      else await api.grant(request.id, state === "always");
      entry.state = state;
    } catch (e) {
      entry.state = "failed";
      entry.detail = (e as Error).message;
    }
    onChange();
  };
  const titleId = `perm-${request.id}`;
  return (
    <section class="card permission" aria-labelledby={titleId} data-testid="permission">
      <h3 id={titleId}>
        Permission: <span class="tool-name">{request.toolName}</span>
      </h3>
      <p>{request.description}</p>
      {request.params && <pre>{JSON.stringify(request.params, null, 2)}</pre>}
      {entry.state === "pending" ? (
        <div class="row">
          <button type="button" onClick={() => answer("granted")}>
            Grant
          </button>
          <button type="button" onClick={() => answer("always")}>
            Always
          </button>
          <button type="button" class="danger" onClick={() => answer("denied")}>
            Deny
          </button>
        </div>
      ) : (
        <p class="answer" data-testid="permission-answer">
          {entry.state === "failed"
            ? `Could not answer: ${entry.detail}`
            : entry.state === "always"
              ? "Granted (always in this session)"
              : `${entry.state[0]!.toUpperCase()}${entry.state.slice(1)}`}
        </p>
      )}
    </section>
  );
}

export function NotificationCard({ api, entry, onChange }: { api: Api; entry: NotificationEntry; onChange: () => void }) {
  const { request } = entry;
  const [text, setText] = useState(request.defaultValue ?? "");
  const respond = async (type: string, value?: string) => {
    try {
      await api.respond(request.id, type, value);
      entry.state = "answered";
      entry.answer = value ?? "OK";
    } catch (e) {
      entry.state = "failed";
      entry.detail = (e as Error).message;
    }
    onChange();
  };
  const titleId = `note-${request.id}`;
  const isQuestion = request.notificationType === "question";
  return (
    <section class={`card notification ${request.notificationType}`} aria-labelledby={titleId} data-testid="notification">
      <h3 id={titleId}>{request.title}</h3>
      <p>{request.message}</p>
      {entry.state === "answered" ? (
        <p class="answer" data-testid="notification-answer">
          Answered: {entry.answer}
        </p>
      ) : entry.state === "failed" ? (
        <p class="answer error">Could not answer: {entry.detail}</p>
      ) : request.responseType === "choice" ? (
        <div class="row" role="group" aria-label={`Choices for ${request.title}`}>
          {(request.choices ?? []).map((choice) => (
            <button key={choice} type="button" onClick={() => respond("choice", choice)}>
              {choice}
            </button>
          ))}
        </div>
      ) : request.responseType === "text" ? (
        <form
          class="row"
          onSubmit={(event) => {
            event.preventDefault();
            void respond("text", text);
          }}
        >
          <label class="sr-only" for={`answer-${request.id}`}>
            Answer
          </label>
          <input id={`answer-${request.id}`} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit">Answer</button>
        </form>
      ) : isQuestion || request.responseType === "acknowledge" ? (
        <button type="button" onClick={() => respond("acknowledge")}>
          OK
        </button>
      ) : null}
    </section>
  );
}
