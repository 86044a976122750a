/**
 * `/api/permissions`: the contract's grant and deny of a run's permission request (any instance
 * answers; the worker waiting for it resumes), and the workspace's policy of which tools ask.
 */
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from "@nestjs/common";
import { ApiBody, ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import {
  DenyPermissionRequest,
  DenyPermissionResponse,
  GrantPermissionRequest,
  GrantPermissionResponse,
  PermissionPolicyResponse,
  PermissionsService,
  UpdatePermissionPolicyRequest,
  type Actor,
  type Principal,
} from "@mix/core";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse, toOpenApiSchema } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";
import { OptionalBodyPipe } from "./optional-body.pipe";

const ANSWER_RULES =
  "Answers 404 for an unknown or expired id and for another workspace's permission. Repeating the same answer " +
  "answers 200 again (safe to retry); the opposite answer, or any answer after the request timed out (it then " +
  "counts as denied) or after its run was cancelled, answers 409. Settled requests are remembered for an hour.";

const permissionId = ApiParam({ name: "id", description: "Permission ID (the `id` of the `permission` event)" });

@ApiTags("Permissions")
@Controller("api/permissions")
export class PermissionsController {
  constructor(private readonly permissions: PermissionsService) {}

  @Post(":id/grant")
  @RequiresRole("member")
  @HttpCode(200)
  @ApiOperation({
    summary: "Grant permission",
    description:
      'Grant a specific permission: the waiting tool call runs. With `{ "always": true }` later calls of the same tool ' +
      `in the same top-level session (its subagents included) run without asking, for 30 days. ${ANSWER_RULES}`,
    operationId: "grantPermission",
  })
  @permissionId
  @ApiBody({ schema: toOpenApiSchema(GrantPermissionRequest, "input"), required: false })
  @ApiZodResponse(200, GrantPermissionResponse, "Permission grant status")
  @ApiErrors(400, 401, 404, 409)
  grant(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param("id") id: string,
    @Body(new OptionalBodyPipe(GrantPermissionRequest)) body: GrantPermissionRequest,
  ): Promise<GrantPermissionResponse> {
    return this.permissions.grant(principal.workspaceId, id, body, actor);
  }

  @Post(":id/deny")
  @RequiresRole("member")
  @HttpCode(200)
  @ApiOperation({
    summary: "Deny permission",
    description: `Deny a specific permission: the model is told the user denied it, and the run goes on. ${ANSWER_RULES}`,
    operationId: "denyPermission",
  })
  @permissionId
  @ApiBody({ schema: toOpenApiSchema(DenyPermissionRequest, "input"), required: false })
  @ApiZodResponse(200, DenyPermissionResponse, "Permission deny status")
  @ApiErrors(400, 401, 404, 409)
  deny(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param("id") id: string,
    @Body(new OptionalBodyPipe(DenyPermissionRequest)) _body: DenyPermissionRequest,
  ): Promise<DenyPermissionResponse> {
    return this.permissions.deny(principal.workspaceId, id, actor);
  }

  @Get("policy")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get the permission policy",
    description: "Which tools ask before they run. By default the built-in tools that declare it ask, and each MCP tool as its server declares.",
    operationId: "getPermissionPolicy",
  })
  @ApiZodResponse(200, PermissionPolicyResponse, "The workspace's permission policy")
  @ApiErrors(401)
  policy(@CurrentPrincipal() principal: Principal): Promise<PermissionPolicyResponse> {
    return this.permissions.getPolicy(principal.workspaceId);
  }

  @Put("policy")
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Set the permission policy",
    description:
      "`tools` becomes exactly the set of tools that ask; all others run without asking. Names must be built-in tools " +
      "(see GET /api/tools) or MCP tools named `server_tool`; anything else answers 400.",
    operationId: "setPermissionPolicy",
  })
  @ApiZodBody(UpdatePermissionPolicyRequest)
  @ApiZodResponse(200, PermissionPolicyResponse, "The policy as stored")
  @ApiErrors(400, 401, 413)
  setPolicy(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(UpdatePermissionPolicyRequest)) body: UpdatePermissionPolicyRequest,
  ): Promise<PermissionPolicyResponse> {
    return this.permissions.setPolicy(principal.workspaceId, body);
  }

  @Delete("policy")
  @RequiresRole("admin")
  @ApiOperation({ summary: "Reset the permission policy", description: "Back to the default.", operationId: "resetPermissionPolicy" })
  @ApiZodResponse(200, PermissionPolicyResponse, "The default policy")
  @ApiErrors(401)
  resetPolicy(@CurrentPrincipal() principal: Principal): Promise<PermissionPolicyResponse> {
    return this.permissions.resetPolicy(principal.workspaceId);
  }
}
