/** The `workspace` commands of `pnpm mix`: make a workspace (printing its owner key once), show one. */
import { AddMemberRequest, CreateWorkspaceRequest } from "@mix/core";
import type { CliCommand } from "../cli-command";
import { CLI_ACTING, option, parseRequest, UsageError, workspaceOf } from "../cli-options";

const create: CliCommand = {
  name: ["workspace", "create"],
  usage: "workspace create <name> [--owner-name <name> --owner-email <email>]",
  summary: "Create a workspace and print its owner API key (shown only now); with --owner-*, its first member owns the key",
  options: ["owner-name", "owner-email"],
  async run(values, positionals, context) {
    if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]} (quote a name with spaces)`);
    // `pnpm create-workspace` with no name always made one called "default".
    const { name } = parseRequest(CreateWorkspaceRequest, { name: positionals[0] ?? "default" });
    const ownerName = option(values, "owner-name");
    const ownerEmail = option(values, "owner-email");
    if ((ownerName === undefined) !== (ownerEmail === undefined)) throw new UsageError("--owner-name and --owner-email go together");
    const owner = ownerName !== undefined ? parseRequest(AddMemberRequest, { name: ownerName, email: ownerEmail, role: "owner" }) : undefined;
    const created = await context.application.services.workspaces.create(CLI_ACTING, { name, ...(owner ? { owner } : {}) });
    context.out(`Created workspace "${name}" (${created.workspaceId}).`);
    if (created.memberId) context.out(`Its owner ${owner!.email} is member ${created.memberId}.`);
    context.out("Its owner API key, shown only now:");
    context.out(created.apiKey);
  },
};

const show: CliCommand = {
  name: ["workspace", "show"],
  usage: "workspace show --workspace <id>",
  summary: "Print a workspace's name, plan and creation time",
  options: ["workspace"],
  async run(values, positionals, context) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const workspace = await context.application.services.workspaces.require(await workspaceOf(values, context));
    context.out(`id\t${workspace.id}`);
    context.out(`name\t${workspace.name}`);
    context.out(`plan\t${workspace.plan}`);
    context.out(`created\t${workspace.createdAt.toISOString()}`);
  },
};

export const workspaceCommands: CliCommand[] = [create, show];
