// Agent processes for browser mode and the CLI: `child_process.fork` with an IPC channel, piped
// stdout/stderr and exactly the env the host computed.
import { fork } from 'node:child_process';
import { FORKED_AGENT_EXEC_ARGV, type AgentChild, type SpawnOptions, type Spawner } from '../host/ports';

export class ForkSpawner implements Spawner {
  spawn(options: SpawnOptions): AgentChild {
    const child = fork(options.modulePath, [], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Node flags of the host (e.g. --inspect) must not leak into agents; only the agents' own.
      execArgv: [...FORKED_AGENT_EXEC_ARGV],
    });
    let exited = false;
    const exitListeners: ((exit: { code: number | null; signal: string | null; error?: string }) => void)[] = [];
    const finish = (exit: { code: number | null; signal: string | null; error?: string }) => {
      if (exited) return;
      exited = true;
      for (const listener of exitListeners) listener(exit);
    };
    child.on('exit', (code, signal) => finish({ code, signal }));
    child.on('error', (error) => {
      // 'error' without a process: it never started. With one, 'exit' follows and tells more.
      if (child.pid === undefined) finish({ code: null, signal: null, error: `could not start: ${error.message}` });
    });
    return {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      send(message) {
        if (child.connected) child.send(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        exitListeners.push(listener);
      },
      kill() {
        if (!exited) child.kill('SIGKILL');
      },
    };
  }
}
