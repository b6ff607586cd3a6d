/** A promise with its settle functions, for callers that wait on something the publisher finishes later. */
export class Deferred {
  readonly promise: Promise<void>;
  resolve!: () => void;
  reject!: (error: Error) => void;
  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // a caller that dropped the promise must not turn a rejection at close into an unhandled one
    this.promise.catch(() => undefined);
  }
}
