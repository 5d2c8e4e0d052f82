/**
 * `${…}` templates in service environment values. Kept tiny and strict: an unknown variable is an
 * error at validation time, not an empty string at run time.
 *
 *   ${workspace}  ${session}  ${exercise}
 *   ${services.<name>.url}  ${services.<name>.port}  ${services.<name>.urls}
 *   $$  → a literal "$"
 */
export type TemplateRef =
  | { kind: 'var'; name: 'workspace' | 'session' | 'exercise'; text: string }
  | { kind: 'service'; service: string; field: 'url' | 'port' | 'urls'; text: string };

type Part = { literal: string } | { ref: TemplateRef };

export type ParsedTemplate = { parts: Part[]; refs: TemplateRef[] } | { error: string };

const VARS = new Set(['workspace', 'session', 'exercise']);

export function parseTemplate(value: string): ParsedTemplate {
  const parts: Part[] = [];
  const refs: TemplateRef[] = [];
  let literal = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '$') {
      literal += ch;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      literal += '$';
      i++;
      continue;
    }
    if (next !== '{') {
      literal += ch;
      continue;
    }
    const end = value.indexOf('}', i + 2);
    if (end < 0) return { error: `unterminated "\${" in ${JSON.stringify(value)}` };
    const text = value.slice(i + 2, end).trim();
    const ref = parseRef(text);
    if (!ref) {
      return {
        error:
          `unknown template variable \${${text}}; use \${workspace}, \${session}, \${exercise} ` + 'or ${services.<name>.url|port|urls}',
      };
    }
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ ref });
    refs.push(ref);
    i = end;
  }
  if (literal) parts.push({ literal });
  return { parts, refs };
}

function parseRef(text: string): TemplateRef | undefined {
  if (VARS.has(text)) return { kind: 'var', name: text as 'workspace' | 'session' | 'exercise', text };
  const m = /^services\.([a-z][a-z0-9_-]*)\.(url|port|urls)$/.exec(text);
  if (m) return { kind: 'service', service: m[1] as string, field: m[2] as 'url' | 'port' | 'urls', text };
  return undefined;
}

export interface TemplateContext {
  workspace: string;
  session: string;
  exercise: string;
  services: ReadonlyMap<string, { url: string; port: number; urls: string[] }>;
}

/** Render a template that has already passed validation; throws on anything unresolvable. */
export function renderTemplate(value: string, ctx: TemplateContext): string {
  const parsed = parseTemplate(value);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.parts
    .map((part) => {
      if ('literal' in part) return part.literal;
      const ref = part.ref;
      if (ref.kind === 'var') return ctx[ref.name];
      const svc = ctx.services.get(ref.service);
      if (!svc) throw new Error(`\${${ref.text}}: service "${ref.service}" is not running yet`);
      return ref.field === 'urls' ? svc.urls.join(',') : String(svc[ref.field]);
    })
    .join('');
}
