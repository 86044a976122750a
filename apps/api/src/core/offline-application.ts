/**
 * An application for building the Nest app only to read its routes (the OpenAPI document): the
 * real Config, and in place of every service and connection an empty stand-in. Nothing is
 * constructed over Redis or Postgres, so nothing connects; a route that ran would fail at once.
 */
import type { ApplicationServices, Config, Infrastructure } from "@mix/core";
import type { CoreApplication } from "./core.module";

export function offlineApplication(config: Config): CoreApplication {
  return { infrastructure: standIns<Infrastructure>({ config }), services: standIns<ApplicationServices>({}) };
}

/** `known`'s members, and an empty object for any other member read. */
function standIns<T extends object>(known: Partial<T>): T {
  const empty = Object.freeze({});
  return new Proxy(known, { get: (target, name) => (name in target ? Reflect.get(target, name) : empty) }) as T;
}
