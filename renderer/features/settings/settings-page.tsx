import { useClient } from '../../app-context';
import { useHostQuery } from '../../components/use-host-query';
import { AcontextSection } from './acontext-section';
import { AppearanceSection } from './appearance-section';
import { ApiKeysSection } from './api-keys-section';
import { AppInfoSection } from './app-info-section';
import { ApprovalsSection } from './approvals-section';
import { InquiriesSection } from './inquiries-section';
import { BudgetsSection } from './budgets-section';
import { PricesSection } from './prices-section';
import { ProvidersSection } from './providers-section';
import { TasksSection } from './tasks-section';
import { TemplatesSection } from './templates-section';

/**
 * `section`: the part of the page a link pointed at (`#/settings/tasks`, `#/settings/acontext`);
 * `model`: the model a link asked to price (`#/settings/prices?model=…`).
 */
export function SettingsPage({ section, model }: { section: string | null; model: string | null }) {
  const client = useClient();
  // One list for the page: a key saved above shows in the Tasks key picker at once.
  const apiKeys = useHostQuery(() => client.call('apiKeys.list', {}), 'apiKeys');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="page-subtitle">
            Saved API keys, model providers, task extraction, the Acontext API for your own agents, model prices, monthly budgets, tools approved without asking, agent templates, theme and
            notifications, and where dspatch keeps its data.
          </p>
        </div>
      </header>
      <ApiKeysSection keys={apiKeys} />
      <ProvidersSection apiKeys={apiKeys} focused={section === 'providers'} />
      <TasksSection apiKeys={apiKeys} focused={section === 'tasks'} />
      <AcontextSection focused={section === 'acontext'} />
      <PricesSection focused={section === 'prices'} prefillModel={model} />
      <BudgetsSection focused={section === 'budgets'} />
      <ApprovalsSection focused={section === 'approvals'} />
      <InquiriesSection focused={section === 'inquiries'} />
      <TemplatesSection />
      <AppearanceSection />
      <AppInfoSection />
    </div>
  );
}
