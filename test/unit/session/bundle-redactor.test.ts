import { describe, expect, it } from 'vitest';
import { gatherRedactionSubjects, homeInPath } from '../../../main/session/bundle/redaction-subjects.js';
import { Redactor } from '../../../main/session/bundle/redactor.js';
import { EventLog, hostFacts } from '../../helpers/flash-event-builder.js';

const subjects = {
  homeDirs: ['/home/alice', 'C:\\Users\\Alice'],
  userNames: ['alice'],
  hostNames: ['alice-laptop.corp.example'],
};

describe('Redactor', () => {
  it('replaces the home folder, keeping the path below it', () => {
    const r = new Redactor(subjects, true);
    expect(r.text('/home/alice/images/x.tsv')).toBe('<home>/images/x.tsv');
    expect(r.text('layout "/home/alice"')).toBe('layout "<home>"');
    expect(r.summary().counts['home-folder']).toBe(2);
  });

  it('does not touch a longer folder name or a path that only ends like the home', () => {
    const r = new Redactor({ homeDirs: ['/root'], userNames: [], hostNames: [] }, true);
    expect(r.text('/rootfs.ext4 /dev/root /root/x')).toBe('/rootfs.ext4 /dev/root <home>/x');
  });

  it('matches a Windows home in any case, with either separator, and escaped inside JSON text', () => {
    const r = new Redactor(subjects, true);
    expect(r.text('c:\\users\\alice\\img\\a.bin')).toBe('<home>\\img\\a.bin');
    expect(r.text('C:/Users/Alice/img')).toBe('<home>/img');
    expect(r.text(JSON.stringify({ file: 'C:\\Users\\Alice\\img' }))).toBe('{"file":"<home>\\\\img"}');
  });

  it('replaces host names (full and short) before user names', () => {
    const r = new Redactor(subjects, true);
    expect(r.text('on alice-laptop.corp.example and ALICE-LAPTOP')).toBe('on <host> and <host>');
    expect(r.text('user alice, mail alice@example.com')).toBe('user <user>, mail <user>@example.com');
    expect(r.text('malice and alice_x stay')).toBe('malice and alice_x stay');
  });

  it('leaves short and generic names alone as words but always replaces a hostname field', () => {
    const r = new Redactor({ homeDirs: [], userNames: ['root', 'ab'], hostNames: ['vm'] }, true);
    expect(r.text('root vm ab rootfs')).toBe('root vm ab rootfs');
    expect(r.value({ host: { hostname: 'vm', kernel: 'vm-kernel' } })).toEqual({
      host: { hostname: '<host>', kernel: 'vm-kernel' },
    });
  });

  it('drops secret-bearing fields even with redaction off, and counts them', () => {
    const r = new Redactor(subjects, false);
    const value = r.value({
      type: 'x',
      fields: { otp: [1, 2], words: [3], phaseId: 0xf2, key: 'k' },
      path: '/home/alice',
    });
    expect(value).toEqual({ type: 'x', fields: { phaseId: 0xf2 }, path: '/home/alice' });
    expect(r.summary()).toMatchObject({ enabled: false, secretFieldsDropped: 3 });
  });

  it('counts per file', () => {
    const r = new Redactor(subjects, true);
    r.forFile('a.txt').text('/home/alice alice');
    r.forFile('b.txt').text('alice-laptop');
    expect(r.summary().perFile).toEqual({
      'a.txt': { 'home-folder': 1, 'user-name': 1 },
      'b.txt': { 'host-name': 1 },
    });
  });
});

describe('gatherRedactionSubjects', () => {
  it('finds the home and user in journal paths and the recorded host name', () => {
    const events = new EventLog().start(hostFacts({ hostname: 'bench-7' })).push({
      type: 'partition-start',
      stage: 'rom',
      phaseId: 1,
      name: 'fsbl',
      alt: 1,
      sizeBytes: 1,
      file: 'C:\\Users\\Bob\\img\\tf-a.stm32',
    }).events;
    const found = gatherRedactionSubjects({ events, machine: null, env: {} });
    expect(found.hostNames).toContain('bench-7');
    expect(found.homeDirs).toContain('C:\\Users\\Bob');
    expect(found.userNames).toContain('Bob');
  });

  it('takes this machine’s account and host unless told not to', () => {
    const machine = { homedir: () => '/home/carol', username: () => 'carol', hostname: () => 'carol-pc' };
    const found = gatherRedactionSubjects({ machine, env: { USER: 'carol2' } });
    expect(found).toEqual({
      homeDirs: ['/home/carol'],
      userNames: ['carol', 'carol2'],
      hostNames: ['carol-pc'],
    });
  });

  it('recognises common home layouts', () => {
    expect(homeInPath('/home/dave/x')).toEqual({ home: '/home/dave', user: 'dave' });
    expect(homeInPath('/Users/erin/Downloads/a.tsv')).toEqual({ home: '/Users/erin', user: 'erin' });
    expect(homeInPath('/mnt/c/Users/frank/x')).toEqual({ home: '/mnt/c/Users/frank', user: 'frank' });
    expect(homeInPath('/root/x')).toEqual({ home: '/root', user: null });
    expect(homeInPath('/opt/images/x')).toBeNull();
  });
});
