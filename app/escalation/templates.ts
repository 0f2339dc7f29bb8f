// Staff notifications written by escalation rules, in each recipient's own language. Plain
// text with {placeholders}; an unknown placeholder is left as written rather than dropped.
import type { Language } from '../../db/constants';
import type { TemplateName } from './rule-schema';

export interface TemplateValues {
  reference: string;
  subject: string;
  level: string;
  levelName: string;
  rule: string;
  matched: string;
  link: string;
  priority: string;
  target: string;
}

interface Template {
  subject: string;
  body: string;
  sms: string;
}

const TEMPLATES: Record<TemplateName, Record<Language, Template>> = {
  escalated: {
    en: {
      subject: '[{reference}] Escalated to level {level} ({levelName})',
      body: 'Ticket {reference} "{subject}" was escalated to level {level} ({levelName}) by the rule "{rule}".\nWhy: {matched}\nPriority: {priority}\n\n{link}',
      sms: 'Redress: {reference} escalated to level {level} ({levelName}): {matched}. {link}',
    },
    zh: {
      subject: '[{reference}] 已升级至 {level} 级（{levelName}）',
      body: '工单 {reference}“{subject}”已由规则“{rule}”升级至 {level} 级（{levelName}）。\n原因：{matched}\n优先级：{priority}\n\n{link}',
      sms: 'Redress：{reference} 已升级至 {level} 级（{levelName}）：{matched}。{link}',
    },
  },
  'risk-alert': {
    en: {
      subject: '[{reference}] Risk alert: {matched}',
      body: 'Ticket {reference} "{subject}" needs attention now.\nThe rule "{rule}" matched: {matched}\nPriority: {priority}, level {level}\n\n{link}',
      sms: 'Redress URGENT: {reference}: {matched}. Act now: {link}',
    },
    zh: {
      subject: '[{reference}] 风险预警：{matched}',
      body: '工单 {reference}“{subject}”需要立即处理。\n规则“{rule}”命中：{matched}\n优先级：{priority}，级别 {level}\n\n{link}',
      sms: 'Redress 紧急：{reference}：{matched}。请立即处理：{link}',
    },
  },
  'sla-warning': {
    en: {
      subject: '[{reference}] SLA warning: {target}',
      body: 'The {target} deadline of ticket {reference} "{subject}" is approaching.\n\n{link}',
      sms: 'Redress: {reference} {target} deadline approaching. {link}',
    },
    zh: {
      subject: '[{reference}] 时限预警：{target}',
      body: '工单 {reference}“{subject}”的 {target} 时限即将到期。\n\n{link}',
      sms: 'Redress：{reference} 的 {target} 时限即将到期。{link}',
    },
  },
  'sla-breached': {
    en: {
      subject: '[{reference}] SLA breached: {target}',
      body: 'The {target} deadline of ticket {reference} "{subject}" has passed. It is now at level {level} ({levelName}).\n\n{link}',
      sms: 'Redress: {reference} breached its {target} deadline, now level {level}. {link}',
    },
    zh: {
      subject: '[{reference}] 已超时：{target}',
      body: '工单 {reference}“{subject}”已超过 {target} 时限，现为 {level} 级（{levelName}）。\n\n{link}',
      sms: 'Redress：{reference} 已超过 {target} 时限，现为 {level} 级。{link}',
    },
  },
};

function fill(text: string, values: TemplateValues): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as keyof TemplateValues] : whole,
  );
}

export function renderTemplate(name: TemplateName, language: Language, values: TemplateValues): Template {
  const t = TEMPLATES[name][language];
  return { subject: fill(t.subject, values), body: fill(t.body, values), sms: fill(t.sms, values) };
}

export function fillText(text: string, values: TemplateValues): string {
  return fill(text, values);
}
