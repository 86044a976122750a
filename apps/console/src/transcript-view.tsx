/** The transcript: messages, streamed steps with their tool calls, and what waits for the user. */
import type { Api } from "./api";
import { NotificationCard, PermissionCard } from "./request-cards";
import type { Entry, StepView, ToolCallView, Transcript } from "./transcript";

interface Props {
  api: Api;
  transcript: Transcript;
  version: number;
  onChange: () => void;
  onFork: (messageIndex: number) => void;
  onRewind: (messageId: string) => void;
}

export function TranscriptView(props: Props) {
  const entries = props.transcript.entries();
  return (
    <section class="transcript" role="log" aria-label="Transcript" aria-live="polite" aria-relevant="additions text" data-version={props.version}>
      {entries.length === 0 && <p class="meta">Nothing here yet: send a message.</p>}
      <Entries {...props} entries={entries} />
    </section>
  );
}

function Entries(props: Props & { entries: Entry[] }) {
  return (
    <>
      {props.entries.map((entry) => (
        <EntryView key={entryKey(entry)} {...props} entry={entry} />
      ))}
    </>
  );
}

const entryKey = (entry: Entry) =>
  entry.kind === "permission" || entry.kind === "notification" ? `${entry.kind}:${entry.request.id}` : `${entry.kind}:${entry.id}`;

function EntryView(props: Props & { entry: Entry }) {
  const { entry } = props;
  switch (entry.kind) {
    case "user":
      return (
        <article class="msg user" data-testid="user-message">
          <h3 class="who">You</h3>
          <p class="text">{entry.text}</p>
          <MessageActions {...props} messageIndex={entry.messageIndex} messageId={entry.id} />
        </article>
      );
    case "step":
      return <StepBlock {...props} step={entry} />;
    case "permission":
      return <PermissionCard api={props.api} entry={entry} onChange={props.onChange} />;
    case "notification":
      return <NotificationCard api={props.api} entry={entry} onChange={props.onChange} />;
    case "notice":
      return (
        <p class={`notice ${entry.level}`} role={entry.level === "error" ? "alert" : undefined}>
          {entry.text}
        </p>
      );
  }
}

function MessageActions({ messageIndex, messageId, onFork, onRewind }: Props & { messageIndex?: number; messageId: string }) {
  if (messageIndex === undefined) return null;
  return (
    <div class="msg-actions">
      <button type="button" class="small" onClick={() => onFork(messageIndex)}>
        Fork from here
      </button>
      <button type="button" class="small" onClick={() => onRewind(messageId)}>
        Rewind to here
      </button>
    </div>
  );
}

function StepBlock(props: Props & { step: StepView }) {
  const { step } = props;
  if (!step.text && !step.thinking && step.toolCalls.length === 0) return null;
  return (
    <article class="msg assistant" data-testid="assistant-step" data-step-id={step.id} data-deltas={step.deltas} data-stored={step.stored}>
      <h3 class="who">Assistant</h3>
      {step.thinking && (
        <details class="thinking">
          <summary>Thinking</summary>
          <p class="text">{step.thinking}</p>
        </details>
      )}
      {step.text && (
        <p class="text" data-testid="step-text">
          {step.text}
        </p>
      )}
      {step.toolCalls.map((call) => (
        <ToolCallBlock key={call.id} {...props} call={call} />
      ))}
      <MessageActions {...props} messageIndex={step.messageIndex} messageId={step.id} />
    </article>
  );
}

function ToolCallBlock(props: Props & { call: ToolCallView }) {
  const { call } = props;
  const children = props.transcript.entries(call.id);
  const state = call.status !== "done" ? call.status : call.success === false ? "failed" : "done";
  return (
    <div class={`tool ${state}`} data-testid="tool-call" data-tool-call-id={call.id} data-tool-name={call.name}>
      <p class="tool-head">
        <span class="tool-name">{call.name}</span> <span class="tool-state">{state}</span>
      </p>
      <details>
        <summary>Input</summary>
        <pre>{call.input}</pre>
      </details>
      {(call.result ?? call.progress) && (
        <details open={call.result !== undefined}>
          <summary>Result</summary>
          <pre data-testid="tool-result">{call.result ?? call.progress}</pre>
        </details>
      )}
      {children.length > 0 && (
        <div class="subagent" aria-label={`Subagent of ${call.name}`}>
          <Entries {...props} entries={children} />
        </div>
      )}
    </div>
  );
}
