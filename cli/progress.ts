// A one-line progress bar on stderr for long commands, drawn only when stderr is a terminal
// (a pipe or a log file gets nothing but the final summary).
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total === 0) return { update() {}, finish() {} };
  const width = 30;
  const draw = (done: number) => {
    const share = Math.min(1, done / total);
    const filled = Math.round(share * width);
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${done}/${total}`);
  };
  draw(0);
  return {
    update: draw,
    finish() {
      stream.write('\n');
    },
  };
}
