/** The `member` commands of `pnpm mix`: add, list, change the role of, and remove a workspace's members. */
import { AddMemberRequest, UpdateMemberRequest, type MemberData } from "@mix/core";
import type { CliCommand, CliContext } from "../cli-command";
import { CLI_ACTING, option, parseRequest, positionals, printRows, requireOption, workspaceOf } from "../cli-options";

const describe = (member: MemberData) => `${member.id}\t${member.name} <${member.email}>\t${member.role}`;
const members = (context: CliContext) => context.application.services.members;

const add: CliCommand = {
  name: ["member", "add"],
  usage: "member add --workspace <id> --name <name> --email <email> [--role owner|admin|member|read_only]",
  summary: "Add a member (role member unless --role says otherwise)",
  options: ["workspace", "name", "email", "role"],
  async run(values, given, context) {
    positionals(given);
    const workspaceId = await workspaceOf(values, context);
    const request = parseRequest(AddMemberRequest, {
      name: requireOption(values, "name"),
      email: requireOption(values, "email"),
      role: option(values, "role"),
    });
    context.out(describe(await members(context).add(workspaceId, CLI_ACTING, request)));
  },
};

const list: CliCommand = {
  name: ["member", "list"],
  usage: "member list --workspace <id> [--include-removed] [--json]",
  summary: "List the members",
  options: ["workspace"],
  booleans: ["include-removed", "json"],
  async run(values, given, context) {
    positionals(given);
    const rows = await members(context).list(await workspaceOf(values, context), { includeRemoved: values["include-removed"] === true });
    printRows(context, values, rows, {
      id: (member) => member.id,
      name: (member) => member.name,
      email: (member) => member.email,
      role: (member) => member.role,
      created: (member) => member.createdAt,
      removed: (member) => member.removedAt,
    });
  },
};

const role: CliCommand = {
  name: ["member", "role"],
  usage: "member role <member-id> --workspace <id> --role owner|admin|member|read_only",
  summary: "Change a member's role (its keys above the new role are lowered to it)",
  options: ["workspace", "role"],
  async run(values, given, context) {
    const [memberId] = positionals(given, "member-id");
    const workspaceId = await workspaceOf(values, context);
    const request = parseRequest(UpdateMemberRequest, { role: requireOption(values, "role") });
    context.out(describe(await members(context).changeRole(workspaceId, CLI_ACTING, memberId!, request.role)));
  },
};

const remove: CliCommand = {
  name: ["member", "remove"],
  usage: "member remove <member-id> --workspace <id>",
  summary: "Remove a member and revoke all its keys",
  options: ["workspace"],
  async run(values, given, context) {
    const [memberId] = positionals(given, "member-id");
    const member = await members(context).remove(await workspaceOf(values, context), CLI_ACTING, memberId!);
    context.out(`Removed ${member.name} <${member.email}> (${member.id}); its keys are revoked.`);
  },
};

export const memberCommands: CliCommand[] = [add, list, role, remove];
