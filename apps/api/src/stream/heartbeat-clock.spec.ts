import { HeartbeatClock, type HeartbeatTarget } from "./heartbeat-clock";

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const counter = () => {
  const target = { beats: 0, beat: () => void target.beats++ } satisfies HeartbeatTarget & { beats: number };
  return target;
};

it("beats every member once per interval, on one timer, the first beat at most one interval after joining", () => {
  const clock = new HeartbeatClock(1_000);
  const first = counter();
  clock.join(first);
  jest.advanceTimersByTime(450);
  const second = counter();
  clock.join(second);
  expect(jest.getTimerCount()).toBe(1);
  jest.advanceTimersByTime(550);
  expect(first.beats).toBe(1);
  // Joined 450 ms in: its first beat is due within one interval of that, not before a round has passed.
  expect(second.beats).toBe(0);
  jest.advanceTimersByTime(450);
  expect(second.beats).toBe(1);
  jest.advanceTimersByTime(3_000);
  expect([first.beats, second.beats]).toEqual([4, 4]);
});

it("stops beating a member that left, and stops its timer once nobody is left", () => {
  const clock = new HeartbeatClock(100);
  const staying = counter();
  const leaving = counter();
  const leaveStaying = clock.join(staying);
  const leave = clock.join(leaving);
  jest.advanceTimersByTime(100);
  leave();
  leave(); // twice is harmless
  jest.advanceTimersByTime(300);
  expect([staying.beats, leaving.beats]).toEqual([4, 1]);
  expect(clock.size).toBe(1);
  expect(jest.getTimerCount()).toBe(1);
  leaveStaying();
  expect(clock.size).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
  // A new member starts it again.
  const again = counter();
  clock.join(again);
  jest.advanceTimersByTime(100);
  expect(again.beats).toBe(1);
});

it("lets a member leave during its own beat without skipping the others", () => {
  const clock = new HeartbeatClock(100);
  const others = [counter(), counter()];
  let leave: () => void = () => undefined;
  const quitter = { beats: 0, beat: () => (quitter.beats++, leave()) };
  clock.join(others[0]!);
  leave = clock.join(quitter);
  clock.join(others[1]!);
  jest.advanceTimersByTime(200);
  expect([quitter.beats, others[0]!.beats, others[1]!.beats]).toEqual([1, 2, 2]);
  expect(clock.size).toBe(2);
});
