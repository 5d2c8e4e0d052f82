/**
 * Which `Host` a Faultline listener answers (DNS rebinding): a page on another site that the
 * interviewer or candidate visits could resolve its own name to 127.0.0.1 and read our answers.
 * Every listener that serves a browser (the portal, the fault proxy's listeners, the services)
 * answers only loopback names — `127.0.0.1`, `localhost`, `*.localhost` (RFC 6761: an ingress
 * routes `foo.localhost`), `[::1]` — at any port, or a name the caller adds. Any port, because
 * Live Share's `shareServer` and SSH-style forwards tunnel a port of the guest's own localhost,
 * which may differ from ours: the guest's browser sends `localhost:<their port>`.
 */

/** Host name of a Host header or Origin, lower-cased, without the port; null if malformed. */
export function hostName(value: string | undefined): string | null {
  if (!value) return null;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m || Number(m[2] ?? 0) > 65535) return null;
  return m[1]?.toLowerCase() ?? null;
}

/** The host name of an http(s) Origin, or null. */
export function originHost(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? hostName(url.host) : null;
  } catch {
    return null;
  }
}

export function isLoopbackName(name: string): boolean {
  return name === '127.0.0.1' || name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || name === '::1';
}

/** Whether a Host header (or an Origin's host) names us: loopback, or one of `extra`. */
export function hostAccepted(header: string | undefined, extra: ReadonlySet<string> = new Set()): boolean {
  const name = hostName(header);
  return name !== null && (isLoopbackName(name) || extra.has(name));
}
