import { LifecycleMessage } from '@app/contracts';
import { escapeHtml } from './html-escape';
import {
  conditionText,
  headline,
  incidentFacts,
  notificationTitle,
  SEVERITY_COLOR,
} from './notification-summary';
import { truncate } from './text';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Plain text for every client and HTML for the ones that render it; same facts in both. */
export function emailContent(message: LifecycleMessage): EmailContent {
  const facts = incidentFacts(message);
  const summary = headline(message);
  const condition = conditionText(message.incident);
  const footer = `${message.kind} at ${message.at} by ${message.actor} - sent by eventmon`;
  const text = [
    summary,
    '',
    condition,
    '',
    ...facts.map((fact) => `${fact.label}: ${fact.value}`),
    '',
    footer,
    '',
  ].join('\n');
  const color = `#${SEVERITY_COLOR[message.incident.severity].toString(16).padStart(6, '0')}`;
  const rows = facts
    .map(
      (fact) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(fact.label)}</th><td>${escapeHtml(fact.value)}</td></tr>`,
    )
    .join('');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="border-left:6px solid ${color};padding-left:8px">${escapeHtml(summary)}</h2>`,
    `<p>${escapeHtml(condition)}</p>`,
    `<table>${rows}</table>`,
    `<p style="color:#666;font-size:smaller">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: truncate(notificationTitle(message), 250), text, html };
}
