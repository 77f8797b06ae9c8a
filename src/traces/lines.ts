/**
 * Splits a stream of byte chunks into text lines without holding more than one partial line, so readers parse
 * files of any size line by line. Accepts `\n` and `\r\n`.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';

  /** Feeds a chunk; returns the complete lines it finished (without terminators). */
  push(chunk: Uint8Array): string[] {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.map(stripCarriageReturn);
  }

  /** Flushes the last line when the input did not end with a newline. */
  end(): string[] {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    return rest.length > 0 ? [stripCarriageReturn(rest)] : [];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
