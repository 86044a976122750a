/** The console's client routes, under /console/ (the API answers index.html for each). */
import { useEffect, useState } from "preact/hooks";

const BASE = "/console";

export function sessionIdFromPath(pathname: string): string | undefined {
  const match = /^\/console\/sessions\/([^/]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

export function navigate(sessionId: string | undefined): void {
  const path = sessionId ? `${BASE}/sessions/${encodeURIComponent(sessionId)}` : `${BASE}/`;
  if (location.pathname !== path) history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function useSessionRoute(): string | undefined {
  const [id, setId] = useState(() => sessionIdFromPath(location.pathname));
  useEffect(() => {
    const update = () => setId(sessionIdFromPath(location.pathname));
    addEventListener("popstate", update);
    return () => removeEventListener("popstate", update);
  }, []);
  return id;
}
