/**
 * Runs inside the sandbox: relays 127.0.0.1:<port> to the worker's egress proxy socket, then runs
 * the command and exits with its status. Imports node: builtins only: this one compiled file is
 * all of the project the sandbox gets.
 *
 *   node forwarder-main.js --listen 3128 --socket /run/mix-egress/proxy.sock -- <program> [args...]
 *
 * Exit status: the program's, 128 + the signal number if a signal killed it, 127 if it does not
 * exist, 126 if it cannot be run, 125 if the forwarder itself cannot start (usage, port in use).
 */
import { spawn } from "node:child_process";
import net from "node:net";
import { constants } from "node:os";

const NAME = "mix-egress-forwarder";
const USAGE = `usage: ${NAME} --listen <port> --socket <path> -- <program> [args...]`;
const FORWARDED_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;
// What a client is told when the worker's proxy is not there: it speaks HTTP to us, so an HTTP answer.
const PROXY_DOWN_BODY = "egress proxy unavailable\n";
const PROXY_DOWN = `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\ncontent-length: ${PROXY_DOWN_BODY.length}\r\nconnection: close\r\n\r\n${PROXY_DOWN_BODY}`;

interface ForwarderArgs {
  port: number;
  socketPath: string;
  argv: [string, ...string[]];
}

function parseArgs(args: string[]): ForwarderArgs | string {
  const split = args.indexOf("--");
  const options = split === -1 ? args : args.slice(0, split);
  const argv = split === -1 ? [] : args.slice(split + 1);
  let port: number | undefined;
  let socketPath: string | undefined;
  for (let i = 0; i < options.length; i += 2) {
    const [name, value] = [options[i], options[i + 1]];
    if (name === "--listen" && value && /^\d{1,5}$/.test(value) && Number(value) > 0 && Number(value) < 65536) port = Number(value);
    else if (name === "--socket" && value) socketPath = value;
    else return `bad option ${name ?? ""} ${value ?? ""}`.trim();
  }
  if (port === undefined || socketPath === undefined || argv.length === 0) return "missing --listen, --socket or the program";
  return { port, socketPath, argv: argv as [string, ...string[]] };
}

function fail(message: string, status: number): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(status);
}

/** One client connection, relayed byte for byte to the proxy socket. */
function relay(client: net.Socket, socketPath: string): void {
  const proxy = net.connect({ path: socketPath, allowHalfOpen: true });
  let connected = false;
  const destroyBoth = () => {
    client.destroy();
    proxy.destroy();
  };
  proxy.once("connect", () => (connected = true));
  proxy.on("error", () => {
    if (connected || !client.writable) return destroyBoth();
    proxy.destroy();
    client.end(PROXY_DOWN, () => client.destroy());
  });
  client.on("error", destroyBoth);
  // A side that is gone gets no more bytes; the other is ended so what it has buffered still goes out.
  client.on("close", () => proxy.end());
  proxy.on("close", () => client.end());
  client.pipe(proxy);
  proxy.pipe(client);
}

function run([program, ...args]: [string, ...string[]]): void {
  // The environment as given: whoever starts the forwarder sets HTTP_PROXY and the rest.
  const child = spawn(program, args, { stdio: "inherit" });
  let done = false;
  const finish = (status: number) => {
    if (done) return;
    done = true;
    process.exit(status);
  };
  child.on("error", (error: NodeJS.ErrnoException) => {
    if (done) return;
    const status = error.code === "ENOENT" ? 127 : 126;
    process.stderr.write(`${NAME}: cannot run ${program}: ${error.code === "ENOENT" ? "no such program" : (error.code ?? error.message)}\n`);
    finish(status);
  });
  child.on("exit", (code, signal) => finish(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => {
      if (child.pid !== undefined && child.exitCode === null) child.kill(signal);
    });
  }
}

function main(): void {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === "string") fail(`${parsed}\n${USAGE}`, 125);
  let started = false;
  const server = net.createServer({ allowHalfOpen: true }, (client) => relay(client, parsed.socketPath));
  server.on("error", (error: NodeJS.ErrnoException) => {
    if (!started) fail(`cannot listen on 127.0.0.1:${parsed.port}: ${error.code ?? error.message}`, 125);
    process.stderr.write(`${NAME}: ${error.code ?? error.message}\n`);
  });
  // The program starts only once the port answers, so its first request cannot be refused.
  server.listen(parsed.port, "127.0.0.1", () => {
    started = true;
    run(parsed.argv);
  });
}

if (require.main === module) main();
