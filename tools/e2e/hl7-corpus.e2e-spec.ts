/**
 * The real-world corpus (libs/hl7-fhir/fixtures/corpus) end to end, as senders would send it: every
 * file over MLLP to the built gateway, converted by the built transformer. Every message is answered
 * AA/CA and then becomes a Bundle on fhir.r4.inbound.v1 (or a dead letter with the reason), or is
 * answered AE/AR (CE/CR) with a reason and never published. Nothing is accepted and then lost; a
 * control id reused for a different message is processed, not dropped as a duplicate.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { allTopicDefinitions, CE, dlqTopicName, TOPICS } from '@meridian/contracts';
import { encodeMllp } from '@meridian/hl7';
import { provisionTopics, readTopic, type StoredRecord } from '@meridian/kafka';
import {
  type CorpusCase,
  eventually,
  freePort,
  loadCorpus,
  MllpClient,
  readAck,
  startBuiltServices,
  stopBuiltServices,
  testKafka,
  type RunningService,
} from '@meridian/testing';

const ACCEPTED = new Set(['AA', 'CA']);
const REFUSED = new Set(['AE', 'AR', 'CE', 'CR']);

/**
 * The file with MSH-10 of each of its messages replaced by `${prefix}${n}`, so this run's records are
 * told apart from any other run's on a shared broker, and MSH-15/16 emptied. Bytes are handled as Latin-1 (one char per
 * byte), so the rest of the file stays byte for byte what the corpus holds, whatever its charset.
 */
function withControlIds(bytes: Buffer, prefix: string): { frame: Buffer; ids: string[] } {
  const ids: string[] = [];
  const text = bytes
    .toString('latin1')
    .replace(/(^|[\r\n])MSH(.)([^\r\n]*)/g, (segment: string, start: string, sep: string, rest: string) => {
      const fields = rest.split(sep);
      // fields[0] is MSH-2; MSH-n is fields[n - 2].
      if (fields.length < 9) return segment;
      // A message without a control id stays without one: that is what the gateway must refuse.
      if (fields[8] !== '') {
        const id = `${prefix}${ids.length + 1}`;
        ids.push(id);
        fields[8] = id;
      }
      // Original acknowledgment mode (MSH-15/16 empty), so every message is answered AA/AE/AR: what
      // a sender asking for enhanced mode gets is the intake tests' business, not this one's.
      for (const n of [13, 14]) if (fields.length > n) fields[n] = '';
      return `${start}MSH${sep}${fields.join(sep)}`;
    });
  return { frame: encodeMllp(text, 'latin1'), ids };
}

/** Whether `text` holds control id `id` (not merely a longer id that starts with it). */
const containsId = (text: string, id: string): boolean => new RegExp(`${id}(?![0-9])`).test(text);

/** Every MSA of an ACK or a batch ACK: code and the control id it answers. */
function acksIn(reply: string): { code: string; controlId: string }[] {
  return reply
    .split(/\r\n|\r|\n/)
    .filter((s) => s.startsWith('MSA'))
    .map((s) => {
      const fields = s.split(s[3] ?? '|');
      return { code: fields[1] ?? '', controlId: fields[2] ?? '' };
    });
}

describe('the real-world HL7 v2 corpus over MLLP through the built gateway and transformer', () => {
  const services: RunningService[] = [];
  const run = `Q${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const corpus = loadCorpus();
  let mllpPort: number;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, allTopicDefinitions());
    mllpPort = await freePort();
    const env = { ...process.env, LOG_LEVEL: 'warn', KAFKA_SESSION_TIMEOUT_MS: '6000' };
    services.push(
      ...(await startBuiltServices(['gateway', 'transformer'], env, {
        gateway: { MLLP_PORT: String(mllpPort) },
      })),
    );
  });

  afterAll(async () => {
    await stopBuiltServices(services);
    await admin?.disconnect();
  });

  /** The reply to an MLLP frame; when none comes, the services' last output says why. */
  const request = async (client: MllpClient, frame: Buffer, file: string): Promise<string> => {
    try {
      return await client.request(frame);
    } catch (error) {
      const output = services.map((s) => `--- ${s.name}\n${s.output.join('').slice(-3000)}`).join('\n');
      throw new Error(`${file}: ${(error as Error).message}\n${output}`);
    }
  };

  const ours = async (topic: string): Promise<StoredRecord[]> =>
    (await readTopic(kafka, admin, topic)).filter((r) => r.message.value?.toString('latin1').includes(run));

  it('answers every message and loses none it accepted', async () => {
    const client = await MllpClient.connect(mllpPort);
    /** Control id → the case it belongs to, for every message answered AA/CA. */
    const accepted = new Map<string, CorpusCase>();
    /** Control ids of the messages refused: never published. */
    const refused = new Set<string>();
    const problems: string[] = [];
    for (const [i, c] of corpus.entries()) {
      const { frame, ids } = withControlIds(c.bytes, `${run}-${i}-`);
      const reply = await request(client, frame, c.file);
      const acks = acksIn(reply);
      for (const ack of acks) {
        if (ACCEPTED.has(ack.code)) accepted.set(ack.controlId, c);
        else refused.add(ack.controlId);
      }
      if (c.expect.refused === true) {
        // Refused, as the corpus says: the file, or (in a batch) at least the message that is broken.
        if (!acks.some((a) => REFUSED.has(a.code)) || (!c.batch && acks.length !== 1))
          problems.push(
            `${c.file}: must be refused, answered ${acks.map((a) => a.code).join(',') || 'nothing'}`,
          );
      } else if (acks.length !== ids.length || acks.some((a) => !ACCEPTED.has(a.code))) {
        problems.push(`${c.file}: answered ${reply.replace(/\r/g, ' | ').slice(0, 300)}`);
      }
    }
    client.close();
    expect(problems).toEqual([]);
    expect(accepted.size).toBeGreaterThanOrEqual(100);

    // Each accepted message is on hl7.v2.inbound.v1 exactly once; nothing refused is.
    const inbound = await eventually(
      async () => {
        const records = await ours(TOPICS.hl7Inbound.name);
        return records.length >= accepted.size ? records : undefined;
      },
      { timeoutMs: 60_000, what: 'the accepted messages on hl7.v2.inbound.v1' },
    );
    const eventIdOf = new Map<string, string>();
    const unexpected: string[] = [];
    for (const record of inbound) {
      const text = record.message.value?.toString('latin1') ?? '';
      const controlId = [...accepted.keys()].find((id) => containsId(text, id));
      if (controlId === undefined || eventIdOf.has(controlId)) {
        // A refused message published, or an accepted one published twice.
        const refusal = [...refused].find((id) => containsId(text, id));
        unexpected.push(refusal ? `refused ${refusal}` : `twice ${controlId ?? '?'}`);
        continue;
      }
      eventIdOf.set(controlId, record.message.headers?.[CE.id]?.toString() ?? '');
    }
    expect(unexpected).toEqual([]);
    expect(eventIdOf.size).toBe(accepted.size);

    // …and then becomes a Bundle — or, failing that, a dead letter with its reason: never nothing.
    const wanted = new Set(eventIdOf.values());
    const outcomes = await eventually(
      async () => {
        const bundles = (await readTopic(kafka, admin, TOPICS.fhirInbound.name)).filter((r) =>
          wanted.has(r.message.headers?.[CE.causationId]?.toString() ?? ''),
        );
        const dead = (await readTopic(kafka, admin, dlqTopicName(TOPICS.hl7Inbound.name))).filter((r) =>
          wanted.has(r.message.headers?.[CE.id]?.toString() ?? ''),
        );
        return bundles.length + dead.length >= wanted.size ? { bundles, dead } : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000, what: 'a Bundle or a dead letter for every accepted message' },
    );
    const converted = new Set(outcomes.bundles.map((r) => r.message.headers?.[CE.causationId]?.toString()));
    const deadLettered = outcomes.dead.map((r) => r.message.headers?.[CE.id]?.toString());
    // The corpus's messages that should convert do: none of them may end on the dead letter topic.
    const lost = [...eventIdOf.entries()]
      .filter(([, eventId]) => !converted.has(eventId))
      .map(([controlId]) => `${accepted.get(controlId)?.file} (${controlId})`);
    expect({ lost, deadLettered: deadLettered.length }).toEqual({ lost: [], deadLettered: 0 });
  });

  it('processes a reused control id with other content, and publishes a true resend once', async () => {
    const first = corpus.find((c) => c.file === 'ADT/adt_a01_wikipedia_1.hl7');
    const other = corpus.find(
      (c) => c.type.startsWith('ADT^A0') && c !== first && !c.batch && !c.expect.refused,
    );
    expect([first !== undefined, other !== undefined]).toEqual([true, true]);
    const sender = (c: CorpusCase): Buffer =>
      // One sender for both, so only content tells them apart.
      Buffer.from(
        c.bytes.toString('latin1').replace(/^(MSH(.)[^\r\n]*?\2)[^\r\n]*?\2[^\r\n]*?\2/, `$1REUSE$2${run}$2`),
        'latin1',
      );
    const controlId = `${run}-reused`;
    const a = withControlIds(sender(first!), controlId).frame;
    const b = withControlIds(sender(other!), controlId).frame;
    const client = await MllpClient.connect(mllpPort);
    const answers = [];
    for (const message of [a, b, a]) answers.push(readAck(await request(client, message, 'reused')).code);
    client.close();
    expect(answers).toEqual(['AA', 'AA', 'AA']);
    const records = await eventually(
      async () => {
        const found = (await ours(TOPICS.hl7Inbound.name)).filter((r) =>
          containsId(r.message.value?.toString('latin1') ?? '', `${controlId}1`),
        );
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMs: 30_000, what: 'both messages on hl7.v2.inbound.v1' },
    );
    // a and b each once; the resend of a is a duplicate, answered but not published again.
    expect(records).toHaveLength(2);
    const ids = new Set(records.map((r) => r.message.headers?.[CE.id]?.toString()));
    await eventually(
      async () => {
        const bundles = (await readTopic(kafka, admin, TOPICS.fhirInbound.name)).filter((r) =>
          ids.has(r.message.headers?.[CE.causationId]?.toString()),
        );
        return bundles.length === 2 ? bundles : undefined;
      },
      { timeoutMs: 60_000, what: 'a Bundle for each of the two messages' },
    );
  });
});
