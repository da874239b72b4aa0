import { expect } from 'vitest';
import { UsageError } from '../../src/okta/errors.js';
import { InputFileError } from '../../src/engine/input/index.js';

/** Runs `read`, asserts it throws a one-line InputFileError (a UsageError), and returns it. */
export function inputError(read: () => unknown): InputFileError {
  let thrown: unknown;
  try {
    read();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputFileError);
  expect(thrown).toBeInstanceOf(UsageError);
  const error = thrown as InputFileError;
  expect(error.message).not.toMatch(/[\r\n\u2028\u2029]/);
  return error;
}

/** The same for a promise. */
export async function inputErrorAsync(read: () => Promise<unknown>): Promise<InputFileError> {
  const thrown = await read().then(
    () => undefined,
    (error: unknown) => error,
  );
  return inputError(() => {
    throw thrown ?? new Error('resolved instead of throwing');
  });
}

/** Whether a thrown value is an acceptable refusal: an InputFileError with a one-line message. */
export function isOneLineInputError(error: unknown): boolean {
  return (
    error instanceof InputFileError &&
    error.message.length > 0 &&
    !/[\r\n\u2028\u2029]/.test(error.message)
  );
}
