/** The `key` commands of `pnpm mix`: create (the key printed once), list and revoke a workspace's API keys. */
import { CreateKeyRequest, type ApiKeyData } from "@mix/core";
import type { CliCommand, CliContext } from "../cli-command";
import { CLI_ACTING, option, parseRequest, positionals, printRows, requireOption, UsageError, workspaceOf } from "../cli-options";

const keys = (context: CliContext) => context.application.services.keysAdmin;
const owner = (key: ApiKeyData) => (key.member ? `member ${key.member.id} <${key.member.email}>` : `service ${key.name}`);

const create: CliCommand = {
  name: ["key", "create"],
  usage: "key create --workspace <id> --role <role> (--member <id> [--name <name>] | --service <name> | --name <name>) [--expires <ISO date>]",
  summary: "Create an API key for a member or a named service and print it (shown only now)",
  options: ["workspace", "role", "member", "service", "name", "expires"],
  async run(values, given, context) {
    positionals(given);
    const memberId = option(values, "member");
    const service = option(values, "service");
    if (memberId !== undefined && service !== undefined) throw new UsageError("a key belongs to a member (--member) or a service (--service), not both");
    if (service !== undefined && option(values, "name") !== undefined) throw new UsageError("a service's key is named by --service; leave out --name");
    const name = service ?? option(values, "name") ?? (memberId !== undefined ? "cli" : undefined);
    if (name === undefined) throw new UsageError("name the key's owner: --member <id> or --service <name>");
    const workspaceId = await workspaceOf(values, context);
    const request = parseRequest(CreateKeyRequest, { name, role: requireOption(values, "role"), memberId, expiresAt: option(values, "expires") });
    const { key, secret } = await keys(context).create(workspaceId, CLI_ACTING, request);
    context.out(`Created key ${key.id} (${key.role}, ${owner(key)}${key.expiresAt ? `, expires ${key.expiresAt}` : ""}). The key, shown only now:`);
    context.out(secret);
  },
};

const list: CliCommand = {
  name: ["key", "list"],
  usage: "key list --workspace <id> [--json]",
  summary: "List the API keys (never the keys themselves)",
  options: ["workspace"],
  booleans: ["json"],
  async run(values, given, context) {
    positionals(given);
    printRows(context, values, await keys(context).list(await workspaceOf(values, context)), {
      id: (key) => key.id,
      prefix: (key) => key.prefix,
      name: (key) => key.name,
      role: (key) => key.role,
      status: (key) => key.status,
      member: (key) => key.member?.email ?? null,
      created: (key) => key.createdAt,
      "last used": (key) => key.lastUsedAt,
      expires: (key) => key.expiresAt,
    });
  },
};

const revoke: CliCommand = {
  name: ["key", "revoke"],
  usage: "key revoke <key-id> --workspace <id>",
  summary: "Revoke an API key: refused at once by every instance",
  options: ["workspace"],
  async run(values, given, context) {
    const [keyId] = positionals(given, "key-id");
    const key = await keys(context).revoke(await workspaceOf(values, context), CLI_ACTING, keyId!);
    context.out(`Key ${key.id} (${key.prefix}…, ${key.name}) is ${key.status}.`);
  },
};

export const keyCommands: CliCommand[] = [create, list, revoke];
