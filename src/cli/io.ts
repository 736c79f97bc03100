/** The streams a CLI command reads and writes; injected so tests run commands in-process. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
/** Bad usage or input that is not what the command takes. */
export const EXIT_USAGE = 2;
