// The shipped risk-signal phrase lists (Chinese and English). They are seeded into the
// database once and edited there (`redress phrases:set`); this file is only the first version.
import type { PhraseList } from './phrases';

export const DEFAULT_PHRASE_LISTS: Record<string, PhraseList> = {
  regulator: {
    label: 'Regulator or official complaint channel',
    phrases: [
      '12378', '12363', '12386', '12315', '金融监管', '监管局', '监管部门', '银保监', '银监会', '保监会', '人民银行',
      '证监会', '金融监督管理总局', '信访', '消保局', '消费者权益保护局',
      'FCA', 'Financial Conduct Authority', 'ombudsman', 'FOS', 'CFPB', 'regulator', 'FINRA', 'PRA',
    ],
    except: [],
  },
  litigation: {
    label: 'Legal action',
    phrases: [
      '起诉', '上诉', '诉讼', '律师', '律师函', '法院', '仲裁', '报警', '集体诉讼', '法律途径', '法律手段',
      'lawyer', 'lawyers', 'solicitor', 'solicitors', 'attorney', 'sue', 'suing', 'sued', 'court', 'courts', 'legal action',
      'class action', 'lawsuit', 'litigation', 'arbitration', 'police',
    ],
    except: ['报警器'],
  },
  media: {
    label: 'Press and social media',
    phrases: [
      '媒体', '记者', '曝光', '微博', '抖音', '小红书', '黑猫投诉', '电视台', '网上发帖', '朋友圈',
      'press', 'journalist', 'journalists', 'newspaper', 'go public', 'going public', 'social media', 'twitter', 'tiktok', 'the media',
    ],
    except: [],
  },
  fraud: {
    label: 'Fraud and fund security',
    phrases: [
      '诈骗', '被骗', '骗子', '盗刷', '未经授权', '未经我同意', '冒名', '冒用', '假客服', '非法集资', '无法赎回', '资金被转走', '钓鱼网站', '钓鱼短信',
      'fraud', 'fraudulent', 'scam', 'scammed', 'unauthorised', 'unauthorized', 'identity theft', 'phishing', 'stolen',
      'cannot withdraw', "can't withdraw",
    ],
    except: [],
  },
  'mis-selling': {
    label: 'Mis-selling',
    phrases: [
      '保本', '保证收益', '承诺收益', '存款变保险', '不知道是保险', '以为是存款', '没做风险测评', '代签', '没有双录', '误导销售', '夸大收益',
      'guaranteed return', 'guaranteed returns', 'mis-sold', 'mis sold', 'missold', 'mis-selling', 'misled', 'misleading',
      'told it was a deposit', 'no risk assessment',
    ],
    except: [],
  },
  vulnerability: {
    label: 'Vulnerable client',
    phrases: [
      '老人', '老年人', '养老钱', '养老金', '救命钱', '住院', '重病', '癌症', '去世', '过世', '失业', '残疾', '老年痴呆',
      'dementia', 'bereaved', 'bereavement', 'power of attorney', 'terminally ill', 'hospital', 'disabled', 'disability',
      'my pension', 'lost my job', 'unemployed', 'elderly',
    ],
    except: [],
  },
  'group-complaint': {
    label: 'Group complaint',
    phrases: ['集体', '多人', '维权群', '联名', '一群人', '大家一起', 'group of us', 'many customers', 'all of us', 'petition', 'class action'],
    except: [],
  },
  'self-harm': {
    label: 'Self-harm or suicide risk (urgent)',
    phrases: [
      '想死', '不想活', '活不下去', '自杀', '轻生', '跳楼', '一死了之', '了结自己',
      'suicide', 'suicidal', 'kill myself', 'end my life', 'take my own life', 'want to die', 'end it all',
    ],
    except: ['想死你', '笑死', '想死我了'],
  },
};
