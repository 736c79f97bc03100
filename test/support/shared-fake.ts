/**
 * One fake server for all the tests of a file or describe block, as the fakes' own tests and the
 * unit tests that talk to a fake over HTTP want it: started once, reset between tests.
 */

/**
 * Starts the fake before the first test, closes it after the last and hands it to `beforeEachTest`
 * (a reset, say) before each test. Returns a getter: the fake exists only once the tests run.
 */
export function sharedAcrossTests<Fake extends { close(): Promise<void> }>(
  start: () => Promise<Fake>,
  beforeEachTest: (fake: Fake) => void = () => {},
): () => Fake {
  let fake: Fake | undefined;
  const current = (): Fake => {
    if (fake === undefined) throw new Error("the shared fake is started before the first test");
    return fake;
  };
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => beforeEachTest(current()));
  return current;
}
