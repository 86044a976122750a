/** Asserts a promise rejects with an AppError of the status, its message matching. */
import { AppError } from "../../src/errors/app-error";

export async function expectAppError(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect({ status: (error as AppError).status, message: (error as AppError).message }).toEqual({ status, message: expect.stringMatching(message) });
}
