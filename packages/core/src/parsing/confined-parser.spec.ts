/**
 * The parser sandbox on the real bubblewrap driver: a parser sees its scratch folder with its
 * input and nothing of the server (no environment, no storage), its folder is gone afterwards,
 * and what it leaves behind is read back only as a plain file of bounded size.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { testParserStorage } from "../../test/helpers/test-sandbox";
import { PARSING_DIR, type ConfinedParser } from "./confined-parser";

let root: string;
let parser: ConfinedParser;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, parser, cleanup } = await testParserStorage("parser"));
});
afterAll(() => cleanup());

const input = (text: string) => (dir: string) => writeFile(path.join(dir, "input.txt"), text);

it("runs in a scratch folder holding only its input, without the server's environment or storage, and removes it after", async () => {
  await mkdir(path.join(root, "other-session"));
  const secret = path.join(root, "other-session", "secret.txt");
  await writeFile(secret, "another session's file");
  process.env.MIX_PARSER_SPEC_SECRET = "server secret";
  try {
    const seen = await parser.run(
      {
        writeInput: input("the document"),
        argv: ["sh", "-c", `ls -A; env; cat '${secret}' 2>&1; cat input.txt > out.txt`],
        timeoutMs: 10_000,
      },
      async ({ run, output }) => ({ stdout: run.stdout.text, out: await output("out.txt", 1_000) }),
    );
    expect(seen.out).toEqual(Buffer.from("the document"));
    expect(seen.stdout.split("\n")[0]).toBe("input.txt");
    expect(seen.stdout).not.toContain("server secret");
    expect(seen.stdout).not.toContain("another session's file");
  } finally {
    delete process.env.MIX_PARSER_SPEC_SECRET;
  }
  expect(await readdir(path.join(root, PARSING_DIR))).toEqual([]);
});

it("reads back only plain files it wrote: a planted link or FIFO is missing, an oversized file too large", async () => {
  const serverFile = path.join(root, "server-file.txt");
  await writeFile(serverFile, "the server's own file");
  const outputs = await parser.run(
    {
      writeInput: async (dir) => {
        // What a compromised parser could leave: links to the server's files, a FIFO, a huge file.
        await writeFile(path.join(dir, "big.bin"), Buffer.alloc(2_000));
      },
      argv: ["sh", "-c", `ln -s '${serverFile}' link.txt; ln -s /etc/passwd passwd.txt; mkfifo fifo`],
      timeoutMs: 10_000,
    },
    async ({ run, output }) => ({
      exitCode: run.exitCode,
      link: await output("link.txt", 1_000),
      passwd: await output("passwd.txt", 1_000_000),
      fifo: await output("fifo", 1_000),
      big: await output("big.bin", 1_000),
      none: await output("never-written", 1_000),
    }),
  );
  expect(outputs).toEqual({ exitCode: 0, link: "missing", passwd: "missing", fifo: "missing", big: "too_large", none: "missing" });
});

it("reports a program that is not there as exit code 127, and a parser past its time as stopped", async () => {
  const missing = await parser.run({ writeInput: input("x"), argv: ["no-such-parser"], timeoutMs: 10_000 }, async ({ run }) => run.exitCode);
  expect(missing).toBe(127);
  const slow = await parser.run({ writeInput: input("x"), argv: ["sleep", "30"], timeoutMs: 300 }, async ({ run }) => run.stoppedBy);
  expect(slow).toBe("timeout");
});
