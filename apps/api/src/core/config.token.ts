/** Injection token of the validated Config (a type, not a class, so it needs a token of its own). */
export const CONFIG = Symbol("Config");
