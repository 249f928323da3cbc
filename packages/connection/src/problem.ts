/** Thrown for problems a user fixes by changing settings or starting a server: print `.message`, no stack. */
export class ConnectionProblem extends Error {
  override name = 'ConnectionProblem';
}
