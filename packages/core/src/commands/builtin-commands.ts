/**
 * The commands every deployment has. Only pure prompt templates: a command here must be
 * honoured by sending its expansion to the model, with no other feature behind it.
 */

export interface CommandDefinition {
  name: string;
  description: string;
  /** Shown after the name in `usage`, written as the user should read it (e.g. `<text>`). */
  argumentHint?: string;
  /** The prompt sent instead of the typed text; see command-template.ts for the placeholders. */
  template: string;
}

export const BUILTIN_COMMANDS: readonly CommandDefinition[] = [
  {
    name: "help",
    description: "List the available commands",
    // $COMMANDS is filled with the current list, and only in built-ins (see command-registry.ts).
    template: "List the slash commands I can use here, each with its usage and what it does:\n\n$COMMANDS",
  },
  {
    name: "review",
    description: "Review code or text for bugs, risks and unclear parts",
    argumentHint: "<code or text>",
    template: "Review the following for bugs, risks and unclear code: $ARGUMENTS",
  },
  {
    name: "summarize",
    description: "Summarize the given text",
    argumentHint: "<text>",
    template: "Summarize: $ARGUMENTS",
  },
];
