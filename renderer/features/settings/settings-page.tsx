import { ApiKeysSection } from './api-keys-section';
import { AppInfoSection } from './app-info-section';
import { TemplatesSection } from './templates-section';

export function SettingsPage() {
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="page-subtitle">Saved API keys, agent templates and where dspatch keeps its data.</p>
        </div>
      </header>
      <ApiKeysSection />
      <TemplatesSection />
      <AppInfoSection />
    </div>
  );
}
