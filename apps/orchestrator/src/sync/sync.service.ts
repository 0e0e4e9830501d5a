import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  type CommandResultPayload,
  type ConflictResolution,
  createCloudEvent,
  FHIR_BUNDLE_V1,
  type FhirBundlePayload,
  type FhirResource,
  type IntegrationConfigPayload,
  type SyncResolution,
  TOPICS,
} from '@meridian/contracts';
import { uuidV5 } from '@meridian/hl7-fhir';
import { EventProducer, PermanentError } from '@meridian/kafka';
import { IntegrationConfigView, LifecyclePublisher } from '@meridian/platform';
import { applyResolution, decide, type Decision, differingElements } from './conflict-resolution';
import { SOURCE, SyncEventsPublisher } from './sync-events.publisher';
import { type StateKey, SyncStateRepository } from './sync-state.repository';
import { SyncCommand, SyncConflict } from './sync.entities';
import {
  createIfMissing,
  parseReference,
  referencesOf,
  trackedEntries,
  type TrackedEntry,
  updateIfMatch,
} from './tracked-entries';

/** A conflict that comes back after this many automatic resolutions is held for a person. */
export const MAX_AUTOMATIC_ROUNDS = 3;

export interface RoutedCommand {
  commandId: string;
  integration: IntegrationConfigPayload;
  key: string;
  bundle: FhirBundlePayload;
  correlationId: string;
  causationId: string;
  subject?: string;
  /** When the source produced the data (`newest_wins`). */
  sourceTime?: string;
}

type ConflictDetail = NonNullable<CommandResultPayload['conflicts']>[number];

/**
 * Sync state, conflicts and their resolution for commands to FHIR targets.
 *
 * - Routing a bundle to a target (`send`): each entry written by business identifier is an entity
 *   with state. When we know where it lives and nothing of ours is in flight for it, the entry
 *   becomes `PUT <Type>/<id>` with `If-Match` on the version we know, so a change made on the target
 *   since is refused by the server instead of overwritten. While one of its conflicts waits for a
 *   person, later commands for the entity are held behind it, in order.
 * - An adapter's answer (`onResult`): success records where each entity lives and at which version,
 *   and what we wrote (the base of a later merge). A conflict is settled by the integration's
 *   strategy (a new command writes the winning version with `If-Match` on the server's current one)
 *   or held for a person (`manual`, or a merge whose sides changed the same element).
 * - A person's decision (`resolve`) writes the chosen version and releases what was held.
 * Every conflict and resolution is a row in `sync_conflicts` (the audit trail) and an event on
 * sync.events.v1.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger('Sync');

  constructor(
    private readonly states: SyncStateRepository,
    @InjectRepository(SyncCommand) private readonly commands: Repository<SyncCommand>,
    @InjectRepository(SyncConflict) private readonly conflicts: Repository<SyncConflict>,
    private readonly producer: EventProducer,
    private readonly events: SyncEventsPublisher,
    private readonly lifecycle: LifecyclePublisher,
    private readonly configs: IntegrationConfigView,
  ) {}

  /** Records and publishes a routed command, or holds it behind an open conflict. Idempotent per command id. */
  async send(command: RoutedCommand): Promise<'sent' | 'held' | 'done'> {
    const existing = await this.commands.findOneBy({ commandId: command.commandId });
    if (existing) {
      // Redelivered input: republish only what may not have reached the topic.
      if (existing.status !== 'sent') return existing.status === 'held' ? 'held' : 'done';
      await this.publish(existing, command.subject, command.causationId);
      return 'sent';
    }
    const tracked = trackedEntries(command.bundle);
    const row: SyncCommand = {
      commandId: command.commandId,
      integrationId: command.integration.integrationId,
      recordKey: command.key,
      bundle: command.bundle,
      tracked,
      status: 'sent',
      sourceTime: command.sourceTime ? new Date(command.sourceTime) : null,
      correlationId: command.correlationId,
      round: 0,
      createdAt: new Date(),
    };
    const blocked = await this.blockedByConflict(row);
    if (blocked) {
      row.status = 'held';
      await this.commands.insert(row as QueryDeepPartialEntity<SyncCommand>);
      await this.claimEntities(row, 'new');
      return 'held';
    }
    row.bundle = await this.withIfMatch(row);
    await this.commands.insert(row as QueryDeepPartialEntity<SyncCommand>);
    await this.claimEntities(row, 'new');
    await this.publish(row, command.subject, command.causationId);
    return 'sent';
  }

  /** An adapter's answer to one of our commands (other commands, e.g. pulls, are not ours to judge here). */
  async onResult(result: CommandResultPayload): Promise<void> {
    const command = await this.commands.findOneBy({ commandId: result.commandId });
    if (command === null) return;
    // A failed command that was dead-lettered and redriven once its cause was fixed may yet succeed.
    const redriven = command.status === 'failed' && result.outcome === 'succeeded';
    if (command.status !== 'sent' && !redriven) return;
    if (result.outcome === 'succeeded') return this.succeeded(command, result.references ?? []);
    if (result.error?.class === 'conflict' && (result.conflicts?.length ?? 0) > 0) {
      return this.conflicted(command, result.conflicts ?? []);
    }
    for (const entry of command.tracked) {
      await this.states.change(keyOf(command, entry), (state) =>
        state?.lastCommandId === command.commandId
          ? { status: 'error', retryCount: state.retryCount + 1 }
          : undefined,
      );
    }
    await this.commands.update({ commandId: command.commandId }, { status: 'failed' });
  }

  /**
   * Changes read from a target (its pull): an entity at the version we last wrote is our own write
   * coming back and is dropped; any other is the target's news, recorded as the version we know (and
   * the base of a later merge), and passed on. Returns the bundle without the echoes, and without the
   * source's ids and versions.
   */
  async acceptExternal(
    source: IntegrationConfigPayload,
    bundle: FhirBundlePayload,
  ): Promise<FhirBundlePayload> {
    const echoes = new Set<number>();
    for (const entry of trackedEntries(bundle)) {
      const resource = bundle.entry[entry.index].resource as FhirResource;
      const version = (resource.meta as { versionId?: string } | undefined)?.versionId;
      if (resource.id === undefined || version === undefined) continue;
      let known = false;
      await this.states.change(
        { integrationId: source.integrationId, entityType: entry.entityType, entityId: entry.entityId },
        (current) => {
          // Our own write coming back, or a version older than one we know: a pull that read the
          // server before our later writes must not take the entity back to it.
          known =
            current !== null &&
            current.externalId === resource.id &&
            (current.writtenVersion === version ||
              isOlderVersion(version, current.writtenVersion) ||
              isOlderVersion(version, current.externalVersion));
          // Our own write, or our write in flight or a conflict waiting (their outcome will tell).
          if (known || (current !== null && current.status !== 'in_sync')) return undefined;
          return {
            externalId: resource.id ?? null,
            externalVersion: version,
            base: content(resource),
            status: 'in_sync',
            lastSyncedAt: new Date(),
          };
        },
      );
      if (known) echoes.add(entry.index);
    }
    // The source's ids and versions mean nothing to other targets: they write by identifier.
    const entries = bundle.entry
      .filter((_entry, index) => !echoes.has(index))
      .map((entry) => (entry.resource ? { ...entry, resource: content(entry.resource) } : entry));
    return { ...bundle, entry: entries };
  }

  /** A person's decision on a held conflict. */
  async resolve(conflictId: string, resolution: SyncResolution, requestedBy: string): Promise<void> {
    const conflict = await this.conflicts.findOneBy({ conflictId });
    if (conflict === null) throw new PermanentError(`conflict ${conflictId} does not exist`);
    if (conflict.status === 'resolved') {
      // Decided already: this is a repeat, or a retry after a failure on the way (finish sending).
      return this.sendResolved(await this.commands.findOneByOrFail({ commandId: conflict.commandId }));
    }
    let resource: FhirResource;
    try {
      resource = applyResolution(
        { local: conflict.local, external: conflict.external, base: conflict.base ?? undefined },
        resolution,
      );
    } catch (error) {
      throw new PermanentError(`conflict ${conflictId}: ${(error as Error).message}`);
    }
    conflict.status = 'resolved';
    conflict.sequence += 1;
    conflict.resolution = {
      action: resolution.action,
      resolvedBy: requestedBy,
      resolvedAt: new Date().toISOString(),
      ...(resolution.note === undefined ? {} : { note: resolution.note }),
      ...(resolution.fields === undefined ? {} : { fields: resolution.fields }),
      chosen: resource,
    };
    await this.conflicts.save(conflict);
    const command = await this.commands.findOneByOrFail({ commandId: conflict.commandId });
    await this.events.conflicts([conflict], command.correlationId);
    await this.sendResolved(command);
  }

  /**
   * Once every conflict of a held command is decided: the command again with the chosen versions,
   * then what was held behind it. Safe to repeat (ids are derived, sends are idempotent).
   */
  private async sendResolved(command: SyncCommand): Promise<void> {
    const stillOpen = await this.conflicts.countBy({ commandId: command.commandId, status: 'open' });
    if (stillOpen > 0) return;
    if (command.status === 'held') {
      const settled = await this.conflicts.findBy({ commandId: command.commandId });
      await this.resend(
        command,
        settled.map((row) => ({
          reference: row.reference,
          currentVersion: row.currentVersion ?? undefined,
          resource: (row.resolution as { chosen: FhirResource }).chosen,
        })),
      );
    }
    await this.releaseHeld(command);
  }

  private async succeeded(command: SyncCommand, references: string[]): Promise<void> {
    const found = referencesOf(command.bundle, command.tracked, references);
    for (const entry of command.tracked) {
      const reference = found.get(entry.index);
      const written = command.bundle.entry[entry.index].resource as FhirResource;
      await this.states.change(keyOf(command, entry), (state) => {
        const latest = state === null || state.lastCommandId === command.commandId;
        return {
          ...(reference
            ? {
                externalId: reference.id,
                externalVersion: reference.version ?? null,
                writtenVersion: reference.version ?? null,
              }
            : {}),
          base: content(written),
          ...(latest ? { status: 'in_sync' as const, lastSyncedAt: new Date(), retryCount: 0 } : {}),
        };
      });
    }
    await this.commands.update({ commandId: command.commandId }, { status: 'succeeded' });
  }

  private async conflicted(command: SyncCommand, details: ConflictDetail[]): Promise<void> {
    const integration = this.configs.get(command.integrationId);
    const strategy: ConflictResolution = integration?.synchronization.conflictResolution ?? 'manual';
    const now = new Date();
    const found: {
      entry: TrackedEntry;
      detail: ConflictDetail;
      decision: Decision;
      base: FhirResource | null;
    }[] = [];
    // Our own writes are not conflicts: the server holds what this command writes (it was applied
    // before, by a replica that died before answering), or what a later command of ours wrote.
    const ours: { reference: string; currentVersion?: string; resource: FhirResource }[] = [];
    const superseded: TrackedEntry[] = [];
    for (const detail of details) {
      const entry = this.entryFor(command, detail.reference);
      if (entry === undefined || detail.resource === undefined) continue;
      const state = await this.states.find(keyOf(command, entry));
      const local = command.bundle.entry[entry.index].resource as FhirResource;
      const external = detail.resource as FhirResource;
      if (differingElements(local, external).length === 0) {
        ours.push({ reference: detail.reference, currentVersion: detail.currentVersion, resource: local });
        continue;
      }
      if (
        state !== null &&
        detail.currentVersion !== undefined &&
        state.writtenVersion === detail.currentVersion
      ) {
        // The server holds our last recorded write, untouched since. A first attempt met an older
        // write of ours (its If-Match was stale): written on the current version. A later round met
        // the write of a command routed after it: that newer content stays.
        if (command.round > 0 && state.lastCommandId !== command.commandId) superseded.push(entry);
        else
          ours.push({ reference: detail.reference, currentVersion: detail.currentVersion, resource: local });
        continue;
      }
      const sides = {
        local,
        external,
        base: state?.base ?? undefined,
        localTime: command.sourceTime?.toISOString(),
      };
      const decision: Decision =
        command.round >= MAX_AUTOMATIC_ROUNDS
          ? { kind: 'hold', reason: 'manual', fields: decide('manual', sides).fields }
          : decide(strategy, sides);
      found.push({ entry, detail, decision, base: state?.base ?? null });
    }
    if (found.length === 0) {
      if (ours.length > 0 || superseded.length > 0) {
        // Nothing to settle: written again on the versions the server has, without overwriting ours.
        await this.resend(command, ours, superseded);
        return;
      }
      // The server said conflict about nothing we track: nothing to settle, so the command failed.
      await this.commands.update({ commandId: command.commandId }, { status: 'failed' });
      return;
    }
    const hold = found.some(({ decision }) => decision.kind === 'hold');
    const rows = found.map(({ entry, detail, decision, base }) => {
      const row: SyncConflict = {
        conflictId: uuidV5(`conflict\u001f${command.commandId}\u001f${detail.reference}`),
        integrationId: command.integrationId,
        entityType: entry.entityType,
        entityId: entry.entityId,
        commandId: command.commandId,
        reference: detail.reference,
        strategy,
        status: hold ? 'open' : 'resolved',
        fields: decision.fields,
        local: command.bundle.entry[entry.index].resource as FhirResource,
        external: detail.resource as FhirResource,
        base,
        expectedVersion: detail.expectedVersion ?? null,
        currentVersion: detail.currentVersion ?? null,
        resolution:
          decision.kind === 'write' && !hold
            ? {
                action: decision.action,
                resolvedBy: 'orchestrator',
                resolvedAt: now.toISOString(),
                chosen: decision.resource,
              }
            : null,
        detectedAt: now,
        sequence: 1,
      };
      return row;
    });
    await this.conflicts.upsert(rows as QueryDeepPartialEntity<SyncConflict>[], ['conflictId']);
    await this.events.conflicts(rows, command.correlationId);
    await this.lifecycle.publish(
      {
        integrationId: command.integrationId,
        correlationId: command.correlationId,
        status: hold ? 'pending' : 'retrying',
        step: 'orchestrator.conflict',
        attempt: command.round + 1,
      },
      command.commandId,
    );
    if (hold) {
      for (const { entry } of found) {
        await this.states.change(keyOf(command, entry), () => ({ status: 'conflict' }));
      }
      await this.commands.update({ commandId: command.commandId }, { status: 'held' });
      this.logger.log({ msg: 'conflict held for a person', commandId: command.commandId, strategy });
      return;
    }
    await this.resend(
      command,
      [
        ...ours,
        ...found.map(({ detail, decision }) => ({
          reference: detail.reference,
          currentVersion: detail.currentVersion,
          resource: (decision as Extract<Decision, { kind: 'write' }>).resource,
        })),
      ],
      superseded,
    );
  }

  /**
   * The command again, one round later, with each settled entity written as chosen and `If-Match`
   * on the version the server has now: if it changed yet again, that is a new conflict. Entities a
   * later command of ours has written since (`superseded`) are only created if missing: this older
   * content must not replace the newer.
   */
  private async resend(
    command: SyncCommand,
    chosen: { reference: string; currentVersion?: string; resource: FhirResource }[],
    superseded: readonly TrackedEntry[] = [],
  ): Promise<void> {
    const entries = [...command.bundle.entry];
    for (const entry of superseded) entries[entry.index] = createIfMissing(entries[entry.index], entry);
    for (const { reference, currentVersion, resource } of chosen) {
      const entry = this.entryFor(command, reference);
      const target = parseReference(reference);
      if (entry === undefined || target === undefined || currentVersion === undefined) continue;
      entries[entry.index] = updateIfMatch(
        entries[entry.index],
        { externalId: target.id, externalVersion: currentVersion },
        resource,
      );
    }
    const next: SyncCommand = {
      ...command,
      commandId: uuidV5(`${command.commandId}\u001fround\u001f${command.round + 1}`),
      bundle: { ...command.bundle, entry: entries },
      status: 'sent',
      round: command.round + 1,
      createdAt: new Date(),
    };
    // Published before the command is marked superseded: a failure in between leaves it as it was,
    // so the redelivered answer (or resolution) sends the same next round again.
    await this.commands.upsert(next as QueryDeepPartialEntity<SyncCommand>, ['commandId']);
    await this.claimEntities(next, 'resolution', command.commandId);
    await this.publish(next, undefined, command.commandId);
    await this.commands.update({ commandId: command.commandId }, { status: 'superseded' });
  }

  /** Commands held behind the settled conflicts, in the order they came, now free to go. */
  private async releaseHeld(settled: SyncCommand): Promise<void> {
    const held = await this.commands.find({
      where: { integrationId: settled.integrationId, status: 'held' },
      order: { createdAt: 'ASC' },
    });
    for (const command of held) {
      if (command.commandId === settled.commandId || (await this.blockedByConflict(command))) continue;
      const open = await this.conflicts.countBy({ commandId: command.commandId, status: 'open' });
      if (open > 0) continue;
      command.bundle = await this.withIfMatch(command);
      await this.claimEntities(command, 'released');
      await this.publish(command);
      command.status = 'sent';
      await this.commands.save(command);
    }
  }

  private async blockedByConflict(command: SyncCommand): Promise<boolean> {
    for (const entry of command.tracked) {
      const state = await this.states.find(keyOf(command, entry));
      if (state?.status === 'conflict') return true;
    }
    return false;
  }

  /**
   * `If-Match` only where the target's version is known and no write of ours is in flight: our own
   * pending write would move the version, and its answer, not a guess, says to which.
   */
  private async withIfMatch(command: SyncCommand): Promise<FhirBundlePayload> {
    const entries = [...command.bundle.entry];
    for (const entry of command.tracked) {
      const state = await this.states.find(keyOf(command, entry));
      if (state?.status !== 'in_sync' || state.externalId === null || state.externalVersion === null)
        continue;
      entries[entry.index] = updateIfMatch(entries[entry.index], {
        externalId: state.externalId,
        externalVersion: state.externalVersion,
      });
    }
    return { ...command.bundle, entry: entries };
  }

  /**
   * Marks the command as the latest write of each of its entities. `new`: a routed command (one more
   * source change; behind an open conflict it stays held). `released`: a held command now sent.
   * `resolution`: the write that settles a conflict of the command it replaces; the entity leaves
   * `conflict`, and a later held command keeps its claim.
   */
  private async claimEntities(
    command: SyncCommand,
    mode: 'new' | 'released' | 'resolution',
    replacing?: string,
  ): Promise<void> {
    for (const entry of command.tracked) {
      await this.states.change(keyOf(command, entry), (state) => {
        if (mode === 'resolution') {
          const latest = state === null || state.lastCommandId === replacing;
          return { status: 'out_of_sync', ...(latest ? { lastCommandId: command.commandId } : {}) };
        }
        return {
          status: state?.status === 'conflict' ? 'conflict' : 'out_of_sync',
          lastCommandId: command.commandId,
          localVersion: (state?.localVersion ?? 0) + (mode === 'new' ? 1 : 0),
        };
      });
    }
  }

  /** The tracked entry a server reference (`Type/id`) names: the entry written to that id. */
  private entryFor(command: SyncCommand, reference: string): TrackedEntry | undefined {
    const target = parseReference(reference);
    if (target === undefined) return undefined;
    return command.tracked.find((entry) => {
      const request = command.bundle.entry[entry.index].request as { url?: string } | undefined;
      return request?.url === `${target.type}/${target.id}`;
    });
  }

  private async publish(command: SyncCommand, subject?: string, causationId?: string): Promise<void> {
    await this.producer.publish(TOPICS.ehrCommands.name, [
      {
        key: command.recordKey,
        event: createCloudEvent({
          id: command.commandId,
          source: SOURCE,
          type: FHIR_BUNDLE_V1,
          ...(subject === undefined ? {} : { subject }),
          integrationid: command.integrationId,
          correlationid: command.correlationId,
          ...(causationId === undefined ? {} : { causationid: causationId }),
          data: command.bundle,
        }),
      },
    ]);
  }
}

function keyOf(command: SyncCommand, entry: TrackedEntry): StateKey {
  return { integrationId: command.integrationId, entityType: entry.entityType, entityId: entry.entityId };
}

/** A resource without the server's bookkeeping: what a later merge compares. */
function content(resource: FhirResource): FhirResource {
  const { id: _id, meta: _meta, ...rest } = resource;
  return rest as FhirResource;
}

/**
 * Whether server version `version` certainly comes before `known`. Versions are opaque in FHIR; only
 * when both are integers (HAPI, most servers) can they be ordered.
 */
function isOlderVersion(version: string, known: string | null): boolean {
  const [a, b] = [Number(version), Number(known)];
  return known !== null && Number.isSafeInteger(a) && Number.isSafeInteger(b) && a < b;
}
