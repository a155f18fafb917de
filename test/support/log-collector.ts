/** A log stream that keeps every line, for assertions on what was (and was not) logged. */
export class LogCollector {
  readonly lines: string[] = [];

  write(chunk: string): boolean {
    this.lines.push(...chunk.split('\n').filter(Boolean));
    return true;
  }

  records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  text(): string {
    return this.lines.join('\n');
  }
}
