/** Text helpers shared by the simulator's Markdown reports and SVG charts. */

/** A number with fixed digits, or its text when not finite (Infinity, NaN). */
export const fmt = (v: number, digits = 2): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** A share as a percentage with one decimal. */
export const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/** A Markdown table. */
export function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Text safe inside SVG (XML) elements and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The opening of a standalone SVG chart: the root element, a white background and the bold title at (x, y). */
export function svgStart(width: number, height: number, title: { x: number; y: number; text: string }): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${title.x}" y="${title.y}" font-size="14" font-weight="bold">${escapeXml(title.text)}</text>`,
  ];
}
