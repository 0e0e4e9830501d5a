import { messageStructureFor, parseHl7 } from '@meridian/hl7';
import type { EventProducer } from '@meridian/kafka';
import type { LifecyclePublisher } from '@meridian/platform';
import { Registry } from 'prom-client';
import { DEFAULT_MESSAGE_TYPES, GatewaySettings } from '../gateway.settings';
import type { ClaimRef, ClaimResult, Hl7DedupeRepository } from './hl7-dedupe.repository';
import { hl7DedupeKey } from './hl7-dedupe.repository';
import { Hl7IntakeService, senderOf } from './hl7-intake.service';

// Synthetic messages: no real patient.
const message = (controlId: string, { msh3 = 'ADT1', msh4 = 'GOODHEALTH', mrn = 'MRN-1' } = {}): string =>
  `MSH|^~\\&|${msh3}|${msh4}|MERIDIAN|MERIDIAN|20260101120000||ADT^A01^ADT_A01|${controlId}|P|2.5.1\r` +
  `EVN|A01|20260101120000\rPID|1||${mrn}^^^GOODHEALTH^MR||DOE^JANE||19800101|F\rPV1|1|I|W^101^1\r`;
const parsed = (text: string) => {
  const result = parseHl7(text);
  if (!result.ok) throw new Error(result.error.reason);
  return result.message;
};
const msa = (ack: string | undefined): string[] => (ack ?? '').split('\r')[1]?.split('|') ?? [];

/** Intake with an in-memory producer and a dedupe repository whose claims the test decides. */
function intake(claim: (ref: ClaimRef) => Promise<ClaimResult>, settings: Partial<GatewaySettings> = {}) {
  const published: { key: string }[] = [];
  const marked: string[] = [];
  const producer = {
    publish: (_topic: string, events: { key: string }[]) => {
      published.push(...events);
      return Promise.resolve();
    },
  } as unknown as EventProducer;
  const dedupe = {
    claim,
    markStored: (ref: ClaimRef) => {
      marked.push(`stored ${ref.eventId}`);
      return Promise.resolve();
    },
    release: (ref: ClaimRef) => {
      marked.push(`released ${ref.eventId}`);
      return Promise.resolve();
    },
    integrationIdFor: () => Promise.resolve(undefined),
    renewLease: () => Promise.resolve(),
    purge: () => Promise.resolve(0),
  } as unknown as Hl7DedupeRepository;
  const lifecycle = { publish: () => Promise.resolve() } as unknown as LifecyclePublisher;
  const registry = new Registry();
  const service = new Hl7IntakeService(
    producer,
    dedupe,
    lifecycle,
    Object.assign(new GatewaySettings(), settings),
    registry,
  );
  return { service, published, marked, registry };
}

const metric = async (registry: Registry, name: string): Promise<Record<string, number>> => {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return Object.fromEntries((found?.values ?? []).map((v) => [Object.values(v.labels).join(','), v.value]));
};

describe('senderOf', () => {
  it('takes MSH-4, else MSH-3, else the connection', () => {
    const mllp = { channel: 'mllp' as const, address: '::ffff:10.1.2.3' };
    expect(senderOf(parsed(message('1')), mllp)).toBe('GOODHEALTH');
    expect(senderOf(parsed(message('1', { msh4: '' })), mllp)).toBe('ADT1');
    expect(senderOf(parsed(message('1', { msh3: '', msh4: '' })), mllp)).toBe('mllp:10.1.2.3');
    expect(senderOf(parsed(message('1', { msh3: '', msh4: '' })), { channel: 'http', address: '::1' })).toBe(
      'http:[::1]',
    );
    expect(senderOf(parsed(message('1', { msh3: '', msh4: '' })), { channel: 'http' })).toBe('http');
  });
});

describe('hl7DedupeKey', () => {
  it('keys any bytes, and cannot be collided by moving characters between sender and id', () => {
    expect(hl7DedupeKey('A', 'B\u0000C')).toHaveLength(32);
    expect(hl7DedupeKey('A', 'B\u0000C').equals(hl7DedupeKey('A', 'B\u0000D'))).toBe(false);
    expect(hl7DedupeKey('AB', 'C').equals(hl7DedupeKey('A', 'BC'))).toBe(false);
  });
});

describe('default message types', () => {
  it('are the converter’s types, A28 and A31 included, and each has a structure definition', () => {
    expect(DEFAULT_MESSAGE_TYPES).toEqual(
      expect.arrayContaining(['ADT^A28', 'ADT^A31', 'ORU^R01', 'MDM^T02']),
    );
    for (const type of DEFAULT_MESSAGE_TYPES)
      expect([type, messageStructureFor(type)?.id]).toEqual([type, expect.any(String)]);
  });
});

describe('Hl7IntakeService', () => {
  const http = { channel: 'http' as const, address: '127.0.0.1' };

  it('does not hold the ACK for a dedupe claim slower than HL7_DEDUPE_TIMEOUT_MS; the late claim is settled', async () => {
    let grant: (result: ClaimResult) => void = () => undefined;
    const slow = new Promise<ClaimResult>((resolve) => {
      grant = resolve;
    });
    const { service, published, marked, registry } = intake(() => slow, { HL7_DEDUPE_TIMEOUT_MS: 10 });
    const reply = await service.receive(Buffer.from(message('SLOW-1')), http);
    expect(msa(reply.ack).slice(1, 3)).toEqual(['AA', 'SLOW-1']);
    expect(published).toHaveLength(1);
    expect(await metric(registry, 'meridian_hl7_dedupe_unavailable_total')).toEqual({ timeout: 1 });
    grant({ claimed: true, reused: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(marked).toEqual([expect.stringMatching(/^stored /)]);
  });

  it('publishes without the window when Postgres fails, and counts it', async () => {
    const { service, published, registry } = intake(() => Promise.reject(new Error('connection refused')));
    const reply = await service.receive(Buffer.from(message('DOWN-1')), http);
    expect(msa(reply.ack)[1]).toBe('AA');
    expect(published).toHaveLength(1);
    expect(await metric(registry, 'meridian_hl7_dedupe_unavailable_total')).toEqual({ error: 1 });
  });

  it('takes a profile of an accepted version (2.3.z) as that version, and refuses an unknown one with 203', async () => {
    const { service, published } = intake(() => Promise.resolve({ claimed: true, reused: false }));
    const withVersion = (id: string, version: string): Buffer =>
      Buffer.from(message(id).replace('|P|2.5.1\r', `|P|${version}\r`));
    expect(msa((await service.receive(withVersion('V-1', '2.3.z'), http)).ack)[1]).toBe('AA');
    const refused = await service.receive(withVersion('V-2', '3.0'), http);
    expect(msa(refused.ack)[1]).toBe('AR');
    expect(refused.ack).toMatch(/ERR\|\|MSH\^1\^12\|203/);
    expect(msa((await service.receive(withVersion('V-3', '2.9.x'), http)).ack)[1]).toBe('AR');
    expect(published).toHaveLength(1);
  });

  it('processes a reused control id by default and counts it', async () => {
    const { service, published, registry } = intake(() => Promise.resolve({ claimed: true, reused: true }));
    const reply = await service.receive(Buffer.from(message('REUSED-1')), http);
    expect(msa(reply.ack)[1]).toBe('AA');
    expect(published).toHaveLength(1);
    expect(await metric(registry, 'meridian_hl7_control_id_reused_total')).toEqual({ processed: 1 });
  });

  it('refuses a reused control id with AR 205 when HL7_REUSED_CONTROL_ID=refuse, releasing the claim', async () => {
    const { service, published, marked, registry } = intake(
      () => Promise.resolve({ claimed: true, reused: true }),
      {
        HL7_REUSED_CONTROL_ID: 'refuse',
      },
    );
    const reply = await service.receive(Buffer.from(message('REUSED-2')), http);
    expect(reply.status).toBe(400);
    expect(msa(reply.ack).slice(1, 3)).toEqual(['AR', 'REUSED-2']);
    expect(reply.ack).toContain('\rERR||MSH^1^10|205^Duplicate key identifier^HL70357|E\r');
    expect(published).toHaveLength(0);
    expect(marked).toEqual([expect.stringMatching(/^released /)]);
    expect(await metric(registry, 'meridian_hl7_control_id_reused_total')).toEqual({ refused: 1 });
  });

  it('keys a message without MSH-3 and MSH-4 by the caller', async () => {
    const seen: ClaimRef[] = [];
    const { service, published } = intake((ref) => {
      seen.push(ref);
      return Promise.resolve({ claimed: true, reused: false });
    });
    const reply = await service.receive(Buffer.from(message('ANON-1', { msh3: '', msh4: '' })), http);
    expect(msa(reply.ack)[1]).toBe('AA');
    expect(published[0].key).toBe('http:127.0.0.1|MRN-1');
    expect(seen[0].key.equals(hl7DedupeKey('http:127.0.0.1', 'ANON-1'))).toBe(true);
  });

  it('takes several messages without a batch header as a batch, answering each in order', async () => {
    const { service, published } = intake(() => Promise.resolve({ claimed: true, reused: false }));
    const reply = await service.receive(
      Buffer.from(message('BARE-1') + message('BARE-2', { mrn: 'MRN-2' })),
      http,
    );
    const acks = (reply.ack ?? '').split('\r').filter((s) => s.startsWith('MSA'));
    expect(acks.map((a) => a.split('|').slice(1, 3))).toEqual([
      ['AA', 'BARE-1'],
      ['AA', 'BARE-2'],
    ]);
    expect(reply.ack).toMatch(/^MSH\|/);
    expect(published.map((p) => p.key)).toEqual(['GOODHEALTH|MRN-1', 'GOODHEALTH|MRN-2']);
  });

  it('refuses at intake what the converter could not convert: a missing segment, a patient without an id', async () => {
    const { service, published } = intake(() => Promise.resolve({ claimed: true, reused: false }));
    const noPv1 = await service.receive(Buffer.from(message('NOVISIT').replace(/\rPV1\|[^\r]*/, '')), http);
    expect(noPv1.status).toBe(400);
    expect(noPv1.ack).toContain('\rERR||PV1^4|100^Segment sequence error^HL70357|E\r');
    const noId = await service.receive(
      Buffer.from(message('NOID', { mrn: '' }).replace('^^^GOODHEALTH^MR', '')),
      http,
    );
    expect(msa(noId.ack).slice(1, 3)).toEqual(['AR', 'NOID']);
    expect(noId.ack).toContain('\rERR||PID^3^3|101^Required field missing^HL70357|E\r');
    expect(published).toHaveLength(0);
  });
});
