/** `/console`: the web console, served from this origin so it calls the API without CORS. */
import { Module } from "@nestjs/common";
import { ConsoleController } from "./console.controller";

@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
