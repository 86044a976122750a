/**
 * The API key lives for this tab only (sessionStorage): it is gone when the tab closes, never
 * shared with other tabs, never in localStorage or a cookie a request would carry by itself.
 */
const KEY = "mix.console.apiKey";

export const keyStore = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};
