import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Ports for OpenCode's API come from below Linux's ephemeral range (32768+), so an
 * outgoing connection never holds the one chosen; ports already listening are skipped.
 * A collision with a server that binds between the choice and OpenCode's start stays
 * possible, and costs only the agent state of that one task.
 */
const AGENT_PORT_MIN = 20_000;
const AGENT_PORT_MAX = 30_000;
const TRIES = 50;

export function pickAgentPort(): number {
  const listening = listeningPorts();
  for (let i = 0; i < TRIES; i++) {
    const port = randomInt(AGENT_PORT_MIN, AGENT_PORT_MAX);
    if (!listening.has(port)) return port;
  }
  return randomInt(AGENT_PORT_MIN, AGENT_PORT_MAX);
}

/** Local ports in LISTEN state (st 0A), from /proc/net/tcp and tcp6. */
function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && cols[1]) ports.add(parseInt(cols[1].split(':').pop()!, 16));
    }
  }
  return ports;
}
