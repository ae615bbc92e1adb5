// The extractor's working copy of one session's tasks during a pass. Each tool the model calls is
// applied here, checked against the rules first: a call that breaks one (no such task, an empty
// range, progress on a finished task) changes nothing and answers the model with what was wrong, so
// it can correct itself. Nothing reaches the database until the pass commits the draft whole.
import { newId } from '../../../agents/protocol';
import type { TaskStatus, TaskSummary } from '../../api/types';
import type { PassOutcome } from '../../store/task-repo';

export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'running', 'success', 'failed'];

interface DraftTask {
  id: string;
  description: string;
  status: TaskStatus;
  progresses: string[];
}

/** A rule the model's call broke; its message goes back to the model as the tool's result. */
export class RuleError extends Error {}

export class TaskDraft {
  readonly #tasks: DraftTask[];
  readonly #preferences: { taskId: string | null; text: string }[] = [];
  readonly #knownPreferences: Set<string>;
  readonly #links = new Map<string, string>();
  /** The task this pass touched last: a preference submitted now belongs to it. */
  #current: string | null = null;
  finished = false;

  constructor(
    private readonly sessionId: string,
    tasks: TaskSummary[],
    knownPreferences: string[],
    /** The batch's message ids; the model refers to them by index. */
    private readonly messageIds: string[],
  ) {
    this.#tasks = tasks.map((task) => ({ id: task.id, description: task.description, status: task.status, progresses: [...task.progresses] }));
    this.#knownPreferences = new Set(knownPreferences.map(normalise));
    this.#current = [...this.#tasks].reverse().find((task) => task.status === 'running')?.id ?? null;
  }

  get taskCount(): number {
    return this.#tasks.length;
  }

  insertTask(afterOrder: number, description: string): string {
    if (!Number.isInteger(afterOrder) || afterOrder < 0 || afterOrder > this.#tasks.length) {
      throw new RuleError(`after_task_order must be from 0 to ${this.#tasks.length} (0 puts the task first).`);
    }
    const text = requireText(description, 'task_description');
    const task: DraftTask = { id: newId(), description: text, status: 'pending', progresses: [] };
    this.#tasks.splice(afterOrder, 0, task);
    this.#current = task.id;
    return `Inserted task ${afterOrder + 1}: ${text}`;
  }

  updateTask(order: number, status: TaskStatus | undefined, description: string | undefined): string {
    const task = this.#task(order);
    if (status === undefined && description === undefined) throw new RuleError('Give task_status, task_description or both.');
    if (description !== undefined) task.description = requireText(description, 'task_description');
    if (status !== undefined) task.status = status;
    this.#current = task.id;
    return `Task ${order} is now ${task.status}: ${task.description}`;
  }

  appendMessages(order: number, range: [number, number]): string {
    const task = this.#task(order);
    this.#requireOpen(task, order, 'link messages to');
    const [start, end] = range;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start > end) {
      throw new RuleError('message_id_range must be [start, end] with start <= end.');
    }
    if (start < 0 || end >= this.messageIds.length) {
      throw new RuleError(`message ids in this batch go from 0 to ${this.messageIds.length - 1}.`);
    }
    for (let index = start; index <= end; index++) this.#links.set(this.messageIds[index], task.id);
    if (task.status === 'pending') task.status = 'running';
    this.#current = task.id;
    return `Linked messages ${start}–${end} to task ${order}.`;
  }

  appendProgress(order: number, progress: string): string {
    const task = this.#task(order);
    this.#requireOpen(task, order, 'add progress to');
    task.progresses.push(requireText(progress, 'progress'));
    this.#current = task.id;
    return `Recorded progress on task ${order}.`;
  }

  submitPreference(preference: string): string {
    const text = requireText(preference, 'preference');
    if (this.#knownPreferences.has(normalise(text))) return 'That preference is already known; nothing to add.';
    this.#knownPreferences.add(normalise(text));
    this.#preferences.push({ taskId: this.#current, text });
    return 'Recorded the preference.';
  }

  outcome(): PassOutcome {
    return {
      sessionId: this.sessionId,
      tasks: this.#tasks.map((task) => ({ ...task, progresses: [...task.progresses] })),
      preferences: [...this.#preferences],
      links: new Map(this.#links),
      messageIds: [...this.messageIds],
    };
  }

  #task(order: number): DraftTask {
    const task = Number.isInteger(order) ? this.#tasks[order - 1] : undefined;
    if (!task) {
      throw new RuleError(this.#tasks.length === 0 ? `There is no task ${order}: there are no tasks yet; insert one first.` : `There is no task ${order}: tasks go from 1 to ${this.#tasks.length}.`);
    }
    return task;
  }

  #requireOpen(task: DraftTask, order: number, action: string): void {
    if (task.status === 'success' || task.status === 'failed') {
      throw new RuleError(`Task ${order} is ${task.status}: set it to running with update_task before you ${action} it.`);
    }
  }
}

function requireText(value: string, name: string): string {
  const text = value.trim();
  if (!text) throw new RuleError(`${name} must not be empty.`);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}
