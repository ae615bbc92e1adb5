// The store: one database, one repository per table group. Only the host holds one.
import { AcontextRepo } from './acontext-repo';
import { ConsentRepo } from './consent-repo';
import { openDatabase, type Db } from './database';
import { InquiryRepo } from './inquiry-repo';
import { LogRepo } from './log-repo';
import { PriceRepo } from './price-repo';
import { SecretRepo } from './secret-repo';
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
  readonly usage: UsageRepo;
  readonly prices: PriceRepo;
  readonly inquiries: InquiryRepo;
  readonly consents: ConsentRepo;
  readonly tasks: TaskRepo;
  readonly toolCalls: ToolCallRepo;
  readonly acontext: AcontextRepo;

  constructor(readonly db: Db) {
    this.workspaces = new WorkspaceRepo(db);
    this.secrets = new SecretRepo(db);
    this.templates = new TemplateRepo(db);
    this.sessions = new SessionRepo(db);
    this.logs = new LogRepo(db);
    this.prices = new PriceRepo(db);
    this.usage = new UsageRepo(db, () => this.prices.book());
    this.inquiries = new InquiryRepo(db);
    this.consents = new ConsentRepo(db);
    this.tasks = new TaskRepo(db);
    this.toolCalls = new ToolCallRepo(db);
    this.acontext = new AcontextRepo(db);
  }

  static open(dataDir: string): Store {
    return new Store(openDatabase(dataDir));
  }

  /** Runs `work` in one transaction: all of it is written, or none. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
