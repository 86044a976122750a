/**
 * The commands every deployment has. Prompt templates, honoured by sending their expansion to
 * the model, except `/compact`: its message is stored as typed and its run summarises the
 * conversation instead of calling the model on it (agent/loop-context.ts).
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
  {
    name: "compact",
    description: "Summarise the conversation so far to free the model's context window (the full history stays stored)",
    argumentHint: "[what the summary should focus on]",
    // Kept as typed: the run recognises it (context/compaction-marker.ts).
    template: "/compact $ARGUMENTS",
  },
];
