// BENCH_CPU_PROFILE=FILE: a V8 CPU profile of the bench's own process over the run phase alone
// (set-up, warm-up and clean-up left out), to open in Chrome DevTools. A run that times out
// writes none.
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

/** Starts profiling; the returned function stops it and writes the profile to `file`. */
export async function startCpuProfile(file) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    await writeFile(file, JSON.stringify(profile));
  };
}
