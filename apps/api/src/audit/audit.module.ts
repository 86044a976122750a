/** `/api/workspace/audit`: the workspace's audit log, for admins. */
import { Module } from "@nestjs/common";
import { AuditController } from "./audit.controller";

@Module({ controllers: [AuditController] })
export class AuditModule {}
