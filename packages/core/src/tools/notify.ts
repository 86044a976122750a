/**
 * notify_user: the agent tells the user something (info, warning, error) or asks a question and waits
 * for the answer: acknowledged, free text, or one of the choices it offers. A question waits a
 * stated time; with no answer by then, the stated default (if any) is what the model is told.
 * The notifier in the tool's context does the showing and the waiting (notifications/).
 */
import { z } from "zod";
import { NOTIFICATION_LIMITS, NOTIFICATION_TYPES, RESPONSE_TYPES, type NotificationResponseType } from "../contracts";
import { defineTool, failed, type NotificationAnswer, type UserNotification } from "./tool";

const L = NOTIFICATION_LIMITS;

const input = z
  .strictObject({
    type: z.enum(NOTIFICATION_TYPES).describe("info, warning or error: tell the user (no waiting); question: ask, and wait for the answer"),
    title: z.string().min(1).max(L.titleChars).describe("A short heading"),
    message: z.string().min(1).max(L.messageChars).describe("What you tell or ask, in a few sentences"),
    responseType: z
      .enum(RESPONSE_TYPES)
      .optional()
      .describe("For a question: acknowledge (an OK), text (a free answer; the default) or choice (one of `choices`). Notices are acknowledged"),
    choices: z.array(z.string().min(1).max(L.choiceChars)).min(L.minChoices).max(L.maxChoices).optional().describe("The options, with responseType choice"),
    timeoutSeconds: z.number().int().min(L.minTimeoutSeconds).optional().describe("How long to wait for the answer (a default applies when omitted)"),
    default: z.string().min(1).max(L.answerChars).optional().describe("The answer taken when none comes in time (with choice: one of the choices)"),
  })
  .superRefine((value, context) => {
    const problem = inputProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

type NotifyInput = z.output<typeof input>;

export const NOTIFY_TOOL_NAME = "notify_user";

export const notifyTool = defineTool({
  name: NOTIFY_TOOL_NAME,
  description:
    "Tell the user something while you work, or ask them. type info/warning/error shows a notice and returns at once. " +
    "type question waits for the answer: responseType text for a free answer, choice with 2-20 choices for one of them, " +
    "acknowledge for a simple OK. A question waits timeoutSeconds; state a `default` you will go with if nobody answers. " +
    "Ask only what you cannot find out yourself, and never ask for secrets.",
  inputSchema: input,
  // Changes nothing the session holds: a question is allowed in plan mode too.
  readOnly: true,
  requiresPermission: false,
  category: "interaction",
  async execute(value, context) {
    const notifier = context.notifier;
    if (!notifier) return failed("notify_user is not available in this run: there is no user to show it to.");
    const timeoutSeconds = value.timeoutSeconds ?? notifier.defaultTimeoutSeconds;
    if (timeoutSeconds > notifier.maxTimeoutSeconds) return failed(`timeoutSeconds must be at most ${notifier.maxTimeoutSeconds}`);
    const notification = toNotification(value, timeoutSeconds);
    const answer = await notifier.notify(notification, context.signal);
    return answer === null ? `Shown to the user as ${value.type}: "${value.title}".` : describeAnswer(answer, notification);
  },
});

function inputProblem(value: Omit<NotifyInput, "responseType"> & { responseType?: NotificationResponseType }): string | null {
  const responseType = value.responseType ?? (value.type === "question" ? "text" : "acknowledge");
  if (value.type !== "question" && responseType !== "acknowledge") return `a ${value.type} notice is acknowledged: responseType must be acknowledge`;
  if (value.type !== "question" && value.default !== undefined) return "default is for questions only";
  if (responseType === "choice" && !value.choices) return "responseType choice needs choices";
  if (responseType !== "choice" && value.choices) return "choices go with responseType choice";
  if (value.choices && new Set(value.choices).size !== value.choices.length) return "choices must differ from each other";
  if (responseType === "choice" && value.default !== undefined && !value.choices?.includes(value.default)) return "default must be one of the choices";
  if (responseType === "acknowledge" && value.default !== undefined) return "an acknowledgement has no default";
  return null;
}

function toNotification(value: NotifyInput, timeoutSeconds: number): UserNotification {
  const responseType = value.responseType ?? (value.type === "question" ? "text" : "acknowledge");
  return {
    notificationType: value.type,
    title: value.title,
    message: value.message,
    responseType,
    timeoutSeconds,
    ...(value.choices ? { choices: value.choices } : {}),
    ...(value.default !== undefined ? { defaultValue: value.default } : {}),
  };
}

function describeAnswer(answer: NotificationAnswer, notification: UserNotification): string {
  if (answer.answered) {
    if (answer.type === "acknowledge") return "The user acknowledged.";
    if (answer.type === "choice") return `The user chose: ${answer.value ?? ""}`;
    return `The user answered:\n${answer.value ?? ""}`;
  }
  const waited = `No answer came within ${notification.timeoutSeconds} seconds`;
  if (notification.defaultValue !== undefined) return `${waited}; going with the stated default: ${notification.defaultValue}`;
  return `${waited}. Go on without it if you can, or ask again later.`;
}
