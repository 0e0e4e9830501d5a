import { stopRunFhirServer } from './fhir-server';

export default async function globalTeardown(): Promise<void> {
  try {
    await stopRunFhirServer();
  } finally {
    await globalThis.meridianTestInfrastructure?.stop();
  }
}
