import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { DFU_STATE } from '../../../main/dfu/dfu-status.js';
import { buildPhaseAltMap } from '../../../main/stm32mp/alt-map.js';
import { otpWords, readOtp, readPmicNvm } from '../../../main/stm32mp/virtual-partitions.js';
import { FakeUsbTransport, step } from '../dfu/fake-usb-transport.js';
import { configDescriptor, openClient, UBOOT_FUNCTIONAL } from '../dfu/descriptor-fixtures.js';
import { ALTS } from './stage-fixtures.js';

const UBOOT = configDescriptor({ altCount: 4, functional: UBOOT_FUNCTIONAL, iInterfaceBase: 5, maxPower: 1 });
const firstMap = buildPhaseAltMap(ALTS.ubootFirst.map((name, index) => ({ index, name })));

describe('virtual partitions', () => {
  it('reads the OTP alt (0xF2) with wLength 4096 and exposes LE words', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    const otp = new Uint8Array(776);
    otp.set([0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff]);
    fake.script(step.setAlt(2), step.getStatus(DFU_STATE.dfuIDLE), step.upload(0, 4096, otp));
    const read = await readOtp(client, firstMap);
    expect(read).toMatchObject({ phaseId: 0xf2, alternate: 2, declaredSizeBytes: 776 });
    expect(read.bytes.length).toBe(776);
    expect(read.words.length).toBe(194);
    expect(read.words.slice(0, 3)).toEqual([0x12345678, 0xffffffff, 0]);
    fake.assertDone();
  });

  it('reads the 8-byte PMIC NVM alt (0xF4)', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(3),
      step.getStatus(DFU_STATE.dfuIDLE),
      step.upload(0, 4096, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)),
    );
    expect(Array.from((await readPmicNvm(client, firstMap)).bytes)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    fake.assertDone();
  });

  it('bounds a device that never sends a short packet by the declared size', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    fake.script(
      step.setAlt(2),
      step.getStatus(DFU_STATE.dfuIDLE),
      step.upload(0, 4096, new Uint8Array(4096)),
      step.abort(),
    );
    expect((await readOtp(client, firstMap)).bytes.length).toBe(4096);
    fake.assertDone();
  });

  it('fails with alt-not-found when the stage has no OTP alt (closed chip, TF-A, ROM)', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, UBOOT);
    const noOtp = buildPhaseAltMap(ALTS.ubootFirstMinimal.map((name, index) => ({ index, name })));
    let caught: unknown = null;
    try {
      await readOtp(client, noOtp);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'alt-not-found')).toBe(true);
    fake.assertDone();
  });

  it('otpWords drops a trailing partial word', () => {
    expect(otpWords(Uint8Array.of(1, 0, 0, 0, 2, 0))).toEqual([1]);
  });
});
