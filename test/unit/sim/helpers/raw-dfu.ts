import type { ControlSetup, UsbTransport } from '../../../../main/transport/usb-transport.js';

/**
 * Raw control requests for the simulator's own tests, straight from the protocol document's §3.1
 * table. Deliberately not main/dfu: these tests check the simulator against the document.
 */
export const REQ = {
  detach: 0,
  dnload: 1,
  upload: 2,
  getStatus: 3,
  clrStatus: 4,
  getState: 5,
  abort: 6,
} as const;
export const IO = { timeoutMs: 60_000 };

export function classSetup(request: number, value = 0): ControlSetup {
  return { requestType: 'class', recipient: 'interface', request, value, index: 0 };
}

export interface DfuStatus {
  status: number;
  pollMs: number;
  state: number;
}

export async function classIn(
  t: UsbTransport,
  request: number,
  value: number,
  length: number,
): Promise<Uint8Array | 'stall'> {
  const r = await t.controlIn(classSetup(request, value), length, IO);
  return r.status === 'ok' ? r.data : 'stall';
}

export async function classOut(
  t: UsbTransport,
  request: number,
  value: number,
  data: Uint8Array = new Uint8Array(0),
): Promise<'ok' | 'stall'> {
  const r = await t.controlOut(classSetup(request, value), data, IO);
  return r.status;
}

export async function getStatus(t: UsbTransport): Promise<DfuStatus> {
  const data = await classIn(t, REQ.getStatus, 0, 6);
  if (data === 'stall') throw new Error('GETSTATUS stalled');
  return { status: data[0]!, pollMs: data[1]! | (data[2]! << 8) | (data[3]! << 16), state: data[4]! };
}

export async function getState(t: UsbTransport): Promise<number> {
  const data = await classIn(t, REQ.getState, 0, 1);
  if (data === 'stall') throw new Error('GETSTATE stalled');
  return data[0]!;
}

export const dnload = (t: UsbTransport, block: number, data: Uint8Array): Promise<'ok' | 'stall'> =>
  classOut(t, REQ.dnload, block, data);
export const detach = (t: UsbTransport): Promise<'ok' | 'stall'> => classOut(t, REQ.detach, 0);
export const abort = (t: UsbTransport): Promise<'ok' | 'stall'> => classOut(t, REQ.abort, 0);
export const clrStatus = (t: UsbTransport): Promise<'ok' | 'stall'> => classOut(t, REQ.clrStatus, 0);
export const upload = (t: UsbTransport, block: number, length: number): Promise<Uint8Array | 'stall'> =>
  classIn(t, REQ.upload, block, length);

export async function selectAlt(t: UsbTransport, alt: number): Promise<void> {
  const r = await t.selectAlternate(0, alt, IO);
  if (r !== 'ok') throw new Error(`SET_INTERFACE ${alt} stalled`);
}

/** GetPhase (§4.2): SET_INTERFACE to the command alt, UPLOAD 512. */
export async function getPhaseRaw(t: UsbTransport, length = 512): Promise<Uint8Array> {
  await selectAlt(t, altIndexForPhase(t, 0xf1));
  const data = await upload(t, 0, length);
  if (data === 'stall') throw new Error('GetPhase stalled');
  return data;
}

export interface PhaseReply {
  phase: number;
  address: number;
  offset: number;
  needDetach: number | null;
  error: string | null;
}

export function decodePhase(data: Uint8Array): PhaseReply {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const phase = data[0]!;
  return {
    phase,
    address: view.getUint32(1, true),
    offset: view.getUint32(5, true),
    needDetach: phase === 0 && data.length >= 10 ? data[9]! : null,
    error: phase === 0xff ? String.fromCharCode(...data.subarray(9)) : null,
  };
}

export async function getPhase(t: UsbTransport): Promise<PhaseReply> {
  return decodePhase(await getPhaseRaw(t));
}

/** Maps a phase id to the alt whose string carries `/0xNN/` (§2.4 host mapping rule). */
export function altIndexForPhase(t: UsbTransport, phase: number): number {
  const alt = t.identity.alts.find((a) => {
    const m = /\/0x([0-9A-Fa-f]+)\//.exec(a.name ?? '');
    return m !== null && parseInt(m[1]!, 16) === phase;
  });
  if (!alt)
    throw new Error(
      `no alt for phase 0x${phase.toString(16)} in ${t.identity.alts.map((a) => a.name).join(', ')}`,
    );
  return alt.index;
}

export async function getDescriptor(
  t: UsbTransport,
  type: number,
  index: number,
  length = 255,
): Promise<Uint8Array | 'stall'> {
  const r = await t.controlIn(
    { requestType: 'standard', recipient: 'device', request: 6, value: (type << 8) | index, index: 0x0409 },
    length,
    IO,
  );
  return r.status === 'ok' ? r.data : 'stall';
}

/** A string descriptor decoded from UTF-16LE; null when the device stalls. */
export async function getStringDescriptor(t: UsbTransport, index: number): Promise<string | null> {
  const d = await getDescriptor(t, 3, index);
  if (d === 'stall') return null;
  let text = '';
  for (let i = 2; i + 1 < d[0]!; i += 2) text += String.fromCharCode(d[i]! | (d[i + 1]! << 8));
  return text;
}

export function hexBytes(data: Uint8Array): string {
  return [...data].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}
