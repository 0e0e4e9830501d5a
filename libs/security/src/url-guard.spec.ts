import type { LookupAddress } from 'node:dns';
import {
  AllowList,
  checkUrl,
  parseAllowList,
  pinnedLookup,
  type HostResolver,
  type ResolvedAddress,
} from './url-guard';

const PUBLIC: ResolvedAddress = { address: '93.184.215.14', family: 4 };
const PUBLIC6: ResolvedAddress = { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 };
const resolvesTo =
  (...addresses: ResolvedAddress[]): HostResolver =>
  async () =>
    addresses;

describe('checkUrl', () => {
  it('accepts an https URL whose host resolves only to public addresses, and returns them all', async () => {
    const result = await checkUrl('https://partner.example/hooks?x=1', {
      resolve: resolvesTo(PUBLIC, PUBLIC6),
    });
    expect(result).toEqual({
      ok: true,
      url: new URL('https://partner.example/hooks?x=1'),
      addresses: [PUBLIC, PUBLIC6],
    });
  });

  it('accepts public literal addresses without asking DNS', async () => {
    const resolve = jest.fn(resolvesTo());
    expect(await checkUrl('https://93.184.215.14/', { resolve })).toMatchObject({
      ok: true,
      addresses: [PUBLIC],
    });
    expect(await checkUrl('https://[2606:4700:4700::1111]/', { resolve })).toMatchObject({
      ok: true,
      addresses: [{ address: '2606:4700:4700::1111', family: 6 }],
    });
    expect(resolve).not.toHaveBeenCalled();
  });

  it('refuses schemes other than https, and http unless allowed', async () => {
    const resolve = resolvesTo(PUBLIC);
    for (const url of [
      'http://partner.example/',
      'ftp://partner.example/',
      'file:///etc/passwd',
      'gopher://x/',
    ]) {
      expect(await checkUrl(url, { resolve })).toEqual({ ok: false, reason: 'scheme-not-allowed' });
    }
    expect(await checkUrl('http://partner.example/', { resolve, allowHttp: true })).toMatchObject({
      ok: true,
    });
    expect(await checkUrl('ftp://partner.example/', { resolve, allowHttp: true })).toEqual({
      ok: false,
      reason: 'scheme-not-allowed',
    });
  });

  it('refuses credentials in the URL and unparseable URLs', async () => {
    const resolve = resolvesTo(PUBLIC);
    expect(await checkUrl('https://user:secret@partner.example/', { resolve })).toEqual({
      ok: false,
      reason: 'credentials-in-url',
    });
    expect(await checkUrl('https://user@partner.example/', { resolve })).toEqual({
      ok: false,
      reason: 'credentials-in-url',
    });
    expect(await checkUrl('not a url', { resolve })).toEqual({ ok: false, reason: 'invalid-url' });
    expect(await checkUrl('https://[::1/', { resolve })).toEqual({ ok: false, reason: 'invalid-url' });
  });

  it.each([
    ['https://127.0.0.1/', 'loopback'],
    ['https://2130706433/', 'loopback'], // WHATWG parsing turns integer and hex forms into 127.0.0.1
    ['https://0x7f.1/', 'loopback'],
    ['https://0177.0.0.1/', 'loopback'],
    ['https://[::1]/', 'loopback'],
    ['https://[::ffff:127.0.0.1]/', 'loopback'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://[::]/', 'unspecified'],
    ['https://10.1.2.3/', 'private'],
    ['https://172.16.0.1/', 'private'],
    ['https://192.168.0.1/', 'private'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://100.64.0.1/', 'carrier-grade-nat'],
    ['https://[fd00::1]/', 'unique-local'],
    ['https://224.0.0.1/', 'multicast'],
    ['https://[ff02::1]/', 'multicast'],
    ['https://255.255.255.255/', 'reserved'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'link-local'],
    ['https://[2002:c0a8:1::]/', 'private'],
  ])('refuses the literal %s (%s)', async (url, category) => {
    expect(await checkUrl(url)).toEqual({ ok: false, reason: 'blocked-address', category });
  });

  it('refuses a host name that resolves to a private address (localhost, through the system resolver)', async () => {
    expect(await checkUrl('https://localhost/')).toEqual({
      ok: false,
      reason: 'blocked-address',
      category: 'loopback',
    });
  });

  it('refuses a host when any one of its addresses is not public', async () => {
    const resolve = resolvesTo(PUBLIC, { address: '10.0.0.5', family: 4 }, PUBLIC6);
    expect(await checkUrl('https://mixed.example/', { resolve })).toEqual({
      ok: false,
      reason: 'blocked-address',
      category: 'private',
    });
  });

  it('reports a host that does not resolve, or resolves to nothing, as a DNS failure', async () => {
    const failing: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await checkUrl('https://nowhere.example/', { resolve: failing })).toEqual({
      ok: false,
      reason: 'dns-failure',
    });
    expect(await checkUrl('https://empty.example/', { resolve: resolvesTo() })).toEqual({
      ok: false,
      reason: 'dns-failure',
    });
  });

  it('never quotes the URL or an address in a refusal', async () => {
    const result = await checkUrl('https://10.9.8.7/hook?token=abc');
    expect(JSON.stringify(result)).not.toMatch(/10\.9|token|abc/);
  });

  describe('with an allow-list', () => {
    it('lets an allow-listed address, CIDR or host name through, and nothing else', async () => {
      const loopback = resolvesTo({ address: '127.0.0.1', family: 4 });
      expect(await checkUrl('https://127.0.0.1:8443/', { allowList: ['127.0.0.1'] })).toMatchObject({
        ok: true,
      });
      expect(await checkUrl('https://127.0.0.2/', { allowList: ['127.0.0.1'] })).toMatchObject({ ok: false });
      expect(await checkUrl('https://127.0.0.2/', { allowList: ['127.0.0.0/8'] })).toMatchObject({
        ok: true,
      });
      expect(await checkUrl('https://[::1]/', { allowList: ['::1'] })).toMatchObject({ ok: true });
      expect(await checkUrl('https://[::1]/', { allowList: ['[::1]'] })).toMatchObject({ ok: true });
      expect(await checkUrl('https://10.0.0.1/', { allowList: ['127.0.0.0/8'] })).toMatchObject({
        ok: false,
        category: 'private',
      });
      expect(
        await checkUrl('https://dev.local/', { allowList: ['DEV.local'], resolve: loopback }),
      ).toMatchObject({
        ok: true,
        addresses: [{ address: '127.0.0.1', family: 4 }],
      });
      expect(
        await checkUrl('https://other.local/', { allowList: ['dev.local'], resolve: loopback }),
      ).toMatchObject({
        ok: false,
      });
    });

    it('does not relax the scheme or credential rules', async () => {
      const allowList = ['127.0.0.1'];
      expect(await checkUrl('http://127.0.0.1/', { allowList })).toEqual({
        ok: false,
        reason: 'scheme-not-allowed',
      });
      expect(await checkUrl('https://a:b@127.0.0.1/', { allowList })).toEqual({
        ok: false,
        reason: 'credentials-in-url',
      });
    });

    it('accepts a parsed AllowList', async () => {
      const allowList = parseAllowList(['192.168.0.0/16', 'partner.test']);
      expect(allowList).toBeInstanceOf(AllowList);
      expect(await checkUrl('https://192.168.4.4/', { allowList })).toMatchObject({ ok: true });
      expect(await checkUrl('https://10.0.0.1/', { allowList })).toMatchObject({ ok: false });
    });
  });
});

describe('parseAllowList', () => {
  it('accepts host names, addresses and CIDR blocks of both families', () => {
    const list = parseAllowList([
      'localhost',
      'Partner.Test.',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      ' 127.0.0.1 ',
    ]);
    expect(list.permitsHost('partner.test')).toBe(true);
    expect(list.permitsHost('LOCALHOST')).toBe(true);
    expect(list.permitsHost('example.test')).toBe(false);
    expect(list.permitsAddress('10.200.0.1')).toBe(true);
    expect(list.permitsAddress('11.0.0.1')).toBe(false);
    expect(list.permitsAddress('fd12::1')).toBe(true);
    expect(list.permitsAddress('127.0.0.1')).toBe(true);
    expect(list.permitsAddress('::1')).toBe(true);
    expect(list.permitsAddress('not-an-ip')).toBe(false);
  });

  it('names every bad entry in one error', () => {
    expect(() =>
      parseAllowList(['ok.test', '10.0.0.0/33', 'http://x', '1.2.3.4/8/1', 'a b', '::1/129']),
    ).toThrow(
      'SSRF allow-list entries are not host names, IP addresses or CIDR blocks: 10.0.0.0/33, http://x, 1.2.3.4/8/1, a b, ::1/129',
    );
  });

  it('checkUrl throws on a bad entry given as strings (a configuration error, not an outcome)', async () => {
    await expect(checkUrl('https://x.test/', { allowList: ['10.0.0.0/40'] })).rejects.toThrow(TypeError);
  });
});

describe('pinnedLookup', () => {
  const addresses: ResolvedAddress[] = [
    { address: '203.0.113.10', family: 4 },
    { address: '2001:db8::10', family: 6 },
  ];
  const call = (options: Parameters<ReturnType<typeof pinnedLookup>>[1]) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>(
      (resolve) =>
        pinnedLookup(addresses)('whatever.example', options, (error, address, family) =>
          resolve({ error, address, family }),
        ),
    );

  it('answers with the pinned addresses whatever the name, all of them or the first', async () => {
    expect(await call({ all: true })).toEqual({ error: null, address: addresses, family: undefined });
    expect(await call({})).toEqual({ error: null, address: '203.0.113.10', family: 4 });
  });

  it('honours a requested family', async () => {
    expect(await call({ family: 6 })).toEqual({ error: null, address: '2001:db8::10', family: 6 });
    expect(await call({ family: 'IPv4', all: true })).toEqual({
      error: null,
      address: [addresses[0]],
      family: undefined,
    });
    const v4Only = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      pinnedLookup([addresses[0]])('x', { family: 6 }, (error) => resolve(error)),
    );
    expect(v4Only?.code).toBe('ENOTFOUND');
  });
});
