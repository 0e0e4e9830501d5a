import {
  EHR_PULL_V1,
  createCloudEvent,
  type CloudEvent,
  type CommandResultPayload,
  type EhrPullPayload,
  type FhirBundlePayload,
} from '@meridian/contracts';
import { FhirOperationError, type FhirResource, type FhirSearchResult } from '@meridian/fhir';
import type { EventProducer, KafkaEventContext } from '@meridian/kafka';
import type { IntegrationConfigView, LifecyclePublisher } from '@meridian/platform';
import type { EhrClients } from '../clients/ehr-clients';
import { fhirIntegration } from '../testing/ehr-adapter-harness';
import { EhrPullService } from './ehr-pull.service';

const at = (second: number) => `2026-01-01T10:00:${String(second).padStart(2, '0')}.000+00:00`;

const resource = (
  type: string,
  id: string,
  version: number,
  second: number,
  identified = true,
): FhirResource => ({
  resourceType: type,
  id,
  meta: { versionId: String(version), lastUpdated: at(second) },
  ...(identified ? { identifier: [{ system: 'urn:test', value: `${type}-${id}` }] } : {}),
});

/**
 * A FHIR server in memory that answers `_lastUpdated` searches oldest first, `limit` matches at most
 * (then `complete: false`, as the client does), and lets a test change it between searches.
 */
class FakeServer {
  readonly versions: FhirResource[] = [];
  readonly searches: string[] = [];
  beforeSearch?: (type: string, count: number) => void;
  failOn?: string;

  constructor(private readonly limit = 100) {}

  async search(type: string): Promise<FhirSearchResult<FhirResource>> {
    return this.answer(type, () => true);
  }

  async searchUpdatedSince(
    type: string,
    since: string,
    options: { comparator?: 'gt' | 'ge' } = {},
  ): Promise<FhirSearchResult<FhirResource>> {
    const from = Date.parse(since);
    return this.answer(
      type,
      (updated) => (options.comparator === 'ge' ? updated >= from : updated > from),
      since,
    );
  }

  private answer(
    type: string,
    keep: (updated: number) => boolean,
    since?: string,
  ): FhirSearchResult<FhirResource> {
    this.beforeSearch?.(type, this.searches.filter((s) => s.startsWith(type)).length);
    this.searches.push(`${type} ${since ?? '-'}`);
    if (this.failOn === type) {
      throw new FhirOperationError({
        kind: 'rejected',
        status: 400,
        operation: `search ${type}`,
        integrationId: 'int-1',
        outcome: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] },
      });
    }
    // The current version of each resource, as a _lastUpdated search returns.
    const current = new Map<string, FhirResource>();
    for (const version of this.versions) if (version.resourceType === type) current.set(version.id!, version);
    const matches = [...current.values()]
      .filter((r) => keep(Date.parse(r.meta!.lastUpdated!)))
      .sort((a, b) => Date.parse(a.meta!.lastUpdated!) - Date.parse(b.meta!.lastUpdated!));
    const page = matches.slice(0, this.limit);
    return {
      resources: page,
      included: [],
      pages: 1,
      complete: page.length === matches.length,
      lastUpdated: page.at(-1)?.meta?.lastUpdated,
    };
  }
}

async function pull(server: FakeServer, data: Partial<EhrPullPayload> = {}) {
  const published: Array<{ topic: string; key: string; event: CloudEvent }> = [];
  const producer = {
    publish: async (topic: string, records: Array<{ key: string; event: CloudEvent }>) => {
      published.push(...records.map((r) => ({ topic, ...r })));
    },
  } as unknown as EventProducer;
  const config = fhirIntegration('int-1', { endpoint: 'http://fhir.test' });
  const configs = {
    loaded: Promise.resolve(),
    get: () => config,
    isDeleted: () => false,
  } as unknown as IntegrationConfigView;
  const clients = { clientFor: async () => server } as unknown as EhrClients;
  const lifecycle = { publish: async () => undefined } as unknown as LifecyclePublisher;
  const service = new EhrPullService(producer, configs, clients, lifecycle);
  const event = createCloudEvent({
    source: '/meridian/orchestrator',
    type: EHR_PULL_V1,
    integrationid: 'int-1',
    data: {
      jobId: 'job-1',
      integrationId: 'int-1',
      resourceTypes: ['Patient', 'Encounter'],
      requestedAt: at(59),
      ...data,
    },
  }) as CloudEvent<EhrPullPayload>;
  const context = {
    record: { attempt: 1, key: 'int-1', heartbeat: async () => undefined },
  } as unknown as KafkaEventContext;
  await service.pull(event, context);
  const bundles = published.filter((p) => p.topic === 'fhir.r4.inbound.v1');
  const [result] = published
    .filter((p) => p.topic === 'ehr.results.v1')
    .map((p) => p.event.data as CommandResultPayload);
  const pulled = bundles.map((b) => {
    const entry = (b.event.data as FhirBundlePayload).entry[0].resource!;
    return `${entry.resourceType}/${entry.id}/${entry.meta && (entry.meta as { versionId: string }).versionId}`;
  });
  return { result, pulled, bundles };
}

describe(EhrPullService.name, () => {
  it('publishes what changed after since, skips what has no identifier, and answers with the newest lastUpdated', async () => {
    const server = new FakeServer();
    server.versions.push(
      resource('Patient', 'p0', 1, 1),
      resource('Patient', 'p1', 1, 5),
      resource('Patient', 'p2', 1, 7, false),
      resource('Encounter', 'e1', 1, 6),
    );
    const { result, pulled, bundles } = await pull(server, { since: at(2) });
    expect(pulled).toEqual(['Patient/p1/1', 'Encounter/e1/1']);
    expect(bundles.map((b) => b.key)).toEqual(['int-1|urn:test|Patient-p1', 'int-1|urn:test|Encounter-e1']);
    expect(result).toMatchObject({
      outcome: 'succeeded',
      jobId: 'job-1',
      counters: { fetched: 3, published: 2, skipped: 1 },
      watermark: at(7),
    });
  });

  it('reads an earlier type again up to the watermark, catching a change made while a later type was read', async () => {
    const server = new FakeServer();
    server.versions.push(resource('Patient', 'p1', 1, 5), resource('Encounter', 'e1', 1, 9));
    // While the Encounter search runs, p1 changes at :08 (below the Encounter's :09).
    server.beforeSearch = (type, count) => {
      if (type === 'Encounter' && count === 0) server.versions.push(resource('Patient', 'p1', 2, 8));
    };
    const { result, pulled } = await pull(server, { since: at(0) });
    expect(pulled).toEqual(['Patient/p1/1', 'Encounter/e1/1', 'Patient/p1/2']);
    expect(result).toMatchObject({ counters: { fetched: 3, published: 3, skipped: 0 }, watermark: at(9) });
  });

  it('goes on past a page cut at the limit from its last instant, each version once; without since reads everything', async () => {
    const server = new FakeServer(2);
    server.versions.push(
      resource('Patient', 'p1', 1, 1),
      resource('Patient', 'p2', 1, 2),
      resource('Patient', 'p3', 1, 3),
      resource('Patient', 'p4', 1, 4),
    );
    const { result, pulled } = await pull(server, { resourceTypes: ['Patient'], since: undefined });
    expect(pulled).toEqual(['Patient/p1/1', 'Patient/p2/1', 'Patient/p3/1', 'Patient/p4/1']);
    expect(result).toMatchObject({ counters: { fetched: 4, published: 4, skipped: 0 }, watermark: at(4) });
    expect(server.searches).toEqual([`Patient -`, `Patient ${at(2)}`, `Patient ${at(3)}`]);
  });

  it('answers nothing new with zero counters and the same watermark', async () => {
    const server = new FakeServer();
    server.versions.push(resource('Patient', 'p1', 1, 5));
    const { result, pulled } = await pull(server, { since: at(5) });
    expect(pulled).toEqual([]);
    expect(result).toMatchObject({ counters: { fetched: 0, published: 0, skipped: 0 }, watermark: at(5) });
  });

  it('answers failed with the counters so far when the server refuses a search with an OperationOutcome', async () => {
    const server = new FakeServer();
    server.versions.push(resource('Patient', 'p1', 1, 5));
    server.failOn = 'Encounter';
    const { result, pulled } = await pull(server, { since: at(0) });
    expect(pulled).toEqual(['Patient/p1/1']);
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 400,
      jobId: 'job-1',
      counters: { fetched: 1, published: 1, skipped: 0 },
      error: { class: 'rejected', retryable: false },
    });
    expect(result.watermark).toBeUndefined();
  });
});
