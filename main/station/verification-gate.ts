/**
 * Single-flight with a guarantee: every caller gets the result of a run that *started after* it
 * called. Callers that arrive while a run is in progress share the next run, so four boards plugged
 * at once cost one re-hash, and a board plugged during a re-hash still gets a fresh one.
 */
export class VerificationGate<T> {
  private running: Promise<T> | null = null;
  private queued: Promise<T> | null = null;

  constructor(private readonly run: () => Promise<T>) {}

  verify(): Promise<T> {
    if (!this.running) return this.launch();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.launch();
      });
    return this.queued;
  }

  private launch(): Promise<T> {
    const current = this.run().finally(() => {
      if (this.running === current) this.running = null;
    });
    this.running = current;
    return current;
  }
}
