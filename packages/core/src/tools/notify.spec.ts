/**
 * The notify_user tool's own rules: what input it refuses (before anyone is shown anything), and what
 * the model is told of each outcome. The notifier is a recording stand-in for the gate (its real
 * behaviour is notifications/notification-gate.spec.ts).
 */
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";
import { notifyTool } from "./notify";
import type { NotificationAnswer, ToolContext, UserNotification, UserNotifier } from "./tool";

let fixture: SessionDirFixture;
let shown: UserNotification[];
let next: NotificationAnswer | null;

function withNotifier(): ToolContext {
  const notifier: UserNotifier = {
    notify: async (notification) => {
      shown.push(notification);
      return notification.notificationType === "question" ? next : null;
    },
    defaultTimeoutSeconds: 300,
    maxTimeoutSeconds: 3_600,
  };
  return { ...fixture.context, notifier };
}

beforeEach(async () => {
  fixture = await makeSessionDir();
  shown = [];
  next = { answered: false };
});
afterEach(() => fixture.cleanup());

const ask = { type: "question", title: "Colour", message: "Which one?" };

describe("input it refuses, showing nothing", () => {
  it.each(
    (
      [
        [{ ...ask, responseType: "choice" }, /responseType choice needs choices/],
        [{ ...ask, choices: ["a", "b"] }, /choices go with responseType choice/],
        [{ ...ask, responseType: "choice", choices: ["a", "a"] }, /choices must differ/],
        [{ ...ask, responseType: "choice", choices: ["a"] }, /choices/],
        [{ ...ask, responseType: "choice", choices: ["a", "b"], default: "c" }, /default must be one of the choices/],
        [{ ...ask, responseType: "acknowledge", default: "ok" }, /an acknowledgement has no default/],
        [{ type: "info", title: "t", message: "m", responseType: "text" }, /info notice is acknowledged/],
        [{ type: "error", title: "t", message: "m", default: "x" }, /default is for questions only/],
        [{ ...ask, title: "" }, /title/],
        [{ ...ask, title: "x".repeat(201) }, /title/],
        [{ ...ask, message: "x".repeat(4_001) }, /message/],
        [{ ...ask, timeoutSeconds: 1 }, /timeoutSeconds/],
        [{ ...ask, timeoutSeconds: 3_601 }, /timeoutSeconds must be at most 3600/],
        [{ ...ask, extra: true }, /extra/],
        [{ type: "shout", title: "t", message: "m" }, /type/],
      ] as [Record<string, unknown>, RegExp][]
    ).map(([input, message]) => [message.source, input, message] as const),
  )("refuses input matching /%s/", async (_label, input, message) => {
    const result = await notifyTool.run(input, withNotifier());
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(message);
    expect(shown).toEqual([]);
  });

  it("says so when the run has nobody to ask", async () => {
    expect(await notifyTool.run(ask, fixture.context)).toEqual({ isError: true, output: expect.stringMatching(/no user to show it to/) });
  });
});

describe("what the model is told", () => {
  it("a notice is shown and returns at once, acknowledged by default", async () => {
    const result = await notifyTool.run({ type: "warning", title: "Slow", message: "This takes a while." }, withNotifier());
    expect(result).toEqual({ isError: false, output: 'Shown to the user as warning: "Slow".' });
    expect(shown).toEqual([{ notificationType: "warning", title: "Slow", message: "This takes a while.", responseType: "acknowledge", timeoutSeconds: 300 }]);
  });

  it("a question defaults to a free-text answer and the deployment's wait", async () => {
    next = { answered: true, type: "text", value: "Blue." };
    expect(await notifyTool.run(ask, withNotifier())).toEqual({ isError: false, output: "The user answered:\nBlue." });
    expect(shown[0]).toMatchObject({ responseType: "text", timeoutSeconds: 300 });
  });

  it("a choice, an acknowledgement, and no answer with and without a default", async () => {
    const choice = { ...ask, responseType: "choice", choices: ["red", "blue"], default: "red", timeoutSeconds: 30 };
    next = { answered: true, type: "choice", value: "blue" };
    expect((await notifyTool.run(choice, withNotifier())).output).toBe("The user chose: blue");
    next = { answered: false };
    expect((await notifyTool.run(choice, withNotifier())).output).toBe("No answer came within 30 seconds; going with the stated default: red");
    next = { answered: true, type: "acknowledge" };
    expect((await notifyTool.run({ ...ask, responseType: "acknowledge" }, withNotifier())).output).toBe("The user acknowledged.");
    next = { answered: false };
    expect((await notifyTool.run(ask, withNotifier())).output).toMatch(/^No answer came within 300 seconds\. Go on without it/);
  });
});
