export default async function globalTeardown(): Promise<void> {
  await globalThis.meridianTestInfrastructure?.stop();
}
