/**
 * The bubblewrap command line of one sandboxed command: fresh namespaces, the read-only system
 * view, sized tmpfs folders, the session folder at one fixed path, and the limits applied by
 * prlimit before the program starts.
 */
import { prlimitArgs, type SandboxLimits } from "../sandbox-limits";

/** Where the session folder appears inside the sandbox. */
export const SANDBOX_WORKDIR = "/workspace";
export const SANDBOX_HOME = "/home/sandbox";
/** The user and group the command runs as inside (its own user namespace maps them to the sandbox user). */
export const SANDBOX_INSIDE_ID = 1000;

// The sandbox's own user list, so neither the host's user names nor its uids show inside.
export const SANDBOX_PASSWD = `root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:${SANDBOX_INSIDE_ID}:${SANDBOX_INSIDE_ID}:sandbox:/home/sandbox:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`;
export const SANDBOX_GROUP = `root:x:0:\nsandbox:x:${SANDBOX_INSIDE_ID}:\nnogroup:x:65534:\n`;

export interface EgressMounts {
  /** The proxy's socket, the forwarder script and the Node binary that runs it, on the host. */
  socket: string;
  forwarder: string;
  node: string;
  /** Where each is bound inside, and the port the forwarder listens on there. */
  socketInside: string;
  forwarderInside: string;
  nodeInside: string;
  port: number;
}

export interface BwrapCommand {
  systemArgs: string[];
  workdir: string;
  env: Record<string, string>;
  limits: SandboxLimits;
  prlimit: string;
  argv: string[];
  egress: EgressMounts | null;
}

/** bwrap's options (set-up: binds, environment), and the command line it runs after `--`. */
export interface BwrapArgs {
  options: string[];
  command: string[];
}

export function bwrapArgs(command: BwrapCommand): BwrapArgs {
  const { limits } = command;
  const size = String(limits.tmpBytes);
  // Kept as written: each line is one flag with its values, which is how the confinement is reviewed.
  // prettier-ignore
  const args = [
    // Every namespace of its own; no network namespace shared with the host, so loopback is its own.
    "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--unshare-cgroup-try",
    // No nested user namespaces: they are the usual way into kernel bugs.
    "--disable-userns",
    // Killed with the worker; its own session, so it cannot push input into a terminal (TIOCSTI).
    "--die-with-parent", "--new-session",
    "--uid", String(SANDBOX_INSIDE_ID), "--gid", String(SANDBOX_INSIDE_ID),
    "--hostname", "sandbox",
    "--clearenv",
    ...Object.entries(command.env).flatMap(([name, value]) => ["--setenv", name, value]),
    ...command.systemArgs,
    "--proc", "/proc",
    "--dev", "/dev",
    "--size", size, "--tmpfs", "/dev/shm",
    "--size", size, "--tmpfs", "/tmp",
    "--dir", SANDBOX_HOME,
    "--size", size, "--tmpfs", SANDBOX_HOME,
    "--bind", command.workdir, SANDBOX_WORKDIR,
  ];
  if (command.egress) {
    const { egress } = command;
    args.push(
      "--ro-bind",
      egress.socket,
      egress.socketInside,
      "--ro-bind",
      egress.forwarder,
      egress.forwarderInside,
      "--ro-bind",
      egress.node,
      egress.nodeInside,
    );
  }
  // Everything else of the root and /dev is read-only, so nothing unbounded can be written in memory.
  args.push("--remount-ro", "/dev", "--remount-ro", "/", "--chdir", SANDBOX_WORKDIR);
  const limited = [command.prlimit, ...prlimitArgs(limits), "--", ...command.argv];
  if (!command.egress) return { options: args, command: limited };
  const { egress } = command;
  return {
    options: args,
    command: [egress.nodeInside, egress.forwarderInside, "--listen", String(egress.port), "--socket", egress.socketInside, "--", ...limited],
  };
}
