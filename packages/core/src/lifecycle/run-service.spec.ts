/**
 * A real process under runService: a SIGTERM that comes while it is still starting is not the
 * default kill, it stops the process cleanly once it has started (the built module, as the apps run it).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { waitFor } from "@mix/testing";

const built = path.resolve(__dirname, "../../dist/lifecycle/run-service.js");

// Starts slowly (until told to finish starting), then stops when signalled.
const program = `
const { runService } = require(${JSON.stringify(built)});
runService(() => new Promise((resolve) => {
  process.stdout.write("starting\\n");
  process.stdin.once("data", () => {
    process.stdout.write("started\\n");
    resolve(async (signal) => { process.stdout.write("stopped on " + signal + "\\n"); });
  });
}));`;

it("stops cleanly on a SIGTERM that came while it was starting", async () => {
  const child = spawn(process.execPath, ["-e", program], { stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await waitFor(() => output.includes("starting"), { what: "the process to start starting" });
  child.kill("SIGTERM");
  // Still alive: the signal waits for the start.
  await new Promise((resolve) => setImmediate(resolve));
  expect(child.exitCode).toBeNull();
  child.stdin.write("go\n");
  expect(await exited).toBe(0);
  expect(output).toBe("starting\nstarted\nstopped on SIGTERM\n");
});
