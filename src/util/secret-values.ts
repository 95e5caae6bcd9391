/** Values of environment variables that look like credentials: never written anywhere. */
export function secretValues(): string[] {
  return Object.entries(process.env)
    .filter(([k, v]) => v && /KEY|TOKEN|SECRET|PASSWORD/i.test(k))
    .map(([, v]) => v!);
}
