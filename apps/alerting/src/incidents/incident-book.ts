import {
  Incident,
  INCIDENT_STATUS_RANK,
  isIncidentTransition,
  LifecycleMessage,
} from '@app/contracts';

const keyOf = (ruleId: string, groupKey: string) => `${ruleId}\u0000${groupKey}`;

/**
 * What every replica knows about incidents, folded from the `notifications` topic: the
 * newest incident of each (rule, group key), for "one open incident at a time" and the
 * cooldown, and the unresolved ones by id, for acknowledgements and manual resolution.
 * An incident only moves forward (open -> acknowledged -> resolved), so a message read twice
 * or late never rolls it back.
 */
export class IncidentBook {
  private readonly latestByKey = new Map<string, Incident>();
  private readonly activeById = new Map<string, Incident>();

  /** Returns the incident as it now stands, or null when the message changed nothing. */
  apply(message: LifecycleMessage): Incident | null {
    // A suppression notice names a rule, not an incident of one of its keys.
    if (!isIncidentTransition(message)) return null;
    const incoming = message.incident;
    const key = keyOf(incoming.ruleId, incoming.groupKey);
    const latest = this.latestByKey.get(key);
    const known =
      this.activeById.get(incoming.id) ?? (latest?.id === incoming.id ? latest : undefined);
    if (known) {
      if (INCIDENT_STATUS_RANK[incoming.status] <= INCIDENT_STATUS_RANK[known.status]) return null;
    } else if (latest && Date.parse(incoming.openedAt) < Date.parse(latest.openedAt)) {
      // News of an incident older than the key's newest one, which we no longer track.
      return null;
    }
    if (
      !latest ||
      latest.id === incoming.id ||
      Date.parse(incoming.openedAt) >= Date.parse(latest.openedAt)
    ) {
      this.latestByKey.set(key, incoming);
    }
    if (incoming.status === 'resolved') this.activeById.delete(incoming.id);
    else this.activeById.set(incoming.id, incoming);
    return incoming;
  }

  /**
   * Forgets the resolved incidents `isStale` says no decision needs any more (past their
   * rule's cooldown and any replay), so a key that fired once is not remembered for ever.
   */
  forgetResolved(isStale: (incident: Incident) => boolean): number {
    let forgotten = 0;
    for (const [key, incident] of this.latestByKey) {
      if (incident.status === 'resolved' && isStale(incident)) {
        this.latestByKey.delete(key);
        forgotten++;
      }
    }
    return forgotten;
  }

  latestFor(ruleId: string, groupKey: string): Incident | undefined {
    return this.latestByKey.get(keyOf(ruleId, groupKey));
  }

  get(incidentId: string): Incident | undefined {
    return this.activeById.get(incidentId);
  }

  activeCount(): number {
    return this.activeById.size;
  }
}
