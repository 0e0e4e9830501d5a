import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { allTopicDefinitions, CE, HL7_V2_RECEIVED_V1, TOPICS } from '@meridian/contracts';
import { contentFingerprint, encodeMllp, MLLP, parseHl7 } from '@meridian/hl7';
import { provisionTopics, readTopic, type StoredRecord } from '@meridian/kafka';
import { startService } from '@meridian/platform';
import { eventually, MllpClient, readAck, testKafka } from '@meridian/testing';
import { gatewayService } from '../app.module';
import { Hl7DedupeRepository, hl7DedupeKey } from './hl7-dedupe.repository';
import { MllpServer } from './mllp.server';

// Synthetic messages: no real patient. Each test uses fresh control ids, so runs never collide.
const message = (
  controlId: string,
  {
    type = 'ADT^A01^ADT_A01',
    version = '2.5.1',
    mrn = 'MRN-1001',
    msh15 = '',
    eol = '\r',
    sender = 'ADT1|GOODHEALTH',
    time = '20260101120000',
  } = {},
): string =>
  [
    `MSH|^~\\&|${sender}|MERIDIAN|MERIDIAN|${time}||${type}|${controlId}|P|${version}${msh15 ? `|||${msh15}|NE` : ''}`,
    'EVN|A01|20260101120000',
    `PID|1||${mrn}^^^GOODHEALTH^MR||DOE^JANE||19800101|F`,
    'PV1|1|I|W^101^1',
  ].join(eol) + eol;

const id = (): string => `T${randomUUID().replace(/-/g, '').slice(0, 18)}`;

describe('gateway HL7 intake (real socket, real broker, real Postgres)', () => {
  let app: INestApplication;
  let http: string;
  let mllpPort: number;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    ({ app } = await startService(gatewayService, {
      env: { ...process.env, PORT: '0', MLLP_PORT: '0', HL7_MAX_MESSAGE_BYTES: '4096', LOG_LEVEL: 'error' },
      handleSignals: false,
    }));
    http = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    mllpPort = app.get(MllpServer).address()?.port ?? 0;
  });

  afterAll(async () => {
    await app?.close();
    await admin?.disconnect();
  });

  /** Records on the inbound topic whose data holds this control id. */
  const published = async (controlId: string): Promise<StoredRecord[]> =>
    // Retried: right after the topics are created a partition's leader may not be known yet.
    (
      await eventually(() => readTopic(kafka, admin, TOPICS.hl7Inbound.name), { what: 'the inbound topic' })
    ).filter((r) => r.message.value?.toString().includes(`|${controlId}|`));

  it('acknowledges AA only with the message on the inbound topic, keyed by facility and patient', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const ack = readAck(await client.request(message(controlId)));
    client.close();
    expect(ack).toEqual({ code: 'AA', controlId });
    const [record, ...more] = await published(controlId);
    expect(more).toHaveLength(0);
    expect(record.message.key?.toString()).toBe('GOODHEALTH|MRN-1001');
    expect(record.message.headers?.[CE.type]?.toString()).toBe(HL7_V2_RECEIVED_V1);
    expect(record.message.headers?.['content-type']?.toString()).toBe('x-application/hl7-v2+er7');
    expect(record.message.value?.toString()).toBe(message(controlId));
  });

  it('answers a re-sent message again but publishes it once', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const first = readAck(await client.request(message(controlId)));
    const again = readAck(await client.request(message(controlId)));
    client.close();
    expect([first.code, again.code]).toEqual(['AA', 'AA']);
    expect(await published(controlId)).toHaveLength(1);
  });

  it('reads frames split anywhere, several per write, junk between them and LF or CRLF segment ends', async () => {
    const client = await MllpClient.connect(mllpPort);
    const ids = [id(), id(), id()];
    const stream = Buffer.concat([
      encodeMllp(message(ids[0], { eol: '\n' })),
      Buffer.from('garbage\r\n'),
      encodeMllp(message(ids[1], { eol: '\r\n' })),
      encodeMllp(message(ids[2])),
    ]);
    // Byte-by-byte at first, then the rest in one write.
    for (const byte of stream.subarray(0, 40)) client.send(Buffer.from([byte]));
    client.send(stream.subarray(40));
    const acks = [await client.next(), await client.next(), await client.next()].map(readAck);
    client.close();
    expect(acks.map((a) => [a.code, a.controlId])).toEqual(ids.map((c) => ['AA', c]));
    for (const controlId of ids) expect(await published(controlId)).toHaveLength(1);
  });

  it('refuses what it will never accept with AR and a readable ERR, publishing nothing', async () => {
    const client = await MllpClient.connect(mllpPort);
    const [badType, badVersion, badSegment] = [id(), id(), id()];
    const type = readAck(await client.request(message(badType, { type: 'ADT^A17^ADT_A17' })));
    const version = readAck(await client.request(message(badVersion, { version: '3.0' })));
    const segment = readAck(await client.request(message(badSegment).replace('PV1|', 'PV|')));
    const noMsh = readAck(await client.request('PID|1||X\r'));
    client.close();
    expect(type).toMatchObject({
      code: 'AR',
      controlId: badType,
      err: expect.stringContaining('|201^Unsupported event code^HL70357|'),
    });
    expect(type.text).toContain('message type not accepted');
    expect(version).toMatchObject({ code: 'AR', controlId: badVersion });
    expect(version.err).toBe('ERR||MSH^1^12|203^Unsupported version id^HL70357|E');
    expect(segment).toMatchObject({ code: 'AR', controlId: badSegment });
    expect(segment.text).toMatch(/segment 4/);
    expect(noMsh.code).toBe('AR');
    for (const controlId of [badType, badVersion, badSegment])
      expect(await published(controlId)).toHaveLength(0);
  });

  it('refuses an oversize message with AR 104 and goes on with the next on the same connection', async () => {
    const client = await MllpClient.connect(mllpPort);
    const [big, small] = [id(), id()];
    const oversize = message(big) + `NTE|1||${'X'.repeat(5000)}\r`;
    const tooBig = readAck(await client.request(oversize));
    const fine = readAck(await client.request(message(small)));
    client.close();
    expect(tooBig).toMatchObject({ code: 'AR', controlId: big });
    expect(tooBig.err).toContain('|104^Value too long^HL70357|');
    expect(tooBig.text).toMatch(/over the limit of 4096 bytes/);
    expect(fine).toEqual({ code: 'AA', controlId: small });
    expect(await published(big)).toHaveLength(0);
  });

  it('answers in enhanced mode with CA when MSH-15 asks for it', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const ack = readAck(await client.request(message(controlId, { msh15: 'AL' })));
    client.close();
    expect(ack).toEqual({ code: 'CA', controlId });
  });

  it('splits a batch file, publishes each message once and answers with a batch of ACKs', async () => {
    const client = await MllpClient.connect(mllpPort);
    const [a, b] = [id(), id()];
    const batch =
      'FHS|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20260101120000||||F-1\r' +
      'BHS|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20260101120000||||B-1\r' +
      message(a) +
      message(b, { mrn: 'MRN-2002' }) +
      message(a) + // the same control id again: acknowledged, not republished
      'BTS|3\rFTS|1\r';
    const reply = (await client.request(batch)).split('\r');
    client.close();
    expect(reply[0]).toMatch(/^FHS\|\^~\\&\|MERIDIAN\|MERIDIAN\|ADT1\|GOODHEALTH\|/);
    expect(reply[1]).toMatch(/\|B-1$/);
    expect(reply.filter((s) => s.startsWith('MSA')).map((s) => s.split('|').slice(1, 3))).toEqual([
      ['AA', a],
      ['AA', b],
      ['AA', a],
    ]);
    expect(reply.slice(-3)).toEqual(['BTS|3', 'FTS|1', '']);
    expect(await published(a)).toHaveLength(1);
    const [second] = await published(b);
    expect(second.message.key?.toString()).toBe('GOODHEALTH|MRN-2002');
  });

  it('takes the same messages over HTTP, with statuses that match the ACK', async () => {
    const controlId = id();
    const post = (body: string, type = 'x-application/hl7-v2+er7') =>
      fetch(`${http}/api/v1/hl7`, { method: 'POST', headers: { 'content-type': type }, body });
    const ok = await post(message(controlId));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^x-application\/hl7-v2\+er7/);
    expect(readAck(await ok.text())).toEqual({ code: 'AA', controlId });
    expect(await published(controlId)).toHaveLength(1);

    const bad = await post('MSH|^~\\&|A\rPID|1\r', 'text/plain');
    expect(bad.status).toBe(400);
    expect(readAck(await bad.text()).code).toBe('AR');

    const big = await post(message(id()) + `NTE|1||${'X'.repeat(5000)}\r`);
    expect(big.status).toBe(413);
    expect(readAck(await big.text()).err).toContain('104');

    const json = await post('{"resourceType":"Patient"}', 'application/json');
    expect(json.status).toBe(415);
    expect((await json.json()) as object).toMatchObject({ message: expect.stringContaining('ER7') });
  });
  /** meridian_hl7_control_id_reused_total{outcome="processed"} as /metrics shows it. */
  const reusedCount = async (): Promise<number> => {
    const metrics = await (await fetch(`${http}/metrics`)).text();
    const line = /^meridian_hl7_control_id_reused_total\{outcome="processed"\} (\d+)$/m.exec(metrics);
    return Number(line?.[1] ?? 0);
  };

  it('answers a resend with a re-stamped MSH-7 and other line ends as a duplicate, published once', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const first = readAck(await client.request(message(controlId)));
    const resend = readAck(await client.request(message(controlId, { time: '20260101120500', eol: '\r\n' })));
    client.close();
    expect([first.code, resend.code]).toEqual(['AA', 'AA']);
    expect(await published(controlId)).toHaveLength(1);
  });

  it('publishes a different message that reuses a control id, and counts it', async () => {
    const before = await reusedCount();
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const admit = readAck(await client.request(message(controlId, { mrn: 'MRN-5005' })));
    const transfer = readAck(
      await client.request(message(controlId, { type: 'ADT^A02^ADT_A02', mrn: 'MRN-5005' })),
    );
    // The second message sent again is a duplicate of itself: answered, not published a third time.
    const again = readAck(
      await client.request(message(controlId, { type: 'ADT^A02^ADT_A02', mrn: 'MRN-5005' })),
    );
    client.close();
    expect([admit.code, transfer.code, again.code]).toEqual(['AA', 'AA', 'AA']);
    const records = await published(controlId);
    expect(records.map((r) => r.message.headers?.[CE.subject]?.toString()).sort()).toEqual([
      'ADT^A01',
      'ADT^A02',
    ]);
    expect(new Set(records.map((r) => r.message.headers?.[CE.id]?.toString())).size).toBe(2);
    expect(await reusedCount()).toBe(before + 1);
  });

  it('keeps the window for a control id holding a NUL byte', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = `${id()}\u0000X`;
    const first = readAck(await client.request(message(controlId)));
    const again = readAck(await client.request(message(controlId)));
    client.close();
    expect([first.code, again.code]).toEqual(['AA', 'AA']);
    expect(await published(controlId)).toHaveLength(1);
  });

  it('lets a resend take over a claim whose lease ran out (a gateway killed mid-publish)', async () => {
    const controlId = id();
    const text = message(controlId);
    const parsed = parseHl7(text);
    if (!parsed.ok) throw new Error(parsed.error.reason);
    // The claim a killed gateway leaves: pending, never settled, its lease already over.
    const orphan = {
      key: hl7DedupeKey('GOODHEALTH', controlId),
      fingerprint: Buffer.from(contentFingerprint(parsed.message), 'hex'),
      eventId: randomUUID(),
    };
    expect(await app.get(Hl7DedupeRepository).claim(orphan, 86_400, 0)).toEqual({
      claimed: true,
      reused: false,
    });
    const client = await MllpClient.connect(mllpPort);
    const ack = readAck(await client.request(text));
    client.close();
    expect(ack).toEqual({ code: 'AA', controlId });
    expect(await published(controlId)).toHaveLength(1);
  });

  it('answers a frame that ends with FS and no CR without waiting for another byte', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const framed = encodeMllp(message(controlId));
    expect(framed[framed.length - 2]).toBe(MLLP.end);
    // Nothing more is written after FS: the reply must come all the same.
    const ack = readAck(await client.request(framed.subarray(0, framed.length - 1), 20_000));
    client.close();
    expect(ack).toEqual({ code: 'AA', controlId });
  });

  it('refuses a message missing a required segment with AR and an ERR naming it, publishing nothing', async () => {
    const client = await MllpClient.connect(mllpPort);
    const [noOrc, noPid] = [id(), id()];
    const orm =
      `MSH|^~\\&|OE|GOODHEALTH|MERIDIAN|MERIDIAN|20260101120000||ORM^O01^ORM_O01|${noOrc}|P|2.5.1\r` +
      'PID|1||MRN-7007^^^GOODHEALTH^MR||DOE^JANE||19800101|F\rOBR|1|ORD-1||CBC^Blood count^L\r';
    const withoutOrc = readAck(await client.request(orm));
    const withoutPid = readAck(await client.request(message(noPid).replace(/PID\|[^\r]*\r/, '')));
    client.close();
    expect(withoutOrc).toMatchObject({ code: 'AR', controlId: noOrc });
    expect(withoutOrc.err).toBe('ERR||ORC^3|100^Segment sequence error^HL70357|E');
    expect(withoutOrc.text).toContain('ORDER group');
    expect(withoutPid).toMatchObject({ code: 'AR', controlId: noPid });
    expect(withoutPid.err).toMatch(/^ERR\|\|PID\^\d+\|100\^/);
    for (const controlId of [noOrc, noPid]) expect(await published(controlId)).toHaveLength(0);
  });

  it('accepts a message with empty MSH-3 and MSH-4, keyed by the connection', async () => {
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const ack = readAck(await client.request(message(controlId, { sender: '|', mrn: 'MRN-8008' })));
    client.close();
    expect(ack).toEqual({ code: 'AA', controlId });
    const [record, ...more] = await published(controlId);
    expect(more).toHaveLength(0);
    expect(record.message.key?.toString()).toBe('mllp:127.0.0.1|MRN-8008');
  });

  it('answers an invalid batch of NE messages with a batch-level AR', async () => {
    const client = await MllpClient.connect(mllpPort);
    const [a, b] = [id(), id()];
    const batch =
      'BHS|^~\\&|ADT1|GOODHEALTH|MERIDIAN|MERIDIAN|20260101120000||||B-NE\r' +
      message(a, { msh15: 'NE' }) +
      message(b, { msh15: 'NE' }) +
      'BTS|3\r';
    const reply = (await client.request(batch)).split('\r');
    client.close();
    expect(reply[0]).toMatch(/^BHS\|\^~\\&\|MERIDIAN\|MERIDIAN\|ADT1\|GOODHEALTH\|.*\|B-NE$/);
    expect(reply.find((s) => s.startsWith('MSA'))).toMatch(/^MSA\|AR\|B-NE\|BTS-1 declares 3 messages/);
    // BTS is the batch's 10th segment (BHS, then two messages of four segments each).
    expect(reply.find((s) => s.startsWith('ERR'))).toBe('ERR||BTS^10^1|100^Segment sequence error^HL70357|E');
    for (const controlId of [a, b]) expect(await published(controlId)).toHaveLength(0);
  });

  it('reports a reused control id as a lifecycle step of the facility’s HL7 integration', async () => {
    const facility = `LC${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const created = await fetch(`${http}/api/v1/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        facility,
        systemType: 'ehr',
        systemName: 'ADT feed',
        connection: {
          type: 'hl7',
          endpoint: 'adt.example:2575',
          authentication: { type: 'none' },
          timeout: 15000,
          retryPolicy: { maxAttempts: 3, backoff: 'exponential', base: 500 },
        },
        synchronization: {
          enabled: false,
          direction: 'inbound',
          frequency: 'real_time',
          conflictResolution: 'source_wins',
        },
        active: true,
      }),
    });
    expect(created.status).toBe(201);
    const { id: integrationId } = (await created.json()) as { id: string };
    const client = await MllpClient.connect(mllpPort);
    const controlId = id();
    const sender = `ADT1|${facility}`;
    const first = readAck(await client.request(message(controlId, { sender })));
    const second = readAck(await client.request(message(controlId, { sender, mrn: 'MRN-9009' })));
    client.close();
    expect([first.code, second.code]).toEqual(['AA', 'AA']);
    const [record] = await published(controlId).then((records) =>
      records.filter((r) => r.message.key?.toString() === `${facility}|MRN-9009`),
    );
    const step = await eventually(
      async () =>
        (await readTopic(kafka, admin, TOPICS.integrationEvents.name))
          .map((r) => JSON.parse(r.message.value?.toString() ?? '{}') as Record<string, unknown>)
          .find((v) => v.integrationId === integrationId),
      { what: 'the lifecycle step' },
    );
    expect(step).toEqual({
      integrationId,
      correlationId: record.message.headers?.[CE.id]?.toString(),
      status: 'processing',
      step: 'gateway.hl7-control-id-reused',
      attempt: 1,
    });
  });
});
