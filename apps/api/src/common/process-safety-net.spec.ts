/** The process safety net: an unhandled error is logged, the clean stop runs once, the process exits 1. */
import { EventEmitter } from "node:events";
import type { Logger } from "@mix/core";
import { waitFor } from "@mix/testing";
import { installProcessSafetyNet } from "./process-safety-net";

interface Entry {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

function recordingLogger(entries: Entry[]): Logger {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => entries.push({ level, fields, message });
  return { fatal: at("fatal"), error: at("error"), warn: at("warn"), info: at("info") } as unknown as Logger;
}

function setUp(stop: () => Promise<void>, graceMs = 5_000) {
  const entries: Entry[] = [];
  const exits: number[] = [];
  const target = new EventEmitter();
  installProcessSafetyNet({ logger: recordingLogger(entries), stop, graceMs, exit: (code) => exits.push(code), target });
  return { entries, exits, target };
}

it("logs an uncaught exception with its error, stops cleanly once and exits 1", async () => {
  let stops = 0;
  const { entries, exits, target } = setUp(async () => {
    stops++;
  });
  const error = new Error("an error event nobody listened to");
  target.emit("uncaughtException", error);
  target.emit("uncaughtException", new Error("a second one while stopping"));
  await waitFor(() => exits.length > 0, { what: "the exit" });
  expect(exits).toEqual([1]);
  expect(stops).toBe(1);
  expect(entries.filter((entry) => entry.level === "fatal").map((entry) => entry.fields.err)).toEqual([error, expect.any(Error)]);
  expect(entries[0]!.fields.kind).toBe("uncaughtException");
});

it("treats an unhandled rejection the same way", async () => {
  const { entries, exits, target } = setUp(() => Promise.resolve());
  target.emit("unhandledRejection", "not even an Error");
  await waitFor(() => exits.length > 0, { what: "the exit" });
  expect(exits).toEqual([1]);
  expect(entries[0]).toMatchObject({ level: "fatal", fields: { kind: "unhandledRejection", err: "not even an Error" } });
});

it("exits after the grace period when the clean stop hangs, and when it fails", async () => {
  const hanging = setUp(() => new Promise<void>(() => undefined), 50);
  hanging.target.emit("uncaughtException", new Error("boom"));
  await waitFor(() => hanging.exits.length > 0, { what: "the exit after the grace period" });
  expect(hanging.exits).toEqual([1]);
  expect(hanging.entries.at(-1)!.message).toMatch(/did not finish in time/);

  const failing = setUp(() => Promise.reject(new Error("close failed")));
  failing.target.emit("uncaughtException", new Error("boom"));
  await waitFor(() => failing.exits.length > 0, { what: "the exit after a failed stop" });
  expect(failing.entries.at(-1)).toMatchObject({ level: "error", fields: { err: expect.objectContaining({ message: "close failed" }) } });
});
