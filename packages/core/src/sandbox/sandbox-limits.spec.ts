/** The limits every sandboxed command runs under: each one stops a command that runs into it, and the tool names it. */
import { hostProcessesMatching, waitFor } from "@mix/testing";
import { bashTool } from "../tools/bash";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

let fixture: SessionDirFixture;
afterEach(() => fixture.cleanup());

async function withLimits(env: Record<string, string>) {
  fixture = await makeSessionDir({ sandboxEnv: env });
  return (command: string, timeout?: number) => bashTool.run({ command, timeout }, fixture.context);
}

it("contains a fork bomb the deny-list does not recognise, and names the process limit", async () => {
  const run = await withLimits({ SANDBOX_MAX_PROCESSES: "64" });
  const result = await run("bomb() { bomb & bomb & wait; }; bomb", 3_000);
  expect(result.isError).toBe(true);
  expect(result.output).toMatch(/limit of 64 processes \(SANDBOX_MAX_PROCESSES\)/);
  // The whole tree went with the sandbox.
  await waitFor(async () => (await hostProcessesMatching("bomb() { bomb")).length === 0, { timeoutMs: 5_000, what: "the fork bomb's processes to be gone" });
});

it("stops a memory hog at the memory limit and names it", async () => {
  const run = await withLimits({ SANDBOX_MEMORY_MB: "128" });
  const result = await run("python3 -c 'data = bytearray(1024 * 1024 * 1024); print(len(data))'");
  expect(result.isError).toBe(true);
  expect(result.output).toContain("MemoryError");
  expect(result.output).toMatch(/memory limit of 128 MB per process \(SANDBOX_MEMORY_MB\)/);
});

it("stops a file past the file size limit and names it", async () => {
  const run = await withLimits({ SANDBOX_MAX_FILE_MB: "1" });
  const result = await run("head -c 3000000 /dev/zero > big.bin");
  expect(result.isError).toBe(true);
  expect(result.output).toMatch(/file size limit of 1 MB \(SANDBOX_MAX_FILE_MB\)/);
});

it("stops a CPU hog at the CPU limit and names it", async () => {
  const run = await withLimits({ SANDBOX_CPU_SECONDS: "1" });
  const result = await run("while :; do :; done", 20_000);
  expect(result.isError).toBe(true);
  expect(result.output).toMatch(/CPU time limit of 1 s per process \(SANDBOX_CPU_SECONDS\)/);
});

it("stops a program past the open files limit and names it", async () => {
  const run = await withLimits({ SANDBOX_MAX_OPEN_FILES: "64" });
  const result = await run("python3 -c 'import os; files = [os.open(\"/dev/null\", os.O_RDONLY) for _ in range(500)]'");
  expect(result.isError).toBe(true);
  expect(result.output).toContain("Too many open files");
  expect(result.output).toMatch(/limit of 64 open files \(SANDBOX_MAX_OPEN_FILES\)/);
});

it("bounds the in-memory /tmp", async () => {
  const run = await withLimits({ SANDBOX_TMP_MB: "2" });
  const result = await run("head -c 5000000 /dev/zero > /tmp/fill");
  expect(result.isError).toBe(true);
  expect(result.output).toMatch(/No space left on device/);
});

it("kills a command past its timeout together with every process it started", async () => {
  const run = await withLimits({});
  const started = Date.now();
  const result = await run("sleep 317 & sleep 318 & echo started; sleep 319", 700);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(result.isError).toBe(true);
  expect(result.output).toMatch(/^started\nCommand timed out after 700 ms and was killed/);
  await waitFor(async () => (await hostProcessesMatching("sleep 31")).length === 0, { timeoutMs: 5_000, what: "the timed-out command's processes to be gone" });
});

it("ends background processes with the command that started them", async () => {
  const run = await withLimits({});
  const result = await run("(sleep 327; echo late > late.txt) & echo done");
  expect(result).toEqual({ isError: false, output: "done" });
  await waitFor(async () => (await hostProcessesMatching("sleep 327")).length === 0, { timeoutMs: 5_000, what: "the background sleep to be gone" });
});
