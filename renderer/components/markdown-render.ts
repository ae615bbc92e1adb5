// Markdown text → HTML (no React): CommonMark + GFM tables, strikethrough, autolinks and task lists
// with markdown-it, which parses a 2.6 KB reply in about 0.2 ms (remark took 3 ms: too slow for
// opening a long session). Safe by construction: raw HTML is escaped (html: false), links keep
// only http(s)/mailto/#fragment targets (others stay text), images only data:image URLs (others
// become "[image: alt]", so nothing remote is ever loaded). Finished code blocks are highlighted
// by highlight.js (its common languages); every code block gets a language label and Copy button.
// Math (`$x^2$`, `$$…$$`, ```math fences) is typeset by KaTeX through @vscode/markdown-it-katex:
// KaTeX is synchronous and fast enough to run while a reply streams, and its output is HTML plus
// MathML, which screen readers read. `trust: false` keeps \href, \includegraphics and the like out.
import katexPluginModule from '@vscode/markdown-it-katex';
import hljs from 'highlight.js/lib/common';
import katex from 'katex';
import type { KatexOptions } from 'katex';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { COPY_ICON } from './copy-icons';

const SAFE_HREF = /^(https?:|mailto:|#)/i;
const SAFE_IMAGE = /^data:image\//i;
const TASK = /^\[([ xX])\][ \t]/;

export function isSafeHref(href: string): boolean {
  return SAFE_HREF.test(href.trim());
}

export function isSafeImage(src: string): boolean {
  return SAFE_IMAGE.test(src.trim());
}

const escapeHtml = new MarkdownIt().utils.escapeHtml;

/** Links that may not open stay text: their open/close tokens become spans. */
function disarmLinks(children: Token[]): void {
  let depth = 0;
  for (const token of children) {
    if (token.type === 'link_open' && (depth > 0 || !isSafeHref(token.attrGet('href') ?? ''))) {
      depth++;
      token.tag = 'span';
      token.attrs = [['class', 'link-unsafe']];
    } else if (token.type === 'link_close' && depth > 0) {
      depth--;
      token.tag = 'span';
    }
  }
}

/** `- [x] done` items: a disabled checkbox named by the item's text, as GitHub renders them. */
function markTaskItems(tokens: Token[], TokenClass: typeof Token): void {
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i];
    if (
      inline.type !== 'inline' ||
      tokens[i - 1].type !== 'paragraph_open' ||
      tokens[i - 2].type !== 'list_item_open'
    )
      continue;
    const match = TASK.exec(inline.content);
    const first = inline.children?.[0];
    if (!match || first?.type !== 'text') continue;
    first.content = first.content.slice(match[0].length);
    const label = inline.content.slice(match[0].length).trim() || 'Task';
    const box = new TokenClass('html_inline', '', 0);
    box.content = `<input type="checkbox" disabled${match[1] === ' ' ? '' : ' checked'} aria-label="${escapeHtml(label)}"> `;
    inline.children!.unshift(box);
    tokens[i - 2].attrJoin('class', 'task-list-item');
    for (let j = i - 3; j >= 0; j--) {
      if (tokens[j].level === tokens[i - 2].level - 1 && tokens[j].type.endsWith('_list_open')) {
        if (!tokens[j].attrGet('class')) tokens[j].attrJoin('class', 'contains-task-list');
        break;
      }
    }
  }
}

function codeFrame(code: string, language: string, highlight: boolean): string {
  const known = highlight && language !== '' && hljs.getLanguage(language) !== undefined;
  const body = known ? hljs.highlight(code, { language, ignoreIllegals: true }).value : escapeHtml(code);
  const lang = escapeHtml(language || 'text');
  return (
    `<div class="code-frame"><div class="code-head"><span class="code-lang">${lang}</span>` +
    `<button type="button" class="copy-button" data-copy="code" aria-label="Copy code" title="Copy code">${COPY_ICON}</button></div>` +
    `<pre tabindex="0"><code${language ? ` class="language-${lang}"` : ''}>${body}</code></pre></div>\n`
  );
}

// The plugin is CommonJS with `exports.default`: Node's interop hands over the function, Vite's
// production build the exports object.
const markdownItKatex = ((katexPluginModule as unknown as { default?: typeof katexPluginModule }).default ??
  katexPluginModule) as typeof katexPluginModule;

/** KaTeX's limits: a hostile formula cannot blow up the layout or loop through macro expansion. */
const KATEX_OPTIONS: KatexOptions = {
  throwOnError: false,
  trust: false,
  maxSize: 20,
  maxExpand: 200,
  output: 'htmlAndMathml',
  strict: 'ignore',
};

function createRenderer(highlight: boolean): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true });
  md.use(markdownItKatex, KATEX_OPTIONS as Parameters<typeof markdownItKatex>[1]);
  // Let data:image through the parser; link_open and image decide what is shown.
  md.validateLink = (url) => isSafeHref(url) || isSafeImage(url);
  md.core.ruler.push('dspatch_safety', (state) => {
    markTaskItems(state.tokens, state.Token);
    for (const token of state.tokens) if (token.children) disarmLinks(token.children);
  });
  const rules = md.renderer.rules;
  rules.link_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx];
    if (token.tag === 'a') {
      token.attrSet('target', '_blank');
      token.attrSet('rel', 'noopener noreferrer');
    }
    return self.renderToken(tokens, idx, options);
  };
  rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const src = token.attrGet('src') ?? '';
    const alt = self.renderInlineAsText(token.children ?? [], options, env);
    return isSafeImage(src)
      ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}">`
      : `<span class="image-blocked">${escapeHtml(alt ? `[image: ${alt}]` : '[image]')}</span>`;
  };
  rules.fence = (tokens, idx) => {
    const token = tokens[idx];
    if (token.info.trim() === 'math') {
      return `<p class="katex-block">${katex.renderToString(token.content, { ...KATEX_OPTIONS, displayMode: true })}</p>\n`;
    }
    return codeFrame(token.content, token.info.trim().split(/\s+/)[0] ?? '', highlight);
  };
  rules.code_block = (tokens, idx) => codeFrame(tokens[idx].content, '', false);
  rules.table_open = () => '<div class="table-scroll" tabindex="0"><table>\n';
  rules.table_close = () => '</table></div>\n';
  return md;
}

const finishedRenderer = createRenderer(true);
const liveRenderer = createRenderer(false);

/** HTML for markdown; `highlight` colours fenced code (finished text only: it costs more). */
export function markdownToHtml(text: string, highlight: boolean): string {
  return (highlight ? finishedRenderer : liveRenderer).render(text);
}
