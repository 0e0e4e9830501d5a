import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FhirBundlePayload } from '@meridian/contracts';
import { partnerEvent } from './partner-events';

const golden = join(__dirname, '../../../../libs/hl7-fhir/fixtures/golden');
const load = (name: string): FhirBundlePayload =>
  JSON.parse(readFileSync(join(golden, `${name}.bundle.json`), 'utf8')) as FhirBundlePayload;

describe('partnerEvent', () => {
  it('announces an admission with the patient’s and the encounter’s identifiers only', () => {
    const event = partnerEvent(load('adt_a01_inpatient_full'));
    expect(event?.type).toBe('patient.admitted');
    expect(event?.data).toMatchObject({ trigger: 'A01', patient: { value: expect.any(String) } });
    expect(Object.keys(event?.data ?? {}).sort()).toEqual(['encounter', 'patient', 'trigger']);
    // Thin: nothing but identifiers, so no name or birth date can leak.
    const text = JSON.stringify(event);
    const patient = load('adt_a01_inpatient_full').entry.find((e) => e.resource?.resourceType === 'Patient');
    const family = (patient?.resource?.name as { family: string }[])[0].family;
    expect(text).not.toContain(family);
  });

  it('names results, cancelled appointments and documents', () => {
    expect(partnerEvent(load('oru_r01_cbc_numeric_flags'))?.type).toBe('result.available');
    expect(partnerEvent(load('siu_s15_cancelled_no_times'))?.type).toBe('appointment.cancelled');
    expect(partnerEvent(load('mdm_t02_progress_note_ft'))?.type).toBe('document.available');
  });

  it('tells a cancelled order from a new one', () => {
    expect(partnerEvent(load('orm_o01_new_lab_order_stat'))?.type).toBe('order.placed');
    expect(partnerEvent(load('orm_o01_cancel_order'))?.type).toBe('order.cancelled');
  });

  it('announces every golden message with a known trigger, and nothing without a Provenance', () => {
    const names = readdirSync(golden)
      .filter((file) => file.endsWith('.bundle.json'))
      .map((file) => file.replace('.bundle.json', ''));
    for (const name of names) expect(partnerEvent(load(name))).toBeDefined();
    expect(partnerEvent({ resourceType: 'Bundle', type: 'transaction', entry: [] })).toBeUndefined();
  });
});
