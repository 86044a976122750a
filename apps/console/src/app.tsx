/** The console: the key form until a key is given, then the sessions and the open session. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { Api, ApiError } from "./api";
import { keyStore } from "./key-store";
import { useSessionRoute } from "./router";
import { SessionList } from "./session-list";
import { SessionView } from "./session-view";
import type { Workspace } from "./types";

export function App() {
  const [key, setKey] = useState(keyStore.get());
  const signOut = () => {
    keyStore.clear();
    setKey(null);
  };
  if (!key) return <KeyForm onKey={(value) => (keyStore.set(value), setKey(value))} />;
  return <Console apiKey={key} onSignOut={signOut} />;
}

function KeyForm({ onKey }: { onKey: (key: string) => void }) {
  const [value, setValue] = useState("");
  return (
    <main class="key-form">
      <h1>Mix console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) onKey(value.trim());
        }}
      >
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autocomplete="off" spellcheck={false} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <p class="hint">Kept for this tab only, and sent to this server alone.</p>
        <button type="submit">Open console</button>
      </form>
    </main>
  );
}

function Console({ apiKey, onSignOut }: { apiKey: string; onSignOut: () => void }) {
  const api = useMemo(() => new Api(apiKey), [apiKey]);
  const sessionId = useSessionRoute();
  const [workspace, setWorkspace] = useState<Workspace | "hidden" | "loading">("loading");
  const [keyError, setKeyError] = useState<string>();
  const [listVersion, setListVersion] = useState(0);

  useEffect(() => {
    api.workspace().then(setWorkspace, (error: unknown) => {
      // A key below admin may not read the workspace (403): the console works without it.
      if (error instanceof ApiError && error.status === 403) setWorkspace("hidden");
      else if (error instanceof ApiError && error.status === 401) setKeyError(error.message);
      else setWorkspace("hidden");
    });
  }, [api]);

  return (
    <div class="console">
      <header class="top">
        <h1>Mix console</h1>
        <p class="who" data-testid="workspace">
          {workspace === "loading" ? "…" : workspace === "hidden" ? "workspace hidden for this key" : `${workspace.name} · ${workspace.role}`}
        </p>
        <button type="button" onClick={onSignOut}>
          Forget key
        </button>
      </header>
      {keyError && (
        <p class="banner error" role="alert">
          {keyError}. <button onClick={onSignOut}>Enter another key</button>
        </p>
      )}
      <div class="layout">
        <SessionList api={api} selected={sessionId} version={listVersion} />
        {sessionId ? (
          <SessionView key={sessionId} api={api} sessionId={sessionId} onChanged={() => setListVersion((v) => v + 1)} />
        ) : (
          <section class="empty">
            <p>Pick a session, or create one.</p>
          </section>
        )}
      </div>
    </div>
  );
}
