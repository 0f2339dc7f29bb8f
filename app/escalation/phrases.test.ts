import { describe, expect, it } from 'vitest';
import { DEFAULT_PHRASE_LISTS } from './default-phrases';
import { compileList, matchLists, normalizeText, phraseListSchema } from './phrases';

const lists = Object.entries(DEFAULT_PHRASE_LISTS).map(([name, l]) => compileList(name, phraseListSchema.parse(l)));
const hits = (text: string) => matchLists(lists, text).map((m) => `${m.list}:${m.phrase}`);
const listsHit = (text: string) => matchLists(lists, text).map((m) => m.list);

describe('shipped phrase lists', () => {
  it('every list is valid and has Chinese and English phrases', () => {
    for (const [name, list] of Object.entries(DEFAULT_PHRASE_LISTS)) {
      expect(phraseListSchema.safeParse(list).success, name).toBe(true);
      expect(list.phrases.some((p) => /\p{Script=Han}/u.test(p)), `${name} has Chinese`).toBe(true);
      expect(list.phrases.some((p) => /[a-z]/i.test(p)), `${name} has English`).toBe(true);
    }
  });

  // One Chinese and one English message per list, each raising that list and naming the phrase.
  const cases: [string, string, string][] = [
    ['regulator', '你们再不处理我就打12378投诉到金融监管局', '12378'],
    ['regulator', 'I will take this to the Financial Ombudsman — the FOS will hear about it.', 'ombudsman'],
    ['litigation', '我已经请了律师，准备起诉你们', '起诉'],
    ['litigation', 'My solicitor says I can sue the bank.', 'solicitor'],
    ['media', '我要找记者曝光你们', '记者'],
    ['media', 'If this is not fixed I will go public and talk to a journalist.', 'journalist'],
    ['fraud', '我的卡被盗刷了三笔', '盗刷'],
    ['fraud', 'There are unauthorised payments on my account, this is fraud.', 'fraud'],
    ['mis-selling', '当时说是保本的，存款变保险了', '保本'],
    ['mis-selling', 'I was promised a guaranteed return, I was mis-sold this policy.', 'guaranteed return'],
    ['vulnerability', '这是我父亲的养老钱，他现在住院', '养老钱'],
    ['vulnerability', 'My mother has dementia and I hold power of attorney.', 'dementia'],
    ['group-complaint', '我们有多人受骗，已经建了维权群', '多人'],
    ['group-complaint', 'A group of us bought this fund at the same branch.', 'group of us'],
    ['self-harm', '钱没了我真的不想活了，想死', '想死'],
    ['self-harm', 'I have lost everything and I want to kill myself.', 'kill myself'],
  ];
  it.each(cases)('%s: %s', (list, text, phrase) => {
    expect(hits(text)).toContain(`${list}:${phrase}`);
  });
});

describe('matching', () => {
  it('treats full-width digits and letters as their half-width forms', () => {
    expect(hits('我要打１２３７８投诉')).toContain('regulator:12378');
    expect(hits('ＦＣＡ will hear of this')).toContain('regulator:FCA');
    expect(normalizeText('１２３７８ ＡＢＣ')).toBe('12378 abc');
  });

  it('ignores case and extra spaces in English phrases', () => {
    expect(hits('This is a CLASS   ACTION waiting to happen')).toContain('litigation:class action');
    expect(hits('I WANT TO KILL MYSELF')).toContain('self-harm:kill myself');
  });

  it('matches English on word boundaries only: no false friends', () => {
    expect(listsHit('I have an issue with my statement')).not.toContain('litigation');
    expect(listsHit('I will pursue this with your manager, and the tissue of lies')).not.toContain('litigation');
    expect(listsHit('The courteous staff at the branch helped')).not.toContain('litigation');
    expect(listsHit('Please express my thanks; I was under pressure')).not.toContain('media');
    expect(listsHit('The scampi at the staff canteen')).not.toContain('fraud');
    expect(listsHit('My account number is 1237890')).not.toContain('regulator');
    expect(hits('I will sue.')).toContain('litigation:sue');
  });

  it('matches a number next to Chinese text', () => {
    expect(hits('不解决就打12378')).toContain('regulator:12378');
  });

  it('honours a list’s exceptions', () => {
    expect(listsHit('好久不见，想死你了！')).not.toContain('self-harm');
    expect(listsHit('想死你了，但我真的想死')).toContain('self-harm');
    expect(listsHit('家里的烟雾报警器坏了')).not.toContain('litigation');
  });

  it('matches Chinese by substring', () => {
    expect(hits('已请律师事务所介入')).toContain('litigation:律师');
  });
});
