import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { SyncState } from './sync.entities';

export type StateKey = Pick<SyncState, 'integrationId' | 'entityType' | 'entityId'>;
export type StateChange = Partial<
  Omit<SyncState, 'integrationId' | 'entityType' | 'entityId' | 'version' | 'updatedAt'>
>;

/** Enough for any realistic burst of writers on one row; more means something loops. */
const MAX_OPTIMISTIC_ATTEMPTS = 20;

/**
 * Sync state rows under optimistic versioning. The routing and results consumers read different
 * topics, so both can change one entity's row at once; the Kafka key keeps each of them in order but
 * not the two together. Each change is computed from the row it read and written only if the row is
 * still at that `version`; otherwise it is recomputed from the fresh row.
 */
@Injectable()
export class SyncStateRepository {
  constructor(@InjectRepository(SyncState) private readonly rows: Repository<SyncState>) {}

  find(key: StateKey): Promise<SyncState | null> {
    return this.rows.findOneBy(key);
  }

  /**
   * Applies `change` (computed from the current row, or from nothing when there is none; `undefined`
   * leaves the row alone) and returns the row as written.
   */
  async change(
    key: StateKey,
    change: (current: SyncState | null) => StateChange | undefined,
  ): Promise<SyncState | null> {
    for (let attempt = 0; attempt < MAX_OPTIMISTIC_ATTEMPTS; attempt++) {
      const current = await this.find(key);
      const changes = change(current);
      if (changes === undefined) return current;
      const now = new Date();
      if (current === null) {
        const row: SyncState = {
          ...key,
          externalId: null,
          externalVersion: null,
          writtenVersion: null,
          base: null,
          status: 'out_of_sync',
          localVersion: 0,
          lastCommandId: null,
          lastSyncedAt: null,
          retryCount: 0,
          ...changes,
          version: 1,
          updatedAt: now,
        };
        const inserted = await this.rows
          .createQueryBuilder()
          .insert()
          .values(row as QueryDeepPartialEntity<SyncState>)
          .orIgnore()
          .returning(['entityId'])
          .execute();
        if ((inserted.raw as unknown[]).length === 1) return row;
        continue;
      }
      const updated = await this.rows
        .createQueryBuilder()
        .update()
        .set({
          ...changes,
          version: current.version + 1,
          updatedAt: now,
        } as QueryDeepPartialEntity<SyncState>)
        .where(
          'integration_id = :integrationId AND entity_type = :entityType AND entity_id = :entityId AND version = :version',
          { ...key, version: current.version },
        )
        .execute();
      if (updated.affected === 1)
        return { ...current, ...changes, version: current.version + 1, updatedAt: now };
    }
    throw new Error(
      `sync state of ${key.entityType} kept changing under ${MAX_OPTIMISTIC_ATTEMPTS} attempts`,
    );
  }
}
