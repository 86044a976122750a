/** `/api/workspace/keys`: the workspace's API keys, managed by admins (owners for the admin and owner roles). */
import { Body, Controller, Delete, Get, Param, Post } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import { ApiKeyData, ApiKeysAdmin, CreateKeyRequest, CreateKeyResponse, ListKeysResponse, type Actor, type Principal } from "@mix/core";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";
import { actingOf } from "./acting";

const KEY_ID = ApiParam({ name: "id", description: "The key's id (not the key itself)" });

@ApiTags("Workspace")
@Controller("api/workspace/keys")
@RequiresRole("admin")
export class KeysController {
  constructor(private readonly keys: ApiKeysAdmin) {}

  @Get()
  @ApiOperation({ summary: "List API keys", description: "Every key, revoked and expired ones too; never a key itself.", operationId: "listKeys" })
  @ApiZodResponse(200, ListKeysResponse, "The workspace's keys, oldest first")
  @ApiErrors(401)
  async list(@CurrentPrincipal() principal: Principal): Promise<ListKeysResponse> {
    return { keys: await this.keys.list(principal.workspaceId) };
  }

  @Post()
  @ApiOperation({
    summary: "Create an API key",
    description:
      "A key for a member (at most the member's role) or for a service named by `name`. The key itself is in this answer only. " +
      "Only an owner may create an owner or admin key.",
    operationId: "createKey",
  })
  @ApiZodBody(CreateKeyRequest)
  @ApiZodResponse(201, CreateKeyResponse, "The key, with its secret shown only now")
  @ApiErrors(400, 401, 404, 413)
  create(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(CreateKeyRequest)) body: CreateKeyRequest,
  ): Promise<CreateKeyResponse> {
    return this.keys.create(principal.workspaceId, actingOf(principal, actor), body);
  }

  @Get(":id")
  @ApiOperation({ summary: "Get an API key", operationId: "getKey" })
  @KEY_ID
  @ApiZodResponse(200, ApiKeyData, "The key (never the key itself)")
  @ApiErrors(401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param("id") id: string): Promise<ApiKeyData> {
    return this.keys.get(principal.workspaceId, id);
  }

  @Delete(":id")
  @ApiOperation({
    summary: "Revoke an API key",
    description:
      "Refused at once by every instance (open streams are cut). Revoking a revoked key changes nothing. An admin may revoke its own key, an owner any.",
    operationId: "revokeKey",
  })
  @KEY_ID
  @ApiZodResponse(200, ApiKeyData, "The revoked key")
  @ApiErrors(401, 404)
  revoke(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param("id") id: string): Promise<ApiKeyData> {
    return this.keys.revoke(principal.workspaceId, actingOf(principal, actor), id);
  }
}
