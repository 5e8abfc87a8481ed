/** A link target written in a Markdown file, with the line it is on (1-based). */
export interface MarkdownLink {
  target: string;
  line: number;
}

const FENCE = /^\s{0,3}(```|~~~)/;
// A target is either <in angle brackets, spaces allowed> or runs to the first space or ")".
const INLINE_LINK = /\]\(\s*(?:<([^>]*)>|([^)\s]+))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/;
const CODE_SPAN = /(`+)[^`]*?\1/g;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

/**
 * Every link and image target of a Markdown text, inline or as a reference definition, outside
 * fenced code blocks and code spans (where brackets are just text).
 */
export function linksIn(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  outsideCodeBlocks(markdown, (text, line) => {
    const prose = text.replace(CODE_SPAN, '');
    const definition = REFERENCE_DEFINITION.exec(prose);
    if (definition) links.push({ target: definition[1], line });
    for (const match of prose.matchAll(INLINE_LINK))
      links.push({ target: match[1] ?? match[2], line });
  });
  return links;
}

/** True for a target inside the repository: no scheme (http:, mailto:...) and not protocol-relative. */
export function isRelativeTarget(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//');
}

/** The anchors GitHub gives the headings of a Markdown text (`#anchor` targets). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  outsideCodeBlocks(markdown, (text) => {
    const heading = HEADING.exec(text);
    if (!heading) return;
    const slug = githubSlug(heading[1]);
    // A repeated heading gets -1, -2... in order of appearance.
    const repeats = seen.get(slug) ?? 0;
    seen.set(slug, repeats + 1);
    anchors.add(repeats ? `${slug}-${repeats}` : slug);
  });
  return anchors;
}

/**
 * GitHub's anchor for a heading: its text as rendered (no code, emphasis or link syntax),
 * lower-cased, punctuation but hyphens and underscores dropped, spaces as hyphens.
 */
export function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function outsideCodeBlocks(markdown: string, visit: (text: string, line: number) => void): void {
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const opener = FENCE.exec(text)?.[1];
    if (fence) {
      if (opener === fence) fence = undefined;
      return;
    }
    if (opener) {
      fence = opener;
      return;
    }
    visit(text, index + 1);
  });
}
