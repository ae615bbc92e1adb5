// A workspace config edited two ways, Visual and YAML, over one YAML text that the parent owns:
// the wizard's Agents step and the workspace page's Edit mode. The Visual tab's draft follows the
// text (it is read again whenever the text changes from outside), and a visual edit is written over
// the text so that comments and keys the Visual tab does not know stay where they were.
import { useRef, useState } from 'react';
import type { TemplateSummary } from '../../../electron/api/types';
import { ErrorBanner } from '../../components/error-banner';
import { YamlEditor } from '../../components/yaml-editor';
import type { YamlEditorHandle } from '../../components/yaml-editor';
import { DraftParseError, draftToYaml, yamlToDraft } from './draft-model';
import type { DraftWorkspace } from './draft-model';
import { useProviders } from './use-providers';
import type { ValidationState } from './use-validation';
import { ValidationList } from './validation-list';
import { VisualEditor } from './visual-editor';

export type ConfigTab = 'visual' | 'yaml';

interface ConfigEditorProps {
  yaml: string;
  onChange: (yaml: string) => void;
  tab: ConfigTab;
  onTab: (tab: ConfigTab) => void;
  check: ValidationState;
  templates: TemplateSummary[] | null;
  templatesError?: string | null;
  yamlLabel: string;
  yamlTestId: string;
  rows?: number;
}

interface Synced {
  /** The text `draft` was read from or written to. */
  yaml: string;
  draft: DraftWorkspace | null;
  /** Why `yaml` cannot be shown visually; `draft` then is the last text that could. */
  error: string | null;
}

function read(yaml: string, previous: DraftWorkspace | null): Synced {
  try {
    return { yaml, draft: yamlToDraft(yaml), error: null };
  } catch (error) {
    const line = error instanceof DraftParseError && error.line ? ` (line ${error.line})` : '';
    return { yaml, draft: previous, error: `${error instanceof Error ? error.message : String(error)}${line}` };
  }
}

export function ConfigEditor(props: ConfigEditorProps) {
  const { yaml, onChange, tab, onTab, check } = props;
  const catalog = useProviders();
  const editor = useRef<YamlEditorHandle>(null);
  const [synced, setSynced] = useState<Synced>(() => read(yaml, null));
  const [tabError, setTabError] = useState<string | null>(null);
  // The text changed from outside (the YAML tab, the wizard's name field): read it again.
  let current = synced;
  if (yaml !== synced.yaml) {
    current = read(yaml, synced.draft);
    setSynced(current);
  }
  const showVisual = tab === 'visual' && current.draft !== null && current.error === null;

  function updateDraft(next: DraftWorkspace) {
    const text = draftToYaml(next, yaml);
    setSynced({ yaml: text, draft: next, error: null });
    onChange(text);
  }

  function switchTab(next: ConfigTab) {
    if (next === tab && (next === 'yaml' || showVisual)) return;
    if (next === 'visual' && current.error !== null) {
      setTabError(`Fix the YAML before switching to Visual: ${current.error}`);
      onTab('yaml');
      return;
    }
    setTabError(null);
    onTab(next);
  }

  return (
    <div className="config-editor">
      <div className="tabs" role="tablist" aria-label="Edit the config">
        <button
          type="button"
          role="tab"
          aria-selected={showVisual}
          className={`tab${showVisual ? ' active' : ''}`}
          onClick={() => switchTab('visual')}
          data-testid="tab-visual"
        >
          Visual
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={!showVisual}
          className={`tab${!showVisual ? ' active' : ''}`}
          onClick={() => switchTab('yaml')}
          data-testid="tab-yaml"
        >
          YAML
        </button>
      </div>
      {tabError ? <ErrorBanner message={tabError} onDismiss={() => setTabError(null)} /> : null}
      {!tabError && tab === 'visual' && !showVisual && current.error ? (
        <ErrorBanner message={`The YAML cannot be shown visually until it is fixed: ${current.error}`} />
      ) : null}
      {props.templatesError ? (
        <ErrorBanner message={`Templates could not be loaded: ${props.templatesError}`} />
      ) : null}
      {showVisual && current.draft ? (
        <VisualEditor draft={current.draft} templates={props.templates} catalog={catalog} onChange={updateDraft} />
      ) : (
        <YamlEditor
          ref={editor}
          value={yaml}
          onChange={onChange}
          label={props.yamlLabel}
          testId={props.yamlTestId}
          rows={props.rows ?? 20}
        />
      )}
      <ValidationList
        validation={check.validation}
        pending={check.pending}
        error={check.error}
        onLine={(line) => {
          if (showVisual) onTab('yaml');
          requestAnimationFrame(() => editor.current?.goToLine(line));
        }}
      />
    </div>
  );
}
