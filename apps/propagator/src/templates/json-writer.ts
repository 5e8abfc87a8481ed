import { compileText, JsonText, RenderContext } from './placeholders';

/**
 * Compiles a JSON value whose strings may hold placeholders into its JSON text. Parts
 * without placeholders are serialised once here, so rendering an event costs a few
 * concatenations instead of building and stringifying an object tree: at 50,000 events/s
 * that decides whether the generator or Kafka is the bottleneck.
 */
export function compileJson(value: unknown, where: string, problems: string[]): JsonText {
  if (typeof value === 'string') return compileText(value, where, problems);
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileJson(item, `${where}[${i}]`, problems));
    return join('[', items, ']');
  }
  if (value !== null && typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(([key, item]) =>
      prefixed(`${JSON.stringify(key)}:`, compileJson(item, `${where}.${key}`, problems)),
    );
    return join('{', items, '}');
  }
  return JSON.stringify(value);
}

/** Renders compiled JSON text for one event. */
export function renderJson(text: JsonText, context: RenderContext): string {
  return typeof text === 'string' ? text : text(context);
}

function prefixed(prefix: string, text: JsonText): JsonText {
  return typeof text === 'string' ? prefix + text : (context) => prefix + text(context);
}

function join(open: string, items: JsonText[], close: string): JsonText {
  if (items.every((item) => typeof item === 'string')) return open + items.join(',') + close;
  return (context) => open + items.map((item) => renderJson(item, context)).join(',') + close;
}
