import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { ascii, tsv, wrapLayout } from './helpers/images.js';
import {
  IO,
  abort,
  detach,
  dnload,
  getPhase,
  getPhaseRaw,
  getStatus,
  hexBytes,
  selectAlt,
  upload,
} from './helpers/raw-dfu.js';
import { downloadRaw } from './helpers/test-host.js';
import { SD_ROWS, ubootFixture, type UbootFixture } from './helpers/uboot-fixture.js';

let f: UbootFixture | null = null;
afterEach(async () => {
  await f?.bus.close();
  f = null;
});

const BAD_OFFSET = tsv([
  ['-', '0x01', 'fsbl-boot', 'Binary', 'none', '0x0', 'f'],
  ['P', '0x04', 'fsbl1', 'Binary', 'mmc0', 'zz', 'f'],
]);

describe('U-Boot 1st enumeration (§1.2 step 7, §4.2, §9.3)', () => {
  it('GetPhase asks for the layout at CONFIG_SYS_LOAD_ADDR, then says need-detach', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS);
    expect(hexBytes(await getPhaseRaw(f.t))).toBe('00 00 00 00 C2 00 00 00 00 00');
    await downloadRaw(f.t, f.clock, 0, wrapLayout(tsv(SD_ROWS)), 4096);
    expect(hexBytes(await getPhaseRaw(f.t))).toBe('00 00 00 00 C2 00 00 00 00 01');
  });

  it('MP25 loads the layout at 0x84000000', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS, { soc: 'mp25' });
    expect(hexBytes(await getPhaseRaw(f.t))).toBe('00 00 00 00 84 00 00 00 00 00');
  });

  it('answers UPLOAD from its own buffer: a 9-byte GetPhase overflows (§4.2 quirk)', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS);
    await selectAlt(f.t, 1);
    await expect(upload(f.t, 0, 9)).rejects.toSatisfy(
      (e: unknown) => isAppError(e, 'transfer-failed') && e.fields['reason'] === 'overflow',
    );
    expect(f.board.invariantViolations().map((v) => v.rule)).toEqual(['upload-wlength-too-small']);
  });

  it('a raw (unwrapped) TSV with CRLF is accepted too (§5.2)', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS);
    await downloadRaw(f.t, f.clock, 0, ascii(tsv(SD_ROWS).replaceAll('\n', '\r\n')), 4096);
    expect((await getPhase(f.t)).needDetach).toBe(1);
  });

  it('a bad layout → 0xFF with the parser message; reading it then DETACH leaves stm32prog without a reset', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS);
    await downloadRaw(f.t, f.clock, 0, wrapLayout(BAD_OFFSET), 4096);
    const raw = await getPhaseRaw(f.t);
    expect(hexBytes(raw.subarray(0, 9))).toBe('FF FF FF FF FF 00 00 00 00');
    expect(String.fromCharCode(...raw.subarray(9))).toBe("Layout line 3: invalid offset 'zz'");
    expect(await detach(f.t)).toBe('ok');
    await f.clock.sleep(60_000);
    expect(f.board.status()).toMatchObject({
      stage: 'halted',
      haltReason: expect.stringContaining('no reset') as unknown,
    });
    expect(f.rec.events.filter((e) => e.type === 'connect')).toHaveLength(f.board.soc === 'mp15' ? 2 : 3);
  });

  it('a layout error not read before DETACH: the 2nd enumeration keeps FlashLayout and reports 0xFF', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS);
    await downloadRaw(f.t, f.clock, 0, wrapLayout(BAD_OFFSET), 4096);
    await f.reconnect();
    expect(f.identity.alts.map((a) => a.name)[0]).toBe('@FlashLayout/0x00/1*256Ke');
    expect(await getPhase(f.t)).toMatchObject({ phase: 0xff, error: "Layout line 3: invalid offset 'zz'" });
    await f.reconnect().catch(() => undefined);
    // 0xFF was read in the 2nd enumeration: DETACH resets the board, the ROM comes back (§4.5).
    expect(f.identity.product).toMatch(/^DFU in HS Mode/);
  });

  it('DETACH outside dfuIDLE stalls and puts U-Boot in dfuERROR (§3.2, §7 #10)', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS);
    await selectAlt(f.t, 0);
    await dnload(f.t, 0, ascii('#x\n'));
    expect(await getStatus(f.t)).toMatchObject({ state: 5 });
    expect(await detach(f.t)).toBe('stall');
    expect(await getStatus(f.t)).toMatchObject({ state: 10 });
    await f.clock.sleep(1000);
    expect(f.board.status().stage).toBe('uboot-layout');
    expect(f.board.invariantViolations().map((v) => v.rule)).toEqual(['detach-outside-idle']);
  });

  it('a ZLP in dfuIDLE is an error + STALL', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS);
    await selectAlt(f.t, 0);
    expect(await dnload(f.t, 0, new Uint8Array(0))).toBe('stall');
    expect(await getStatus(f.t)).toMatchObject({ state: 10 });
    expect(f.board.invariantViolations().map((v) => v.rule)).toEqual(['dnload-outside-idle']);
  });

  it('a drain past the 256 KiB FlashLayout alt fails in the DNLOAD: "Request would exceed designated area!"', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS, { dfuBufferSizeBytes: 64 * 1024 });
    // 330 KiB: the fifth 64 KiB drain, inside a DNLOAD, is the one that does not fit.
    await expect(downloadRaw(f.t, f.clock, 0, new Uint8Array(330 * 1024).fill(0x23), 4096)).rejects.toThrow(
      /DFU error status 0xe state 10/,
    );
    expect(f.board.console().map((l) => l.text)).toContain('Request would exceed designated area!');
  });

  it('when only the final drain does not fit, the deferred flush fails: U-Boot exits and the board resets (§3.2, §7 #8)', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS, { dfuBufferSizeBytes: 64 * 1024 });
    const failure = await downloadRaw(f.t, f.clock, 0, new Uint8Array(300 * 1024).fill(0x23), 4096).catch(
      (e: unknown) => e,
    );
    expect(isAppError(failure, 'device-gone')).toBe(true);
    const rom = await f.rec.connectOn('1-2', f.clock);
    expect(rom.product).toMatch(/^DFU in HS Mode/);
    expect(f.board.console().map((l) => l.text)).toContain('Deferred dfu_flush() failed!');
    // The GETSTATUS that returned 7 came back before the device vanished.
    const statuses = f.board
      .transferLog()
      .filter((e) => e.request === 'GETSTATUS')
      .slice(-2);
    expect(statuses.map((e) => e.outcome)).toEqual(['ok', 'device-gone']);
  });

  it('OTP and PMIC alts are readable; OTP carries the UID words', async () => {
    f = await ubootFixture('uboot-layout', SD_ROWS, { serial: '003B00213439511334383734' });
    await selectAlt(f.t, 2);
    const otp = await upload(f.t, 0, 4096);
    expect(otp).toHaveLength(776);
    const view = new DataView((otp as Uint8Array).buffer);
    expect(view.getUint32(13 * 4, true)).toBe(0x003b0021);
    await selectAlt(f.t, 3);
    expect(await upload(f.t, 0, 4096)).toHaveLength(8);
    await abort(f.t);
    expect(await f.t.selectAlternate(0, 1, IO)).toBe('ok');
  });
});
