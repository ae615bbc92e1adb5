import { useClient } from '../../app-context';
import { useHostQuery } from '../../components/use-host-query';
import { AcontextSection } from './acontext-section';
import { ApiKeysSection } from './api-keys-section';
import { AppInfoSection } from './app-info-section';
import { TasksSection } from './tasks-section';
import { TemplatesSection } from './templates-section';

/** `section`: the part of the page a link pointed at (`#/settings/tasks`, `#/settings/acontext`). */
export function SettingsPage({ section }: { section: string | null }) {
  const client = useClient();
  // One list for the page: a key saved above shows in the Tasks key picker at once.
  const apiKeys = useHostQuery(() => client.call('apiKeys.list', {}), 'apiKeys');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="page-subtitle">
            Saved API keys, task extraction, the Acontext API for your own agents, agent templates and where
            dspatch keeps its data.
          </p>
        </div>
      </header>
      <ApiKeysSection keys={apiKeys} />
      <TasksSection apiKeys={apiKeys} focused={section === 'tasks'} />
      <AcontextSection focused={section === 'acontext'} />
      <TemplatesSection />
      <AppInfoSection />
    </div>
  );
}
