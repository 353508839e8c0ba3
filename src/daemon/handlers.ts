import type { z } from 'zod';
import { Methods, RequestError, type MethodName } from '../core/protocol.js';
import type { Attachment } from '../pty/pty-session.js';
import type { MirrorService } from '../mirror/mirror-service.js';
import type { Daemon } from './daemon.js';
import type { Connection, Handler } from './socket-server.js';

/** Send buffer a subscriber may fall behind by before it is dropped, not waited for. */
const SUBSCRIBER_BACKLOG_LIMIT = 8 << 20;

function parse<M extends MethodName>(method: M, params: unknown): z.output<(typeof Methods)[M]> {
  const parsed = (Methods[method] as unknown as z.ZodType<z.output<(typeof Methods)[M]>>).safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RequestError('bad_request', `${method}: ${issue.path.join('.') || 'params'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The daemon API: each method validates its params with the protocol's schema, then calls the daemon. */
export function daemonHandlers(daemon: Daemon, stop: () => void, mirror?: MirrorService): Record<string, Handler> {
  let nextSub = 1;
  const attachments = new Map<number, Attachment>();
  return {
    hello: (p) => {
      parse('hello', p);
      return daemon.status();
    },
    status: () => daemon.status(),
    stop: () => {
      setImmediate(stop);
      return { stopping: true };
    },
    submit: (p) => daemon.submit(parse('submit', p)),
    wait: (p) => daemon.wait(parse('wait', p).task_id),
    cancel: (p) => {
      const { task_ids, run_id, by, reason } = parse('cancel', p);
      if (task_ids.length === 0 && run_id === null) throw new RequestError('bad_request', 'cancel: name a task or a run');
      return daemon.cancel(task_ids, run_id, by, reason);
    },
    approve: (p) => daemon.approve(parse('approve', p).task_id),
    reject: (p) => {
      const { task_id, reason } = parse('reject', p);
      return daemon.reject(task_id, reason);
    },
    tasks: () => daemon.liveTasks(),
    subscribe_events: (p, conn: Connection) => {
      const { run_id } = parse('subscribe_events', p);
      const sub = nextSub++;
      const off = daemon.onEvent((event) => {
        if (run_id !== null && event.run_id !== run_id) return;
        if (conn.pendingBytes > SUBSCRIBER_BACKLOG_LIMIT) {
          conn.close();
          return;
        }
        conn.send({ type: 'event', sub, data: event });
      });
      conn.onClose(off);
      return { sub };
    },
    unsubscribe: () => ({ ok: true }),

    attach: async (p, conn: Connection) => {
      const { task_id, cols, rows, mode, scrollback } = parse('attach', p);
      const sub = nextSub++;
      const attachment = await daemon.attachScreen(
        task_id,
        { mode, cols, rows, scrollback },
        (data) => conn.send({ type: 'event', sub, data }),
        (reason) => {
          attachments.delete(sub);
          conn.send({ type: 'event', sub, data: { kind: 'dropped', reason } });
        },
      );
      attachments.set(sub, attachment);
      conn.onClose(() => {
        attachments.get(sub)?.detach();
        attachments.delete(sub);
      });
      return { sub, ...attachment.result };
    },
    ack: (p) => {
      const { sub, chars } = parse('ack', p);
      attachments.get(sub)?.ack(chars);
      return null;
    },
    detach: (p) => {
      const { sub } = parse('detach', p);
      attachments.get(sub)?.detach();
      attachments.delete(sub);
      return null;
    },
    input: (p) => {
      const { task_id, data } = parse('input', p);
      daemon.input(task_id, data);
      return null;
    },
    resize: (p) => {
      const { task_id, cols, rows } = parse('resize', p);
      daemon.resize(task_id, cols, rows);
      return null;
    },
    screen: (p) => daemon.screenText(parse('screen', p).task_id),
    mirror: async (p) => {
      const { port, stop: stopMirror } = parse('mirror', p);
      if (!mirror) throw new RequestError('invalid_state', 'this daemon has no mirror');
      if (!stopMirror) return mirror.start(port);
      await mirror.stop();
      return { stopped: true };
    },
  };
}
