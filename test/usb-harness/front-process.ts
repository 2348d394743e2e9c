import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  FrontOptions,
  FrontReport,
  FrontRequest,
  PartitionCheck,
  Presentation,
} from './front-protocol.js';

const FRONT_SCRIPT = fileURLToPath(new URL('./ffs-board-front.js', import.meta.url));

export interface FrontEvent {
  atMs: number;
  message: Record<string, unknown>;
}

type RequestBody<T extends FrontRequest['type']> = Omit<Extract<FrontRequest, { type: T }>, 'id' | 'type'>;

/** The case runner's handle on one board front daemon (a child process with an IPC channel). */
export class FrontProcess {
  readonly events: FrontEvent[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (message: Record<string, unknown>) => void>();
  private exited: number | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly t0Ms: number,
  ) {
    child.on('message', (raw) => {
      const message = raw as Record<string, unknown>;
      if (message['type'] === 'reply') {
        const id = message['id'] as number;
        this.pending.get(id)?.(message);
        this.pending.delete(id);
        return;
      }
      this.events.push({ atMs: performance.now() - this.t0Ms, message });
    });
    child.on('exit', (code) => {
      this.exited = code ?? -1;
      for (const resolve of this.pending.values()) resolve({ error: `front exited with ${code}` });
      this.pending.clear();
    });
  }

  static start(options: FrontOptions, t0Ms = performance.now()): FrontProcess {
    const child = fork(FRONT_SCRIPT, [JSON.stringify(options)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new FrontProcess(child, t0Ms);
  }

  /** Resolves with the first event (past or future) the predicate accepts. */
  async waitForEvent(
    accept: (message: Record<string, unknown>) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<FrontEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find((e) => accept(e.message));
      if (hit) return hit;
      const failure = this.events.find((e) => e.message['type'] === 'front-error');
      if (failure)
        throw new Error(
          `board front failed while waiting for ${what}: ${String(failure.message['message'])}`,
        );
      if (this.exited !== null)
        throw new Error(`board front exited (${this.exited}) while waiting for ${what}`);
      if (performance.now() >= deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The n-th time (1-based) the front put a stage on the bus. */
  async waitForPresentation(n: number, timeoutMs: number): Promise<FrontEvent> {
    await this.waitForEvent(() => this.presentations().length >= n, timeoutMs, `presentation #${n}`);
    return this.events.filter((e) => e.message['type'] === 'presented')[n - 1]!;
  }

  presentations(): Presentation[] {
    return this.events
      .filter((e) => e.message['type'] === 'presented')
      .map((e) => e.message['presentation'] as Presentation);
  }

  async request<T extends FrontRequest['type']>(
    type: T,
    body?: RequestBody<T>,
  ): Promise<Record<string, unknown>> {
    if (this.exited !== null) throw new Error(`board front already exited (${this.exited})`);
    const id = this.nextId++;
    const reply = new Promise<Record<string, unknown>>((resolve) => this.pending.set(id, resolve));
    this.child.send({ ...(body ?? {}), type, id });
    const message = await reply;
    if (typeof message['error'] === 'string') throw new Error(`board front ${type}: ${message['error']}`);
    return message;
  }

  async report(): Promise<FrontReport> {
    return (await this.request('report'))['report'] as FrontReport;
  }

  async verifyLayout(layoutPath: string): Promise<PartitionCheck[]> {
    return (await this.request('verify-layout', { layoutPath }))['checks'] as PartitionCheck[];
  }

  /** Takes the board off the bus and waits for the daemon to exit (killed after 10 s). */
  async stop(): Promise<number> {
    if (this.exited !== null) return this.exited;
    const exited = new Promise<number>((resolve) => this.child.once('exit', (code) => resolve(code ?? -1)));
    await this.request('stop').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
