/** A bot config the user must fix. Its message lists every problem, one `field: rule (got …)` per line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(
      problems.length === 1
        ? `${source}: ${problems[0]}`
        : `${source}: ${problems.length} problems:\n  ${problems.join('\n  ')}`,
    );
    this.problems = problems;
  }
}
