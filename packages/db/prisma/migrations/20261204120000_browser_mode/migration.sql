-- The browser a session's agent works with (Mix v0.11.4). Existing sessions, created by clients of
-- the older contract, get a browser the server runs.
ALTER TABLE "Session" ADD COLUMN "browserMode" TEXT NOT NULL DEFAULT 'local-browser-service';
ALTER TABLE "Session" ADD COLUMN "cdpUrl" TEXT;

ALTER TABLE "Session" ADD CONSTRAINT "Session_browserMode_check"
  CHECK ("browserMode" IN ('electron-embedded-browser', 'local-browser-service', 'remote-cdp-websocket'));
-- A CDP endpoint exactly for a remote browser.
ALTER TABLE "Session" ADD CONSTRAINT "Session_cdpUrl_check"
  CHECK (("browserMode" = 'remote-cdp-websocket') = ("cdpUrl" IS NOT NULL));
