/**
 * An input the app refuses. The message is written for the user: what is wrong, then what to do.
 * Anything else that is thrown is a bug, not a bad input.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
