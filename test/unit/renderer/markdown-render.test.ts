import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../../renderer/components/markdown-render';

describe('markdownToHtml', () => {
  it('renders GFM tables, strikethrough and autolinks', () => {
    const html = markdownToHtml('| a | b |\n| --- | --- |\n| 1 | ~~2~~ |\n\nsee https://example.com', true);
    expect(html).toContain('<div class="table-scroll" tabindex="0"><table>');
    expect(html).toContain('<th>a</th>');
    expect(html).toContain('<s>2</s>');
    expect(html).toContain(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer">https://example.com</a>',
    );
  });

  it('renders task items as disabled checkboxes named by their text', () => {
    const html = markdownToHtml('- [x] done it\n- [ ] to do\n- plain', true);
    expect(html).toContain('<ul class="contains-task-list">');
    expect(html).toContain(
      '<li class="task-list-item"><input type="checkbox" disabled checked aria-label="done it"> done it</li>',
    );
    expect(html).toContain('<input type="checkbox" disabled aria-label="to do"> to do');
    expect(html).toContain('<li>plain</li>');
  });

  it('labels code blocks and highlights only finished ones', () => {
    const text = '```ts\nconst a = 1;\n```';
    const finished = markdownToHtml(text, true);
    expect(finished).toContain('<span class="code-lang">ts</span>');
    expect(finished).toContain('aria-label="Copy code"');
    expect(finished).toContain('<span class="hljs-keyword">const</span>');
    const live = markdownToHtml(text, false);
    expect(live).toContain('<span class="code-lang">ts</span>');
    expect(live).not.toContain('hljs-');
    expect(markdownToHtml('```nosuchlanguage\nx < y\n```', true)).toContain('x &lt; y');
  });

  it('keeps unsafe links as text and loads no remote image', () => {
    const html = markdownToHtml(
      '[click me](javascript:alert(1)) [x](vbscript:y) ![dot](data:image/png;base64,AAAA) ![t](https://example.com/t.png) [img](data:image/png;base64,AAAA)',
      true,
    );
    expect(html).not.toMatch(/href="(javascript|vbscript|data)/);
    expect(html).toContain('<img src="data:image/png;base64,AAAA" alt="dot">');
    expect(html).toContain('<span class="image-blocked">[image: t]</span>');
    expect(html).not.toContain('example.com/t.png"');
    expect(html).toContain('<span class="link-unsafe">img</span>');
  });

  it('shows raw HTML as text', () => {
    expect(markdownToHtml('<img src=x onerror=alert(1)> <b>bold</b>', true)).toBe(
      '<p>&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;bold&lt;/b&gt;</p>\n',
    );
  });
});

describe('markdownToHtml: math', () => {
  it('typesets inline, display and fenced math as HTML with MathML for screen readers', () => {
    const inline = markdownToHtml('Energy is $E = mc^2$.', false);
    expect(inline).toContain('<span class="katex">');
    expect(inline).toContain('<math');
    expect(inline).toContain('<annotation encoding="application/x-tex">E = mc^2</annotation>');
    expect(markdownToHtml('$$\n\\sum_{i=1}^n i\n$$', true)).toContain('<p class="katex-block">');
    expect(markdownToHtml('```math\n\\frac{a}{b}\n```', true)).toContain('<p class="katex-block">');
  });

  it('leaves prices as text: "$5 and $10" is not a formula', () => {
    const html = markdownToHtml('It costs $5 and $10 later.', true);
    expect(html).not.toContain('katex');
    expect(html).toContain('It costs $5 and $10 later.');
  });

  it('gives a hostile formula no link, no raw HTML and no exception', () => {
    const link = markdownToHtml('$\\href{javascript:alert(1)}{x}$', true);
    // The source stays readable as the MathML annotation (text); nothing becomes a link.
    expect(link).not.toContain('href=');
    expect(link).not.toContain('<a ');
    const html = markdownToHtml('$\\text{<img src=x onerror=alert(1)>}$', true);
    expect(html).not.toContain('<img');
    expect(() => markdownToHtml('$\\frac{1}{$ and $$\\def\\x{\\x\\x}\\x$$', true)).not.toThrow();
  });
});
