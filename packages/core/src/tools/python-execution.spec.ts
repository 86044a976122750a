/** python_execution: Python 3 in the session's sandbox, with its stdout, stderr and exit code as the result. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pythonExecutionTool } from "./python-execution";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";

let fixture: SessionDirFixture;
beforeEach(async () => {
  fixture = await makeSessionDir();
});
afterEach(() => fixture.cleanup());

const run = (code: string, timeout?: number) => pythonExecutionTool.run({ code, timeout }, fixture.context);

it("runs a program in the session folder and reports exit code, stdout and stderr", async () => {
  const result = await run("import os, sys\nprint('hello', os.getcwd())\nopen('out.txt', 'w').write('42')\nprint('warn', file=sys.stderr)");
  expect(result).toEqual({ isError: false, output: "Exit code 0\n--- stdout ---\nhello /workspace\n--- stderr ---\nwarn" });
  expect(await readFile(path.join(fixture.context.sessionDir, "out.txt"), "utf8")).toBe("42");
});

it("reports an exception as a failure with its traceback and exit code", async () => {
  const result = await run("raise ValueError('bad input')");
  expect(result.isError).toBe(true);
  expect(result.output).toMatch(/^Exit code 1\n--- stderr ---\nTraceback[\s\S]*ValueError: bad input$/);
});

it("takes a program far larger than one command-line argument may be", async () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `x${i} = ${i}`);
  const result = await run(`${lines.join("\n")}\nprint(x19999)`);
  expect(result.output).toBe("Exit code 0\n--- stdout ---\n19999");
});

it("is confined like Bash: no secrets, no other folders, no network", async () => {
  process.env.MIX_PYTHON_TEST_SECRET = "python-must-not-see";
  try {
    const result = await run(
      [
        "import os, socket",
        "print(any('python-must-not-see' in open(f'/proc/{p}/environ').read() for p in os.listdir('/proc') if p.isdigit()))",
        "print(os.path.exists(os.path.join('..', 'outside.txt')))",
        "s = socket.socket()",
        "try:\n    s.connect(('127.0.0.1', 5432)); print('connected')\nexcept OSError as e:\n    print('refused', e.errno)",
      ].join("\n"),
    );
    expect(result.output).toMatch(/^Exit code 0\n--- stdout ---\nFalse\nFalse\nrefused \d+$/);
  } finally {
    delete process.env.MIX_PYTHON_TEST_SECRET;
  }
});

it("kills a program past its timeout", async () => {
  const result = await run("import time\nprint('started', flush=True)\ntime.sleep(60)", 500);
  expect(result.isError).toBe(true);
  expect(result.output).toMatch(/^Exit code \d+\n--- stdout ---\nstarted\nCommand timed out after 500 ms/);
});

it("refuses empty and oversized programs before running anything", async () => {
  expect((await run("")).output).toMatch(/Invalid input for python_execution/);
  expect((await run("x".repeat(1_000_001))).output).toMatch(/Invalid input for python_execution/);
});
