/**
 * The process's application services and the little infrastructure a controller needs (the
 * Config, the event log and its fan-out), provided once for every feature module. The
 * application comes in ready-made: tests run several API apps in one process, and the OpenAPI
 * renderer passes one that never connects.
 */
import { type DynamicModule, Module, type Provider } from "@nestjs/common";
import { EventFanout, EventLog, type Application } from "@mix/core";
import { CONFIG } from "./config.token";
import { serviceProviders } from "./service-providers";

export type CoreApplication = Pick<Application, "infrastructure" | "services">;

@Module({})
export class CoreModule {
  static forRoot({ infrastructure, services }: CoreApplication): DynamicModule {
    const providers: Provider[] = [
      { provide: CONFIG, useValue: infrastructure.config },
      // Streams read and follow a session's events themselves (replay, then live).
      { provide: EventLog, useValue: infrastructure.events },
      { provide: EventFanout, useValue: infrastructure.fanout },
      ...serviceProviders(services),
    ];
    return { module: CoreModule, global: true, providers, exports: providers };
  }
}
