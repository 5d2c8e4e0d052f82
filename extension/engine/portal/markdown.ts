/**
 * A small, escaping Markdown renderer for the candidate portal (the brief and the hints).
 *
 * Safety is by construction: every character of the source reaches the output HTML-escaped,
 * except for the few tags this renderer writes itself. Raw HTML in the source is shown as text;
 * links are kept only for absolute http(s) URLs (anything else — `javascript:`, `data:`,
 * relative paths — is rendered as its text); images are rendered as their alt text.
 *
 * Supported: ATX headings, paragraphs, ordered/unordered (nested) lists, fenced code blocks,
 * block quotes, horizontal rules, pipe tables, inline code, bold, italics and links.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** An absolute http(s) URL, normalised, or null. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// --- inline -------------------------------------------------------------------------------------

/** Placeholders for pieces rendered before the rest is escaped (NUL never survives from the source). */
const HOLE = '\u0000';

function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/__(?=\S)([\s\S]*?\S)__/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_(?=[^\s_])([^_]*?[^\s_])_(?![_\w])/g, '$1<em>$2</em>');
}

export function renderInline(source: string): string {
  const holes: string[] = [];
  const hole = (html: string) => `${HOLE}${holes.push(html) - 1}${HOLE}`;
  let text = source.replaceAll(HOLE, '');
  // Code spans first: nothing inside them is Markdown.
  text = text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_m, _ticks: string, code: string) => hole(`<code>${escapeHtml(code.trim())}</code>`));
  // Images: their alt text only (the portal loads nothing from elsewhere).
  text = text.replace(/!\[([^\]]*)\]\(([^()\s]*)(?:\s+"[^"]*")?\)/g, (_m, alt: string) => hole(escapeHtml(alt)));
  // Links: kept for absolute http(s) URLs, otherwise just their text.
  text = text.replace(/\[([^\]]+)\]\(([^()\s]*)(?:\s+"[^"]*")?\)/g, (_m, label: string, href: string) => {
    const inner = emphasis(escapeHtml(label));
    const url = safeHref(href);
    return hole(url ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${inner}</a>` : inner);
  });
  text = text.replace(/<(https?:\/\/[^\s<>]+)>/g, (m, href: string) => {
    const url = safeHref(href);
    return url ? hole(`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(href)}</a>`) : m;
  });
  // Holes may hold holes (a code span inside a link's text): fill them until none is left.
  const fill = (html: string): string =>
    html.replace(new RegExp(`${HOLE}(\\d+)${HOLE}`, 'g'), (_m, i: string) => fill(holes[Number(i)] ?? ''));
  return fill(emphasis(escapeHtml(text)));
}

// --- blocks -------------------------------------------------------------------------------------

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^(\s*)([-*+]|(\d{1,9})[.)])(?:\s+(.*))?$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

const indentOf = (line: string) => /^\s*/.exec(line)?.[0].replace(/\t/g, '    ').length ?? 0;
const blank = (line: string | undefined) => line === undefined || line.trim() === '';

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
}

function cells(row: string): string[] {
  const trimmed = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function table(lines: string[]): string {
  const head = cells(lines[0] ?? '');
  const rows = lines.slice(2).map(cells);
  const th = head.map((c) => `<th>${renderInline(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${head.map((_, i) => `<td>${renderInline(r[i] ?? '')}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A list starting at lines[start]; returns its HTML and the index after it. */
function list(lines: string[], start: number): { html: string; next: number } {
  const first = ITEM.exec(lines[start] ?? '');
  const baseIndent = indentOf(lines[start] ?? '');
  const ordered = first?.[3] !== undefined;
  const items: { lines: string[]; loose: boolean }[] = [];
  let i = start;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const m = ITEM.exec(line);
    if (m && indentOf(line) === baseIndent && (m[3] !== undefined) === ordered) {
      const contentIndent = baseIndent + (m[2]?.length ?? 1) + 1;
      const item = { lines: [m[4] ?? ''], loose: false };
      items.push(item);
      i++;
      while (i < lines.length) {
        const l = lines[i] ?? '';
        if (blank(l)) {
          // A blank line continues the item only if indented content follows.
          let k = i;
          while (k < lines.length && blank(lines[k])) k++;
          if (k < lines.length && indentOf(lines[k] ?? '') >= contentIndent) {
            item.loose = true;
            for (; i < k; i++) item.lines.push('');
            continue;
          }
          break;
        }
        if (indentOf(l) >= contentIndent || (indentOf(l) > baseIndent && !ITEM.test(l))) {
          item.lines.push(l.replace(/\t/g, '    ').slice(Math.min(contentIndent, indentOf(l))));
        } else if (indentOf(l) > baseIndent) {
          item.lines.push(l.replace(/\t/g, '    ').slice(baseIndent + 1));
        } else if (!startsBlock(l) && !blank(item.lines[item.lines.length - 1])) {
          item.lines.push(l.trim()); // lazy continuation of the item's paragraph
        } else break;
        i++;
      }
      continue;
    }
    if (blank(line)) {
      let k = i;
      while (k < lines.length && blank(lines[k])) k++;
      const nextItem = ITEM.exec(lines[k] ?? '');
      if (nextItem && indentOf(lines[k] ?? '') === baseIndent && (nextItem[3] !== undefined) === ordered) {
        const last = items[items.length - 1];
        if (last) last.loose = true;
        i = k;
        continue;
      }
    }
    break;
  }
  const tag = ordered ? 'ol' : 'ul';
  const startNumber = Number(first?.[3] ?? '1');
  const open = ordered && startNumber !== 1 ? `<ol start="${startNumber}">` : `<${tag}>`;
  const body = items.map((it) => `<li>${blocks(it.lines, !it.loose)}</li>`).join('\n');
  return { html: `${open}\n${body}\n</${tag}>`, next: i };
}

function blocks(lines: string[], tight = false): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (blank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      const lang = (fence[2] ?? '').toLowerCase().replace(/[^a-z0-9+-]/g, '');
      const code: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(lines[i] ?? '')) {
        code.push(lines[i] ?? '');
        i++;
      }
      i++; // the closing fence (or the end)
      out.push(`<pre><code${lang ? ` class="language-${lang}"` : ''}>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      out.push(`<h${level}>${renderInline(heading[2] ?? '')}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && !blank(lines[i])) {
        const m = QUOTE.exec(lines[i] ?? '');
        quoted.push(m ? (m[1] ?? '') : (lines[i] ?? ''));
        i++;
      }
      out.push(`<blockquote>\n${blocks(quoted)}\n</blockquote>`);
      continue;
    }
    if (ITEM.test(line)) {
      const l = list(lines, i);
      out.push(l.html);
      i = l.next;
      continue;
    }
    if (line.includes('|') && TABLE_SEPARATOR.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').includes('-')) {
      const rows: string[] = [];
      while (i < lines.length && !blank(lines[i]) && (lines[i] ?? '').includes('|')) rows.push(lines[i++] ?? '');
      out.push(table(rows));
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && !blank(lines[i]) && (para.length === 0 || !startsBlock(lines[i] ?? ''))) {
      para.push((lines[i] ?? '').trim());
      i++;
    }
    const html = renderInline(para.join('\n'));
    out.push(tight ? html : `<p>${html}</p>`);
  }
  return out.join('\n');
}

/** Markdown → HTML that is safe to insert into a page (see the module comment). */
export function renderMarkdown(source: string): string {
  return blocks(source.replace(/\r\n?/g, '\n').split('\n'));
}
