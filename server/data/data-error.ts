/**
 * A problem with the user's data, worded for the user: what is wrong and what to do about it.
 * Routes show `message` as is; any other error is a bug and is shown as one.
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}
