// The store: one database, one repository per table group. Only the host holds one.
import { AcontextRepo } from './acontext-repo';
import { ActivityFeedRepo } from './activity-feed-repo';
import { ApprovalRepo } from './approval-repo';
import { BudgetRepo } from './budget-repo';
import { ConsentRepo } from './consent-repo';
import { openDatabase, type Db } from './database';
import { InquiryRepo } from './inquiry-repo';
import { LogRepo } from './log-repo';
import { PriceRepo } from './price-repo';
import { ProviderRepo } from './provider-repo';
import { SearchRepo } from './search-repo';
import { SecretRepo } from './secret-repo';
import { TalkRepo } from './talk-repo';
import { SessionRepo } from './session-repo';
import { TaskRepo } from './task-repo';
import { TemplateRepo } from './template-repo';
import { ToolCallRepo } from './tool-call-repo';
import { UsageRepo } from './usage-repo';
import { WorkspaceRepo } from './workspace-repo';

export class Store {
  readonly workspaces: WorkspaceRepo;
  readonly secrets: SecretRepo;
  readonly templates: TemplateRepo;
  readonly sessions: SessionRepo;
  readonly logs: LogRepo;
  readonly activityFeed: ActivityFeedRepo;
  readonly usage: UsageRepo;
  readonly prices: PriceRepo;
  readonly budgets: BudgetRepo;
  readonly providers: ProviderRepo;
  readonly inquiries: InquiryRepo;
  readonly approvals: ApprovalRepo;
  readonly consents: ConsentRepo;
  readonly tasks: TaskRepo;
  readonly toolCalls: ToolCallRepo;
  readonly acontext: AcontextRepo;
  readonly search: SearchRepo;
  readonly talks: TalkRepo;

  constructor(readonly db: Db) {
    this.workspaces = new WorkspaceRepo(db);
    this.secrets = new SecretRepo(db);
    this.templates = new TemplateRepo(db);
    this.sessions = new SessionRepo(db);
    this.logs = new LogRepo(db);
    this.activityFeed = new ActivityFeedRepo(db);
    this.prices = new PriceRepo(db);
    this.usage = new UsageRepo(db, () => this.prices.book());
    this.budgets = new BudgetRepo(db);
    this.providers = new ProviderRepo(db);
    this.inquiries = new InquiryRepo(db);
    this.approvals = new ApprovalRepo(db);
    this.consents = new ConsentRepo(db);
    this.tasks = new TaskRepo(db);
    this.toolCalls = new ToolCallRepo(db);
    this.acontext = new AcontextRepo(db);
    this.search = new SearchRepo(db);
    this.talks = new TalkRepo(db);
  }

  static open(dataDir: string): Store {
    return new Store(openDatabase(dataDir));
  }

  #transaction?: (work: () => unknown) => unknown;

  /** Runs `work` in one transaction: all of it is written, or none. */
  transaction<T>(work: () => T): T {
    // One wrapper for every call: db.transaction() builds four new functions each time (a hot path).
    this.#transaction ??= this.db.transaction((run: () => unknown) => run());
    return this.#transaction(work) as T;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
