/** `/api/workspace`: the workspace, its members and its API keys. */
import { Module } from "@nestjs/common";
import { KeysController } from "./keys.controller";
import { MembersController } from "./members.controller";
import { WorkspaceController } from "./workspace.controller";

@Module({ controllers: [WorkspaceController, MembersController, KeysController] })
export class WorkspaceAdminModule {}
