// The complaint every benchmark posts: the same fields the API and the reference (a) accept,
// with a distinct client per request (as in real traffic, where each complaint is new).
export function complaintBody(n: number): string {
  return JSON.stringify({
    channel: 'web',
    name: '李伟',
    email: `bench.${process.pid}.${n}@example.cn`,
    product: 'wealth',
    cause: 'mis_selling',
    amount: '12000.00',
    occurredOn: '2026-01-15',
    description: '去年在网点存钱时，客户经理说这是“保本保息的存款”，让我签了字。现在到期发现亏损了8%，才知道是非保本理财。',
    outcomeWanted: '退还本金损失',
    consentToContact: true,
  });
}
