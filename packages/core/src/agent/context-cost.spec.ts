/**
 * What prompt caching and compaction save, measured on the simulated Anthropic API: the same
 * 20-turn session (a fact, 18 notes of about 300 tokens, a question) with neither, with caching,
 * with compaction (a 4,000-token input room) and with both. It prints the prompt tokens billed,
 * how many of them were cache reads and writes, and what they cost at Haiku's prices, and checks
 * that each saving is real and the final answer right in every case.
 */
import { AnthropicSimulator } from "@mix/testing";
import { contextSession, notesBrain, note } from "../../test/helpers/context-session";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

interface Figures {
  calls: number;
  prompt: number;
  uncached: number;
  cacheRead: number;
  cacheWrite: number;
  largestPrompt: number;
  costUsd: number;
  answer: string;
}

async function measure(dir: SessionDirFixture, context: { promptCaching: boolean; compaction: boolean } | null): Promise<Figures> {
  const simulator = await AnthropicSimulator.start({ answer: notesBrain });
  try {
    const session = contextSession(simulator, dir, {
      ...(context
        ? { context: { promptCaching: context.promptCaching, threshold: context.compaction ? 0.8 : 0, inputRoom: () => 4_000, keepRecentTokens: 1_000 } }
        : {}),
    });
    await session.send("Remember this: the secret word is KESTREL.");
    for (let index = 1; index <= 18; index++) await session.send(note(index));
    const answer = (await session.send("What is the secret word?")).text;
    const totals = simulator.totals();
    return {
      calls: totals.calls,
      prompt: totals.prompt,
      uncached: totals.input,
      cacheRead: totals.cacheRead,
      cacheWrite: totals.cacheWrite,
      largestPrompt: Math.max(...simulator.usages.map((usage) => usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens)),
      costUsd: session.cost(),
      answer,
    };
  } finally {
    await simulator.close();
  }
}

let dir: SessionDirFixture;
beforeEach(async () => {
  dir = await makeSessionDir();
});
afterEach(() => dir.cleanup());

it("measures the prompt tokens billed for a 20-turn session with and without caching and compaction", async () => {
  const plain = await measure(dir, null);
  const cached = await measure(dir, { promptCaching: true, compaction: false });
  const compacted = await measure(dir, { promptCaching: false, compaction: true });
  const both = await measure(dir, { promptCaching: true, compaction: true });
  const rows = { plain, cached, compacted, both };
  // eslint-disable-next-line no-console -- the figures are what this test is for
  console.log(
    [
      "20-turn session on the simulated Anthropic API (claude-haiku-4-5 prices):",
      "config     calls  prompt  uncached  cacheRead  cacheWrite  largest  cost(USD)",
      ...Object.entries(rows).map(
        ([name, row]) =>
          `${name.padEnd(10)} ${String(row.calls).padStart(5)} ${String(row.prompt).padStart(7)} ${String(row.uncached).padStart(9)} ` +
          `${String(row.cacheRead).padStart(10)} ${String(row.cacheWrite).padStart(11)} ${String(row.largestPrompt).padStart(8)} ${row.costUsd.toFixed(6).padStart(10)}`,
      ),
    ].join("\n"),
  );

  for (const row of Object.values(rows)) expect(row.answer).toBe("The secret word is KESTREL.");
  // Caching bills the same prompt, most of it at a tenth of the price.
  expect(cached.prompt).toBe(plain.prompt);
  expect(cached.cacheRead).toBeGreaterThan(plain.prompt / 2);
  expect(cached.costUsd).toBeLessThan(plain.costUsd / 2);
  // Compaction bounds each call (summaries cost calls of their own) and the total.
  expect(compacted.largestPrompt).toBeLessThan(4_000);
  expect(plain.largestPrompt).toBeGreaterThan(4_000);
  expect(compacted.prompt).toBeLessThan(plain.prompt);
  expect(both.costUsd).toBeLessThan(compacted.costUsd);
});
