/** `/api/workspace/members`: the workspace's members, managed by admins (owners for the admin and owner roles). */
import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from "@nestjs/swagger";
import {
  AddMemberRequest,
  ListMembersQuery,
  ListMembersResponse,
  MemberData,
  MembersService,
  UpdateMemberRequest,
  type Actor,
  type Principal,
} from "@mix/core";
import type { z } from "zod";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";
import { actingOf } from "./acting";

const MEMBER_ID = ApiParam({ name: "id", description: "The member's id" });

@ApiTags("Workspace")
@Controller("api/workspace/members")
@RequiresRole("admin")
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: "List members", operationId: "listMembers" })
  @ApiQuery({ name: "includeRemoved", required: false, type: Boolean, description: "Also the removed members" })
  @ApiZodResponse(200, ListMembersResponse, "The workspace's members, oldest first")
  @ApiErrors(400, 401)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(ListMembersQuery)) query: z.infer<typeof ListMembersQuery>,
  ): Promise<ListMembersResponse> {
    return { members: await this.members.list(principal.workspaceId, query) };
  }

  @Post()
  @ApiOperation({
    summary: "Add a member",
    description: "A member with a name, an email (one member per address) and a role. Only an owner may add an owner or an admin.",
    operationId: "addMember",
  })
  @ApiZodBody(AddMemberRequest)
  @ApiZodResponse(201, MemberData, "The member")
  @ApiErrors(400, 401, 409, 413)
  add(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(AddMemberRequest)) body: AddMemberRequest,
  ): Promise<MemberData> {
    return this.members.add(principal.workspaceId, actingOf(principal, actor), body);
  }

  @Get(":id")
  @ApiOperation({ summary: "Get a member", operationId: "getMember" })
  @MEMBER_ID
  @ApiZodResponse(200, MemberData, "The member")
  @ApiErrors(401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param("id") id: string): Promise<MemberData> {
    return this.members.get(principal.workspaceId, id);
  }

  @Patch(":id")
  @ApiOperation({
    summary: "Change a member's role",
    description: "Its keys above the new role are lowered to it. Only an owner may change an owner or admin, or grant those roles; the last owner stays one.",
    operationId: "updateMember",
  })
  @MEMBER_ID
  @ApiZodBody(UpdateMemberRequest)
  @ApiZodResponse(200, MemberData, "The member")
  @ApiErrors(400, 401, 404, 409, 413)
  update(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param("id") id: string,
    @Body(new ZodPipe(UpdateMemberRequest)) body: UpdateMemberRequest,
  ): Promise<MemberData> {
    return this.members.changeRole(principal.workspaceId, actingOf(principal, actor), id, body.role);
  }

  @Delete(":id")
  @ApiOperation({
    summary: "Remove a member",
    description: "Its keys are revoked at once, on every instance. The member's row stays (with removedAt) for the audit log.",
    operationId: "removeMember",
  })
  @MEMBER_ID
  @ApiZodResponse(200, MemberData, "The removed member")
  @ApiErrors(401, 404, 409)
  remove(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param("id") id: string): Promise<MemberData> {
    return this.members.remove(principal.workspaceId, actingOf(principal, actor), id);
  }
}
