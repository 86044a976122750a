/** The open session: its header and actions, the live transcript, the composer and its files. */
import { useState } from "preact/hooks";
import type { Api } from "./api";
import { FilesPanel } from "./files-panel";
import { navigate } from "./router";
import { TranscriptView } from "./transcript-view";
import { useSession } from "./use-session";

const download = (blob: Blob, name: string) => {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

export function SessionView({ api, sessionId, onChanged }: { api: Api; sessionId: string; onChanged: () => void }) {
  const [reloadKey, setReloadKey] = useState(0);
  const state = useSession(api, sessionId, reloadKey);
  const [text, setText] = useState("");
  const [actionError, setActionError] = useState<string>();
  const { session, transcript, status } = state;

  const act = async (action: () => Promise<unknown>) => {
    try {
      setActionError(undefined);
      await action();
    } catch (e) {
      setActionError((e as Error).message);
    }
  };
  const send = (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return;
    void act(async () => {
      await api.send(sessionId, text);
      setText("");
    });
  };
  const fork = (messageIndex: number) =>
    act(async () => {
      const forked = await api.forkSession(sessionId, messageIndex);
      onChanged();
      navigate(forked.id);
    });
  const rewind = (messageId: string) =>
    act(async () => {
      if (!confirm("Rewind the session to this message? Later messages are removed.")) return;
      await api.rewindSession(sessionId, messageId);
      setReloadKey((k) => k + 1);
    });
  const remove = () =>
    act(async () => {
      if (!confirm("Delete this session and its files?")) return;
      await api.deleteSession(sessionId);
      onChanged();
      navigate(undefined);
    });

  return (
    <main class="session" aria-labelledby="session-title">
      <header class="session-head">
        <h2 id="session-title">{session?.title ?? "…"}</h2>
        <p class="usage" data-testid="usage">
          {session ? `${session.promptTokens} in · ${session.completionTokens} out tokens · $${session.cost.toFixed(4)}` : ""}
        </p>
        <div class="actions">
          <button type="button" onClick={() => act(async () => download(await api.exportSession(sessionId), `session-${sessionId}.json`))}>
            Export
          </button>
          <button type="button" onClick={remove} class="danger">
            Delete
          </button>
        </div>
      </header>
      {status !== "open" && (
        <p class="banner" role="status" data-testid="stream-banner">
          {status === "reconnecting" ? `Disconnected — reconnecting… (${state.statusDetail ?? ""})` : status === "connecting" ? "Connecting…" : "Stream closed"}
        </p>
      )}
      {(state.error || actionError) && (
        <p class="banner error" role="alert">
          {state.error ?? actionError}
        </p>
      )}
      <TranscriptView api={api} transcript={transcript} version={state.version} onChange={state.rerender} onFork={fork} onRewind={rewind} />
      <form class="composer" onSubmit={send}>
        <label for="message">Message</label>
        <textarea
          id="message"
          rows={3}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) send(e);
          }}
        />
        <div class="row">
          <button type="submit">Send</button>
          <button type="button" onClick={() => act(() => api.cancel(sessionId))} disabled={!state.running}>
            Cancel run
          </button>
        </div>
      </form>
      <FilesPanel api={api} sessionId={sessionId} version={state.completions} />
    </main>
  );
}
