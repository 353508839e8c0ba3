import { describe, expect, test } from 'vitest';
import { newTracker, portOf, trackEvent } from '../../src/opencode/agent-state.js';

const status = (sessionID: string, type: string) => ({ type: 'session.status', properties: { sessionID, status: { type } } });

describe('agent state from OpenCode events', () => {
  test('busy while a session works (retries included), idle when every session is', () => {
    const t = newTracker();
    expect(trackEvent(t, status('s1', 'busy'))).toBe('busy');
    expect(trackEvent(t, status('s1', 'retry'))).toBe('busy');
    expect(trackEvent(t, status('s2', 'busy'))).toBe('busy');
    expect(trackEvent(t, status('s1', 'idle'))).toBe('busy');
    expect(trackEvent(t, { type: 'session.idle', properties: { sessionID: 's2' } })).toBe('idle');
  });

  test('waiting while a permission or a question is pending, whatever the sessions say', () => {
    const t = newTracker();
    trackEvent(t, status('s1', 'busy'));
    expect(trackEvent(t, { type: 'permission.asked', properties: { id: 'per_1', sessionID: 's1' } })).toBe('waiting');
    expect(trackEvent(t, { type: 'question.asked', properties: { id: 'que_1', sessionID: 's1' } })).toBe('waiting');
    expect(trackEvent(t, { type: 'permission.replied', properties: { requestID: 'per_1', sessionID: 's1' } })).toBe('waiting');
    expect(trackEvent(t, { type: 'question.replied', properties: { requestID: 'que_1', sessionID: 's1' } })).toBe('busy');
  });

  test('other events and junk change nothing', () => {
    const t = newTracker();
    trackEvent(t, status('s1', 'busy'));
    for (const e of [null, 'text', { type: 'message.part.delta', properties: {} }, { properties: {} }]) expect(trackEvent(t, e)).toBe('busy');
  });

  test('portOf reads --port N and --port=N', () => {
    expect(portOf(['opencode', '--port', '4096'])).toBe(4096);
    expect(portOf(['opencode', '--port=4097'])).toBe(4097);
    expect(portOf(['opencode', '--port', 'x'])).toBeNull();
    expect(portOf(['opencode'])).toBeNull();
  });
});
