import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@app/config';
import {
  decodeEventMessage,
  DEFAULT_EVENT_LIMITS,
  randomEventIds,
  SEVERITIES,
} from '@app/contracts';
import { defaultEventsFile } from './default-events-file';
import { compileTemplates, loadTemplates } from './template-file';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'templates-')), 'events.json');
  writeFileSync(path, text);
  return path;
}

function problemsOf(templates: unknown): string[] {
  return compileTemplates(templates).problems;
}

function loadError(text: string): ConfigError {
  try {
    loadTemplates(file(text));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const good = { type: 'login.failure', severity: 'medium' };

describe('the shipped sample templates', () => {
  const templates = loadTemplates(defaultEventsFile());

  it('load without a problem and cover the realistic kinds of event', () => {
    expect(templates.length).toBeGreaterThanOrEqual(10);
    expect(templates.map((t) => t.type)).toEqual(
      expect.arrayContaining([
        'payment.exception',
        'login.failure',
        'user-service.exception',
        'order.created',
        'http.5xx',
        'db.slow_query',
        'cache.miss',
      ]),
    );
  });

  it('render events that the consumer decodes, with every field set', () => {
    for (const template of templates) {
      for (let i = 0; i < 20; i++) {
        const value = template.render('client-7', new Date().toISOString(), Math.random);
        const result = decodeEventMessage(
          {
            topic: 'events',
            partition: 0,
            offset: String(i),
            key: Buffer.from('client-7'),
            value: Buffer.from(value),
            timestamp: String(Date.now()),
          },
          DEFAULT_EVENT_LIMITS,
          randomEventIds,
        );
        if (!result.ok) throw new Error(`${template.type}: ${result.reasons.join('; ')}`);
        expect(result.legacy).toBe(false);
        expect(result.event).toMatchObject({
          type: template.type,
          source: 'client-7',
          severity: template.severity,
        });
        const parsed = JSON.parse(value) as Record<string, unknown>;
        expect(parsed.id).toBe(result.event.id);
        expect(Math.abs(result.event.occurredAt.getTime() - Date.now())).toBeLessThan(5000);
      }
    }
  });

  it('gives metric templates a value within their range', () => {
    const slowQuery = templates.find((t) => t.type === 'db.slow_query')!;
    for (let i = 0; i < 100; i++) {
      const { value } = JSON.parse(slowQuery.render('s', new Date().toISOString(), Math.random));
      expect(value).toBeGreaterThanOrEqual(500);
      expect(value).toBeLessThanOrEqual(15000);
      expect(Number.isInteger(value)).toBe(true);
    }
  });
});

describe('loadTemplates: the file', () => {
  it('names the file when it cannot be read', () => {
    expect(() => loadTemplates('/nonexistent/events.json')).toThrow(
      /events file \/nonexistent\/events\.json: cannot be read: ENOENT/,
    );
  });

  it('reports invalid JSON with the parser message', () => {
    expect(loadError('[{"type": "a",').problems[0]).toMatch(
      /events file .*events\.json: is not valid JSON: /,
    );
  });

  it('requires a non-empty array', () => {
    expect(loadError('{"type":"a"}').problems).toEqual([
      expect.stringMatching(/: must hold a JSON array of templates, got an object$/),
    ]);
    expect(loadError('[]').problems).toEqual([
      expect.stringMatching(/: holds an empty array; it needs at least one template$/),
    ]);
  });

  it('is a ConfigError, so runService prints one clear message and exits 1', () => {
    const error = loadError('[{"type":"a b","severity":"high"}]');
    expect(error.message).toMatch(/^Invalid PropagatorConfig configuration:\n {2}- events file /);
  });
});

describe('the original propagator events file', () => {
  it('loads a plain list of {event_type, event_payload}, with the default severity', () => {
    const templates = loadTemplates(
      file(
        JSON.stringify([
          { event_type: 'login.failed', event_payload: 'user 42 from 203.0.113.7' },
          { event_type: 'disk.full', event_payload: '/var at 99%' },
        ]),
      ),
    );
    expect(templates.map((t) => [t.type, t.severity, t.weight])).toEqual([
      ['login.failed', 'low', 1],
      ['disk.full', 'low', 1],
    ]);
    const event = JSON.parse(
      templates[0].render('client-1', new Date().toISOString(), Math.random),
    );
    expect(event).toMatchObject({ type: 'login.failed', payload: 'user 42 from 203.0.113.7' });
  });

  it('names a bad legacy entry by its own fields', () => {
    expect(problemsOf([{ event_type: 'bad type!', event_payload: 'x', severity: 'high' }])).toEqual(
      [
        'templates[0] has unknown field "severity" (allowed: event_type, event_payload)',
        expect.stringMatching(/^templates\[0\]\.event_type may contain only/),
      ],
    );
  });
});

describe('compileTemplates: each template, by index and field', () => {
  it('accepts a minimal template and defaults the weight to 1', () => {
    const { templates, problems } = compileTemplates([good]);
    expect(problems).toEqual([]);
    expect(templates[0]).toMatchObject({ type: 'login.failure', severity: 'medium', weight: 1 });
  });

  it.each([
    [[good, 'x'], 'templates[1] must be an object, got the string "x"'],
    [[good, null], 'templates[1] must be an object, got null'],
    [[{ severity: 'low' }], 'templates[0].type is required'],
    [[{ type: 7, severity: 'low' }], 'templates[0].type must be a string, got number 7'],
    [
      [good, { type: 'login failure', severity: 'low' }],
      'templates[1].type may contain only letters, digits and . _ : / - (starting with a letter or digit), got "login failure"',
    ],
    [
      [{ type: 'a'.repeat(129), severity: 'low' }],
      'templates[0].type must be 1 to 128 characters long, got 129',
    ],
    [[{ type: 'a' }], `templates[0].severity is required (one of ${SEVERITIES.join(', ')})`],
    [
      [{ ...good, severity: 'urgent' }],
      'templates[0].severity must be one of low, medium, high, critical, got the string "urgent"',
    ],
    [[{ ...good, weight: 0 }], 'templates[0].weight must be a number greater than 0, got number 0'],
    [
      [{ ...good, weight: '2' }],
      'templates[0].weight must be a number greater than 0, got the string "2"',
    ],
    [
      [{ ...good, value: { min: 10, max: 1 } }],
      'templates[0].value.min (10) must not be greater than templates[0].value.max (1)',
    ],
    [[{ ...good, value: { min: 1 } }], 'templates[0].value.max must be a number, got nothing'],
    [
      [{ ...good, value: 5 }],
      'templates[0].value must be an object {"min": number, "max": number}, got number 5',
    ],
    [
      [{ ...good, value: { min: 0, max: 1, decimals: 9 } }],
      'templates[0].value.decimals must be an integer from 0 to 6, got number 9',
    ],
    [
      [{ ...good, value: { min: 0, max: 1, step: 1 } }],
      'templates[0].value has unknown field "step" (allowed: min, max, decimals)',
    ],
    [
      [{ ...good, payload: [1, 2] }],
      'templates[0].payload must be a JSON object or a string, got an array',
    ],
    [
      [{ ...good, payload: { user: '{{int:9:1}}' } }],
      'templates[0].payload.user: placeholder {{int:9:1}} has MIN 9 greater than MAX 1',
    ],
    [
      [{ ...good, severty: 'low' }],
      'templates[0] has unknown field "severty" (allowed: type, severity, weight, value, payload, description)',
    ],
  ])('%j', (templates, problem) => {
    expect(problemsOf(templates)).toEqual([problem]);
  });

  it('refuses a template whose events the consumer would dead-letter', () => {
    const problems = problemsOf([{ ...good, payload: { big: 'x'.repeat(70 * 1024) } }]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^templates\[0\] renders an event the consumer would reject: "payload" is \d+ bytes as JSON, over the limit of 65536 bytes$/,
      ),
    ]);
  });

  it('reports every problem of every template at once', () => {
    expect(
      problemsOf([
        { type: 'ok', severity: 'low' },
        { type: '', severity: 'loud', weight: -1 },
      ]),
    ).toEqual([
      'templates[1].type must be 1 to 128 characters long, got 0',
      'templates[1].severity must be one of low, medium, high, critical, got the string "loud"',
      'templates[1].weight must be a number greater than 0, got number -1',
    ]);
  });
});
