/** Injection token of the core services (sessions, messages, events, ...) shared by every module. */
export const API_SERVICES = Symbol("API_SERVICES");
