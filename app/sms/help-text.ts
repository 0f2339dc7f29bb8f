// The answer to HELP, in the client's language. Short enough for one part (GSM-7 in English,
// UCS-2 in Chinese), and it names the keywords a carrier requires.
import type { Language } from '../../db/constants';

export function smsHelpText(language: Language): string {
  return language === 'zh'
    ? '投诉服务：直接回复短信即可提交或补充投诉，我们会以短信答复。回复STOP退订，回复START恢复。'
    : 'Complaints line: text us your complaint or question and we will reply here. Reply STOP to opt out, START to opt back in.';
}
