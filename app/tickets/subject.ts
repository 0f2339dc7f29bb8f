// A ticket's subject when the channel gives none: the first words of the client's text.
const MAX = 80;

export function subjectFromText(text: string): string {
  const firstLine = text.trim().split(/\r?\n/, 1)[0]?.replace(/\s+/g, ' ').trim() ?? '';
  if (firstLine.length === 0) return '(no text)';
  const chars = [...firstLine];
  if (chars.length <= MAX) return firstLine;
  const cut = chars.slice(0, MAX).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > MAX / 2 ? cut.slice(0, lastSpace) : cut}…`;
}
